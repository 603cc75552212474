"""Points gifts ordered online for pick-up at a redemption hall (loyalty's redemption service, channel web):
the order with the points and the gift set aside, the counter's refusals shown in Chinese with nothing
written, the customer's orders with their state, cancelling one, another customer's order a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import PointsEntry, PointsLot
from boss.models import AuditEvent
from inventory.models import Gift, GiftStock
from loyalty.models import Redemption
from portal.tests.conftest import sign_in


def gift_world(line):
    """The line's hall made a redemption hall holding 2 mugs; the line's owner with 1000 points."""
    from billing.services.points import points_expiry
    from portal.services.channel import web_actor

    hall = line.hall
    hall.redemption_hall = True
    hall.save(update_fields=["redemption_hall"])
    today = timezone.localdate()
    mug = Gift.objects.get_or_create(code="MUG", defaults={"name": "保温杯", "points": 500,
                                                           "valid_from": today - timedelta(days=30)})[0]
    GiftStock.objects.update_or_create(gift=mug, hall=hall, defaults={"quantity": 2})
    earned = today - timedelta(days=40)
    lot = PointsLot.objects.create(customer=line.customer, earned_on=earned, points=1000, remaining=1000,
                                   expires_on=points_expiry(earned))
    PointsEntry.objects.create(customer=line.customer, lot=lot, kind=PointsEntry.Kind.ACCRUE, delta=1000,
                               reference="test")

    class World:
        pass

    w = World()
    w.hall, w.mug = hall, mug

    def order(for_line):
        from loyalty.services.redemptions import redemption_order

        return redemption_order(actor=web_actor(hall=for_line.hall, customer_id=for_line.customer_id),
                                line=for_line, gift=mug, hall=hall)

    w.order = order
    return w


def _balance(customer) -> int:
    return sum(PointsLot.objects.filter(customer=customer).values_list("remaining", flat=True))


def test_order_a_gift_for_pickup_once_and_see_it_on_the_points_page(client, mine, django_assert_max_num_queries):
    w = gift_world(mine)
    sign_in(client, mine)
    url = reverse("portal:gift_order")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "保温杯 · 500 积分" in html and w.hall.name in html
    assert "checked" not in html and 'value="" selected' in html      # nothing preselected
    key = page.context["form"].initial["idempotency_key"]
    data = {"gift": w.mug.pk, "hall": w.hall.pk, "idempotency_key": key}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 200
    assert "礼品已预约" in first.content.decode() and w.hall.name in first.content.decode()
    r = Redemption.objects.get()
    assert r.state == "ordered" and r.channel == "web" and r.actor.username == "web" and r.line == mine
    assert _balance(mine.customer) == 500 and GiftStock.objects.get(gift=w.mug).quantity == 1
    assert AuditEvent.objects.filter(action="redemption.order", actor__username="web").count() == 1
    with django_assert_max_num_queries(12):
        points = client.get(reverse("portal:points")).content.decode()
    assert r.number in points and "网上已下单，待领取" in points and "ordered" not in points


def test_a_refused_order_shows_the_counters_reason_and_writes_nothing(client, mine):
    w = gift_world(mine)
    PointsLot.objects.filter(customer=mine.customer).update(remaining=100)
    sign_in(client, mine)
    response = client.post(reverse("portal:gift_order"), {"gift": w.mug.pk, "hall": w.hall.pk,
                                                          "idempotency_key": "k"})
    assert response.status_code == 409 or response.status_code == 400
    assert "积分不足" in response.content.decode()
    assert not Redemption.objects.exists() and GiftStock.objects.get(gift=w.mug).quantity == 2
    missing = client.post(reverse("portal:gift_order"), {"idempotency_key": "k2"})
    assert missing.status_code == 400 and missing.context["form"].errors.keys() >= {"gift", "hall"}


def test_cancel_an_order_gives_the_points_back(client, mine):
    w = gift_world(mine)
    r = w.order(mine)
    sign_in(client, mine)
    page = client.get(reverse("portal:points"))
    key = next(o for o in page.context["orders"] if o.pk == r.pk).cancel_form.initial["idempotency_key"]
    response = client.post(reverse("portal:gift_order_cancel", args=[r.pk]), {"agreed": "on", "idempotency_key": key})
    assert response.status_code == 200 and "500 积分已退回" in response.content.decode()
    r.refresh_from_db()
    assert r.state == "cancelled" and _balance(mine.customer) == 1000
    assert GiftStock.objects.get(gift=w.mug).quantity == 2
    again = client.post(reverse("portal:gift_order_cancel", args=[r.pk]), {"agreed": "on", "idempotency_key": "x"})
    assert again.status_code == 409 and _balance(mine.customer) == 1000


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_customers_order_cannot_be_cancelled(client, mine, theirs, method):
    w = gift_world(theirs)
    r = w.order(theirs)
    sign_in(client, mine)
    url = reverse("portal:gift_order_cancel", args=[r.pk])
    response = getattr(client, method)(url, {"agreed": "on", "idempotency_key": "k"})
    assert response.status_code == (405 if method == "get" else 404)
    r.refresh_from_db()
    assert r.state == "ordered"


def test_the_gift_page_shows_the_gifts_pictures_served_to_the_signed_in_customer_only(
        client, mine, django_assert_max_num_queries):
    from django.test import Client

    from loyalty.demo import _picture

    w = gift_world(mine)
    png = _picture((200, 60, 60))
    Gift.objects.filter(pk=w.mug.pk).update(picture=png, picture_type="image/png")
    plain = Gift.objects.create(code="PEN", name="签字笔", points=100, valid_from=w.mug.valid_from)
    GiftStock.objects.create(gift=plain, hall=w.hall, quantity=3)
    picture_url = reverse("portal:gift_picture", args=[w.mug.pk])
    assert Client().get(picture_url).status_code == 302                  # not signed in: to the sign-in
    sign_in(client, mine)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("portal:gift_order"))
    html = page.content.decode()
    assert page.status_code == 200 and f'src="{picture_url}"' in html
    assert reverse("portal:gift_picture", args=[plain.pk]) not in html and "签字笔 · 100 积分" in html
    with django_assert_max_num_queries(6):
        picture = client.get(picture_url)
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png" and picture.content == png
    assert client.get(reverse("portal:gift_picture", args=[plain.pk])).status_code == 404
    assert client.get(reverse("portal:gift_picture", args=[plain.pk + 999])).status_code == 404
