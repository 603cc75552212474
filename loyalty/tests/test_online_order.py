"""Gifts ordered online (the portal) for pick-up at a redemption hall: the counter's refusals at the order
with nothing written, the points and the gift set aside at once, the hand-over at that hall only with the
counter's documents and confirmations, the points and the gift back when the order is cancelled, not
collected in time or refused at the pick-up; the hall's list of orders to collect."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from billing.errors import PointsInsufficientError
from billing.models import PointsEntry, PointsLot
from boss.models import AuditEvent
from inventory.errors import GiftOutOfStockError, NotRedemptionHallError
from inventory.models import GiftStock, GiftStockMovement
from loyalty.errors import PickupExpiredError, PickupHallError, ReceiptNotSignedError, RedemptionStateError
from loyalty.models import Redemption
from loyalty.services.redemptions import (
    redemption_answer,
    redemption_order,
    redemption_order_cancel,
    redemption_pickup,
    redemptions_expire,
)
from loyalty.tests.conftest import written

pytestmark = pytest.mark.django_db
State = Redemption.State


def balance(customer) -> int:
    return sum(PointsLot.objects.filter(customer=customer).values_list("remaining", flat=True))


def stock(w, gift=None) -> int:
    return GiftStock.objects.get(gift=gift or w.mug, hall=w.hall).quantity


def order(w, line=None, gift=None, hall=None):
    return redemption_order(actor=w.rep2, line=line or w.line, gift=gift or w.mug, hall=hall or w.hall)


def test_an_order_sets_the_points_and_the_gift_aside_until_the_pickup_day(world, set_tariff):
    w = world
    set_tariff("points.pickup_days", "3")
    r = order(w)
    assert r.state == State.ORDERED and r.channel == Redemption.Channel.WEB and r.hall == w.hall
    assert r.pickup_until - r.reserved_at == timedelta(days=3)
    assert balance(w.person) == 500 and stock(w) == 4
    assert AuditEvent.objects.filter(action="redemption.order", target_id=str(r.pk)).count() == 1
    assert r.get_state_display() == "网上已下单，待领取"
    from notifications.models import SmsMessage

    sms = SmsMessage.objects.get(template="loyalty.gift_ordered")
    day = timezone.localtime(r.pickup_until)
    assert sms.msisdn == w.line.msisdn and sms.hall == w.hall and sms.body == (
        f"您预约的积分礼品保温杯（订单 {r.number}）已在{w.hall.name}为您预留。"
        f"请于 {day:%Y-%m-%d %H:%M} 前携带身份证件领取；逾期订单自动取消，积分退回。")


@pytest.mark.parametrize("case", ["points", "stock", "hall"])
def test_an_order_is_refused_like_the_counter_and_nothing_is_written(world, case):
    w = world
    gift, hall = w.mug, w.hall
    if case == "points":
        gift, expected = w.umbrella, PointsInsufficientError
        PointsLot.objects.filter(pk=w.new_lot.pk).update(remaining=400)
    elif case == "stock":
        GiftStock.objects.filter(gift=w.mug).update(quantity=0)
        expected = GiftOutOfStockError
    else:
        from boss.tests.factories import HallFactory

        hall, expected = HallFactory(code="GZ-XX99", name="某代办点", redemption_hall=False), NotRedemptionHallError
    before = written(w)
    with pytest.raises(expected):
        order(w, gift=gift, hall=hall)
    assert written(w) == before


def test_the_hall_hands_it_over_to_the_customer_in_person_without_taking_the_points_twice(world):
    w = world
    r = order(w)
    with pytest.raises(ReceiptNotSignedError):
        redemption_pickup(actor=w.rep, redemption=r, documents_checked=["id_original"])
    r.refresh_from_db()
    assert r.state == State.ORDERED
    done = redemption_pickup(actor=w.rep, redemption=r, documents_checked=["id_original"], receipt_signed=True)
    assert done.state == State.COMPLETED and done.actor == w.rep and done.documents_checked == ["id_original"]
    assert balance(w.person) == 500 and stock(w) == 4     # taken once, at the order
    assert PointsEntry.objects.filter(reference=r.reference, kind="redeem").count() == 2
    assert GiftStockMovement.objects.filter(reference=r.reference).count() == 1
    assert AuditEvent.objects.filter(action="redemption.complete", target_id=str(r.pk)).count() == 1
    with pytest.raises(RedemptionStateError):
        redemption_pickup(actor=w.rep, redemption=r, documents_checked=["id_original"], receipt_signed=True)


def test_it_is_handed_over_only_at_the_hall_it_was_ordered_for(world, make_staff):
    from boss.tests.factories import HallFactory

    w = world
    r = order(w)
    elsewhere = make_staff("sales_rep", username="rep_far",
                           hall=HallFactory(code="GZ-TH02", name="天河兑换厅", redemption_hall=True))
    before = written(w)
    with pytest.raises(PickupHallError) as exc:
        redemption_pickup(actor=elsewhere, redemption=r, documents_checked=["id_original"], receipt_signed=True)
    assert str(exc.value.message) == "该礼品预约在其他兑换厅领取，只能在该厅交付。"
    assert written(w) == before


def test_an_order_not_collected_in_time_is_cancelled_and_gives_everything_back(world):
    w = world
    r = order(w)
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        with pytest.raises(PickupExpiredError) as exc:
            redemption_pickup(actor=w.rep, redemption=r, documents_checked=["id_original"], receipt_signed=True)
    assert str(exc.value.message) == "该订单未在期限内领取：已取消，积分已退回。"
    r.refresh_from_db()
    assert r.state == State.CANCELLED and r.points_given_back == 500
    assert balance(w.person) == 1000 and stock(w) == 5


def test_the_job_cancels_overdue_orders_once(world):
    w = world
    r, kept = order(w), order(w, gift=w.speaker)
    Redemption.objects.filter(pk=r.pk).update(pickup_until=timezone.now() - timedelta(minutes=1))
    assert redemptions_expire(actor=w.manager) == 1
    assert redemptions_expire(actor=w.manager) == 0
    r.refresh_from_db()
    kept.refresh_from_db()
    assert r.state == State.CANCELLED and r.refusal == "未在期限内领取。" and kept.state == State.ORDERED
    assert balance(w.person) == 1000 - 300 and stock(w) == 5
    assert AuditEvent.objects.filter(action="redemption.cancel").count() == 1


def test_the_customer_cancels_an_order_once(world):
    w = world
    r = order(w)
    redemption_order_cancel(actor=w.rep2, redemption=r, reason="不要了")
    assert balance(w.person) == 1000 and stock(w) == 5
    with pytest.raises(RedemptionStateError):
        redemption_order_cancel(actor=w.rep2, redemption=r, reason="不要了")
    assert balance(w.person) == 1000 and stock(w) == 5


def test_an_organizations_order_waits_for_the_room_at_the_pickup_and_a_refusal_gives_it_back(world, agent):
    w = world
    r = order(w, line=w.org_line)
    assert balance(w.org) == 1500
    waiting = redemption_pickup(actor=w.rep, redemption=r, documents_checked=["unit_letter", "licence", "agent_id"],
                                seal="red_round", agent=agent)
    assert waiting.state == State.AWAITING_ROOM and waiting.confirm_deadline is not None
    redemption_answer(actor=w.room, redemption=waiting, confirmed=False, note="未获集团授权")
    r.refresh_from_db()
    assert r.state == State.REFUSED and balance(w.org) == 2000 and stock(w) == 5


def test_the_halls_list_shows_the_orders_to_collect_and_the_detail_the_pickup_form(world, client):
    w = world
    r = order(w)
    client.force_login(w.rep)
    page = client.get(reverse("loyalty:redemption_list")).content.decode()
    assert r.number in page.split("最近兑换")[0]
    detail = client.get(reverse("loyalty:redemption_detail", args=[r.pk]))
    assert detail.status_code == 200 and 'data-testid="pickup-form"' in detail.content.decode()
    key = detail.context["pickup_form"].initial["idempotency_key"]
    data = {"documents_checked": ["id_original"], "receipt_signed": "on", "idempotency_key": key}
    response = client.post(reverse("loyalty:redemption_pickup", args=[r.pk]), data)
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.state == State.COMPLETED


def test_the_counters_redeem_screen_points_to_the_customers_orders_waiting_here(world, client):
    w = world
    r = order(w)
    client.force_login(w.rep)
    page = client.get(reverse("loyalty:redeem"), {"msisdn": w.line.msisdn}).content.decode()
    assert 'data-testid="orders-here"' in page and r.number in page
    assert reverse("loyalty:redemption_detail", args=[r.pk]) in page
    other = client.get(reverse("loyalty:redeem"), {"msisdn": w.org_line.msisdn}).content.decode()
    assert 'data-testid="orders-here"' not in other
