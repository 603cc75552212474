"""Redemption (process 9): the individual in person, every refusal writing nothing, the lots oldest first and
their expiry edge, the big-customer room's clock, the call for an agent, the return."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from billing.errors import PointsExpiredError, PointsInsufficientError
from billing.models import LedgerTransaction, PointsEntry, PointsLot
from boss.models import AuditEvent
from customers.models import CustomerClass, Line
from inventory.errors import GiftOutOfStockError, NotRedemptionHallError
from inventory.models import GiftStock, GiftStockMovement
from loyalty.errors import (
    ConfirmationRefusedError,
    ConfirmationTimedOutError,
    CustomerBlacklistedError,
    GiftNotRedeemableError,
    LineSuspendedError,
    ReceiptNotSignedError,
    RedemptionStateError,
    ReturnPeriodOverError,
    SealRequiredError,
)
from loyalty.models import Redemption
from loyalty.services.redemptions import (
    Topup,
    redemption_answer,
    redemption_call,
    redemption_complete,
    redemption_return,
    redemption_start,
    redemptions_expire,
)
from loyalty.tests.conftest import written
from orders.errors import AgentRequiredError, DocumentsMissingError

pytestmark = pytest.mark.django_db
ID = ["id_original"]
ORG_DOCS = ["unit_letter", "licence", "agent_id"]


def start(w, line=None, gift=None, **kw):
    kw.setdefault("documents_checked", ID)
    kw.setdefault("receipt_signed", True)
    return redemption_start(actor=kw.pop("actor", w.rep), line=line or w.line, gift=gift or w.mug, **kw)


def test_an_individual_in_person_redeems_at_once_oldest_lot_first(world):
    w = world
    r = start(w)
    assert r.state == Redemption.State.COMPLETED and r.confirmation == "none" and r.receipt_signed_at
    w.old_lot.refresh_from_db()
    w.new_lot.refresh_from_db()
    assert (w.old_lot.remaining, w.new_lot.remaining) == (0, 500)   # 300 from the oldest, 200 from the next
    entries = list(PointsEntry.objects.filter(reference=r.reference).order_by("pk").values_list("lot_id", "delta"))
    assert entries == [(w.old_lot.pk, -300), (w.new_lot.pk, -200)]
    stock = GiftStock.objects.get(gift=w.mug, hall=w.hall)
    assert stock.quantity == 4
    assert stock.movements.filter(kind="redeem", reference=r.reference, delta=-1).exists()
    assert AuditEvent.objects.filter(action="redemption.complete", target_id=str(r.pk)).exists()


@pytest.mark.parametrize("case", ["points", "expired", "stock", "hall", "suspended", "blacklist", "dates",
                                  "documents", "signature", "seal", "org_agent"])
def test_every_refusal_writes_nothing(world, case, set_tariff):
    w = world
    kwargs: dict = {}
    line, gift = w.line, w.mug
    expected: type[Exception]
    if case == "points":
        gift, expected = w.umbrella, PointsInsufficientError   # 800 > ... after spending below
        PointsLot.objects.filter(pk=w.new_lot.pk).update(remaining=400)   # 700 left in all
    elif case == "expired":
        PointsLot.objects.filter(customer=w.person).update(expires_on=timezone.localdate() - timedelta(days=1))
        expected = PointsExpiredError
    elif case == "stock":
        GiftStock.objects.filter(gift=w.mug).update(quantity=0)
        expected = GiftOutOfStockError
    elif case == "hall":
        w.hall.redemption_hall = False
        w.hall.save()
        expected = NotRedemptionHallError
    elif case == "suspended":
        Line.objects.filter(pk=w.line.pk).update(status=Line.Status.SUSPENDED_ARREARS)
        line = Line.objects.get(pk=w.line.pk)
        expected = LineSuspendedError
    elif case == "blacklist":
        CustomerClass.objects.create(customer=w.person, kind="blacklist", reason="欠费逃逸", since=timezone.localdate())
        expected = CustomerBlacklistedError
    elif case == "dates":
        w.mug.valid_until = w.mug.valid_from
        w.mug.save()
        expected = GiftNotRedeemableError
    elif case == "documents":
        kwargs["documents_checked"] = []
        expected = DocumentsMissingError
    elif case == "signature":
        kwargs["receipt_signed"] = False
        expected = ReceiptNotSignedError
    elif case == "seal":
        line, kwargs["documents_checked"], expected = w.org_line, ORG_DOCS, SealRequiredError
    else:
        line, kwargs["documents_checked"], kwargs["seal"], expected = w.org_line, ORG_DOCS, "red_round", \
            AgentRequiredError
    before = written(w)
    with pytest.raises(expected) as exc:
        start(w, line=line, gift=gift, **kwargs)
    assert exc.value.code and str(exc.value.message)
    assert written(w) == before


def test_a_refused_message_is_chinese_by_default(world):
    GiftStock.objects.filter(gift=world.mug).update(quantity=0)
    with pytest.raises(GiftOutOfStockError) as exc:
        start(world)
    assert "库存" in str(exc.value.message) or "缺货" in str(exc.value.message)


def test_the_tariff_parameters_decide_on_suspended_lines_and_the_blacklist(world, set_tariff):
    w = world
    Line.objects.filter(pk=w.line.pk).update(status=Line.Status.SUSPENDED_REQUEST)
    CustomerClass.objects.create(customer=w.person, kind="blacklist", reason="测试", since=timezone.localdate())
    set_tariff("points.redeem_refuse_suspended", "false")
    set_tariff("points.redeem_refuse_blacklisted", "false")
    assert start(w, line=Line.objects.get(pk=w.line.pk)).state == Redemption.State.COMPLETED


def test_points_expire_at_the_end_of_the_36th_month(world):
    """A lot earned in January 2023 is spendable on 31 January 2026 (end of the 36th month after), not on
    1 February 2026; a lot with a later expiry is used instead, and expired points never count."""
    w = world
    tz = timezone.get_current_timezone()
    w.mug.valid_from = datetime(2020, 1, 1).date()
    w.mug.save()
    with time_machine.travel(datetime(2023, 1, 15, 10, tzinfo=tz), tick=False):
        jan = w.lot(w.person, 500, timezone.localdate())
        feb = w.lot(w.person, 500, timezone.localdate() + timedelta(days=31))
    assert str(jan.expires_on) == "2026-01-31" and str(feb.expires_on) == "2026-02-28"
    PointsLot.objects.filter(pk__in=[w.old_lot.pk, w.new_lot.pk]).update(remaining=0)
    with time_machine.travel(datetime(2026, 1, 31, 23, 59, tzinfo=tz), tick=False):
        r = start(w)
    jan.refresh_from_db()
    assert jan.remaining == 0 and PointsEntry.objects.get(reference=r.reference).lot_id == jan.pk
    with time_machine.travel(datetime(2026, 2, 1, 0, 1, tzinfo=tz), tick=False):
        PointsLot.objects.filter(pk=jan.pk).update(remaining=500)
        r2 = start(w)
        feb.refresh_from_db()
        assert feb.remaining == 0 and PointsEntry.objects.get(reference=r2.reference).lot_id == feb.pk
        before = written(w)
        with pytest.raises(PointsExpiredError):
            start(w)
        assert written(w) == before


def _group(w):
    return start(w, line=w.org_line, documents_checked=ORG_DOCS, seal="blue_oval", agent=_agent())


def _agent():
    from loyalty.tests.conftest import AGENT_ID
    from orders.services.documents import AgentInput

    return AgentInput(doc_type="resident_id", number=AGENT_ID, name="李代办")


def test_a_group_customer_waits_for_the_room_answered_at_9_59(world):
    w = world
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        r = _group(w)
    assert r.state == Redemption.State.AWAITING_ROOM and r.confirm_deadline == t0 + timedelta(minutes=10)
    assert r.seal == "blue_oval" and r.agent is not None
    assert PointsEntry.objects.filter(reference=r.reference).count() == 0   # nothing spent while waiting
    with time_machine.travel(t0 + timedelta(minutes=9, seconds=59), tick=False):
        redemption_answer(actor=w.room, redemption=r, confirmed=True, note="王经理可领取")
        done = redemption_complete(actor=w.rep, redemption=r, receipt_signed=True)
    assert done.state == Redemption.State.COMPLETED and done.answer_note == "王经理可领取"
    assert PointsEntry.objects.filter(reference=r.reference, kind="redeem").count() == 1


def test_no_answer_in_ten_minutes_refuses_and_a_late_answer_changes_nothing(world):
    w = world
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        r = _group(w)
    before = written(w)
    with time_machine.travel(t0 + timedelta(minutes=10, seconds=1), tick=False):
        with pytest.raises(ConfirmationTimedOutError) as exc:
            redemption_answer(actor=w.room, redemption=r, confirmed=True, note="可以领取")
        assert "时间" in str(exc.value.message) or "答复" in str(exc.value.message)
        r.refresh_from_db()
        assert r.state == Redemption.State.TIMED_OUT and r.answered_by is None
        with pytest.raises(RedemptionStateError):
            redemption_answer(actor=w.room, redemption=r, confirmed=True, note="可以领取")
        with pytest.raises(ConfirmationTimedOutError):
            redemption_complete(actor=w.rep, redemption=r, receipt_signed=True)
    after = written(w)
    assert after[1:5] == before[1:5]   # no points, no stock moved (the closing itself is audited)


def test_the_job_closes_requests_past_their_deadline(world):
    w = world
    t0 = timezone.now()
    with time_machine.travel(t0, tick=False):
        r = _group(w)
    with time_machine.travel(t0 + timedelta(minutes=9), tick=False):
        assert redemptions_expire(actor=w.rep) == 0
    with time_machine.travel(t0 + timedelta(minutes=11), tick=False):
        assert redemptions_expire(actor=w.rep) == 1
        assert redemptions_expire(actor=w.rep) == 0
    r.refresh_from_db()
    assert r.state == Redemption.State.TIMED_OUT


def test_a_refusal_by_the_room_hands_nothing_over(world):
    w = world
    r = _group(w)
    redemption_answer(actor=w.room, redemption=r, confirmed=False, note="集团未授权此人领取")
    before = written(w)
    with pytest.raises(ConfirmationRefusedError):
        redemption_complete(actor=w.rep, redemption=r, receipt_signed=True)
    assert written(w) == before


def test_an_agent_for_an_individual_needs_the_call_to_the_customer(world):
    w = world
    r = start(w, documents_checked=["id_original", "agent_id"], agent=_agent(), receipt_signed=False)
    assert r.state == Redemption.State.AWAITING_CALL and r.confirmation == "call"
    with pytest.raises(RedemptionStateError):
        redemption_complete(actor=w.rep, redemption=r, receipt_signed=True)
    redemption_call(actor=w.rep, redemption=r, confirmed=True, note="客户本人电话确认")
    before = written(w)
    with pytest.raises(ReceiptNotSignedError):
        redemption_complete(actor=w.rep, redemption=r, receipt_signed=False)
    assert written(w) == before
    assert redemption_complete(actor=w.rep, redemption=r, receipt_signed=True).state == "completed"


def test_a_return_gives_the_same_lots_back_and_the_gift_back_to_stock(world):
    w = world
    r = start(w)
    back = redemption_return(actor=w.manager, redemption=r, reason="未拆封退回")
    assert back.state == Redemption.State.RETURNED and back.points_given_back == 500
    w.old_lot.refresh_from_db()
    w.new_lot.refresh_from_db()
    assert (w.old_lot.remaining, w.new_lot.remaining) == (300, 700)
    assert GiftStock.objects.get(gift=w.mug).quantity == 5
    assert list(PointsEntry.objects.filter(reference=f"return:{r.pk}").order_by("lot_id")
                .values_list("lot_id", "delta")) == [(w.old_lot.pk, 300), (w.new_lot.pk, 200)]
    with pytest.raises(RedemptionStateError):
        redemption_return(actor=w.manager, redemption=r, reason="再退一次")


def test_a_return_after_the_lot_expired_does_not_revive_it(world):
    w = world
    r = start(w)
    PointsLot.objects.filter(pk=w.old_lot.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    back = redemption_return(actor=w.manager, redemption=r, reason="退回")
    w.old_lot.refresh_from_db()
    assert back.points_given_back == 200 and w.old_lot.remaining == 0


def test_a_return_after_the_return_period_is_refused(world):
    w = world
    r = start(w)
    before = written(w)
    with time_machine.travel(timezone.now() + timedelta(days=8), tick=False):
        with pytest.raises(ReturnPeriodOverError):
            redemption_return(actor=w.manager, redemption=r, reason="太晚")
    assert written(w) == before


def test_a_cash_top_up_is_paid_into_the_ledger_and_paid_back_on_return(world):
    w = world
    r = start(w, gift=w.speaker, topup=Topup(method="cash", tendered=Decimal("50.00")))
    assert r.payment is not None and r.payment.amount == Decimal("20.00") and r.payment.change == Decimal("30.00")
    redemption_return(actor=w.manager, redemption=r, reason="退回")
    assert LedgerTransaction.objects.filter(reverses=r.payment.ledger_transaction).exists()


def test_stock_movements_and_points_entries_are_never_changed(world):
    from django.core.exceptions import ValidationError

    start(world)
    with pytest.raises(ValidationError):
        GiftStockMovement.objects.filter(kind="redeem").get().save()
    with pytest.raises(ValidationError):
        PointsEntry.objects.filter(kind="redeem").first().save()
