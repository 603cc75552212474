"""The demo data of the redemption: gifts in stock at the redemption hall (received as a delivery by its
store manager), points for the demo customers; loading twice changes nothing."""

import pytest

from billing.models import PointsEntry, PointsLot
from boss.tests.factories import HallFactory
from inventory.models import Gift, GiftStock, GiftStockMovement
from loyalty import demo

pytestmark = pytest.mark.django_db


def test_the_demo_gives_gifts_in_stock_and_points_once(world, make_staff):
    hall = HallFactory(code=demo.HALL, name="演示兑换厅", redemption_hall=True)
    make_staff("sales_rep", username="demo_rep", hall=hall)
    manager = make_staff("store_manager", username="demo_store", hall=hall)
    lots, gifts = PointsLot.objects.count(), Gift.objects.count()
    assert demo.load_history() == 2   # the two customers with a live line
    assert Gift.objects.count() == gifts + 1   # PWR is new; the test world has MUG, UMB and SPK already
    assert Gift.objects.filter(code="PWR").exclude(picture_type="").exists()
    stock = dict(GiftStock.objects.filter(hall=hall).values_list("gift__code", "quantity"))
    assert stock == {"MUG": 5, "UMB": 5, "PWR": 5, "SPK": 1}
    assert set(GiftStockMovement.objects.filter(stock__hall=hall).values_list("actor", flat=True)) == {manager.pk}
    assert PointsLot.objects.count() == lots + 2
    assert set(PointsEntry.objects.filter(reference=demo.REFERENCE).values_list("customer", flat=True)) == {
        world.person.pk, world.org.pk}

    assert demo.load_history() == 0   # again: nothing new
    assert PointsLot.objects.count() == lots + 2
    assert dict(GiftStock.objects.filter(hall=hall).values_list("gift__code", "quantity")) == stock
