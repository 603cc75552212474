"""The demo data of the redemption: gifts in stock at the redemption hall, points for the demo customers;
loading twice changes nothing."""

import pytest

from billing.models import PointsLot
from inventory.models import Gift, GiftStock
from loyalty import demo

pytestmark = pytest.mark.django_db


def test_the_demo_gives_gifts_in_stock_and_points_once(world):
    world.hall.code = demo.HALL
    world.hall.save()
    lots = PointsLot.objects.count()
    assert demo.load_history() == 2   # the two customers with a live line
    assert Gift.objects.filter(code="PWR").exclude(picture_type="").exists()
    assert GiftStock.objects.filter(hall=world.hall, quantity__gt=0).exists()
    assert PointsLot.objects.count() == lots + 2
    assert demo.load_history() == 0
    assert PointsLot.objects.count() == lots + 2
