"""Secondary cards (主副卡): add and remove at the counter, the primary plan's limit, every eligibility refusal
with its Chinese reason and nothing written, what happens to the cards in each state of the primary and of
the secondary (docs/line-states.md), a plan change that would leave too many cards, and two counters adding
the last allowed card at once (PostgreSQL)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from boss.errors import DomainError
from boss.models import AuditEvent
from catalog.tests.factories import PlanFactory
from customers.models import Line, SecondaryCard
from customers.tests.factories import CustomerFactory, IdentityFactory
from orders.errors import LineStateError, SecondaryCardError, SecondaryCardLimitError
from orders.models import Order
from orders.services import line_services as svc
from orders.services.cancellation import line_cancel
from orders.services.lifecycle import services_allowed
from orders.services.plan_change import line_plan_change
from orders.services.portability import line_port_out
from orders.services.precancel import RetentionInput, line_precancel
from orders.services.secondary_cards import line_secondary_add, line_secondary_remove
from orders.services.transfer import line_transfer
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


@pytest.fixture
def fam(live):
    """The customer's line on 5G128 (taking one secondary card) and two more of their lines."""
    live.plan.max_secondary_cards = 1
    live.plan.save(update_fields=["max_secondary_cards"])
    live.second = live.open_line("13912358888")
    live.third = live.open_line("13912345671")
    return live


def written():
    return (Order.objects.count(), SecondaryCard.objects.count(), AuditEvent.objects.count())


def fresh(line):
    return Line.objects.get(pk=line.pk)


def open_cards(line):
    return list(SecondaryCard.objects.filter(primary=line, until__isnull=True).values_list("secondary__msisdn",
                                                                                               flat=True))


def refused(exc_type, call, message):
    before = written()
    with pytest.raises(exc_type) as exc:
        call()
    assert str(exc.value.message) == message
    assert written() == before
    return exc.value


def test_a_secondary_card_is_added_with_its_order_audit_and_agreement_then_removed(fam):
    order = line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    assert (order.kind, order.state, order.line_id, order.amount_due) == ("secondary_add", "completed",
                                                                          fam.line.pk, 0)
    assert order.details["secondary"] == "13912358888" and order.agreement_signed
    card = SecondaryCard.objects.get()
    assert (card.primary_id, card.secondary_id, card.since, card.until, card.added_by) == (
        fam.line.pk, fam.second.pk, timezone.localdate(), None, order.reference)
    event = AuditEvent.objects.get(action="line.secondary.add")
    assert event.after["secondary"] == "13912358888" and event.after["order"] == order.pk
    assert "secondary_remove" in services_allowed(fresh(fam.line))
    removed = line_secondary_remove(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    card.refresh_from_db()
    assert (card.until, card.end_reason, card.ended_by) == (timezone.localdate(), "removed", removed.reference)
    assert AuditEvent.objects.filter(action="line.secondary.remove").count() == 1
    assert "secondary_remove" not in services_allowed(fresh(fam.line))
    # The card may join again (same day: the newer membership wins the day in rating).
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    assert open_cards(fam.line) == ["13912358888"]


def test_the_plans_limit_refuses_one_card_too_many_and_a_plan_without_cards(fam):
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    refused(SecondaryCardLimitError,
            lambda: line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912345671", **DOCS),
            "套餐“5G智享128元”最多可带 1 张副卡，本号码已有 1 张：请先取消一张，或变更为可带更多副卡的套餐。")
    fam.plan.max_secondary_cards = 0
    fam.plan.save(update_fields=["max_secondary_cards"])
    refused(SecondaryCardLimitError,
            lambda: line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912345671", **DOCS),
            "套餐“5G智享128元”不能办理副卡：请先变更为可带副卡的套餐。")


def test_eligibility_refusals_say_why_and_write_nothing(fam):
    fam.plan.max_secondary_cards = 3
    fam.plan.save(update_fields=["max_secondary_cards"])
    add = line_secondary_add
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.line, secondary="13912345670", **DOCS),
            "号码不能作为自己的副卡：请输入该客户的另一个号码。")
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.line, secondary="13700000000", **DOCS),
            "没有使用这个手机号码的用户。")
    # The documents, as every change.
    refused(DomainError, lambda: add(actor=fam.rep, line=fam.line, secondary="13912345671", documents_checked=[],
                                     agreement_signed=True), "请先核验这些证件：身份证件原件。")
    # Another customer's line.
    stranger = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=1)))
    Line.objects.filter(pk=fam.third.pk).update(customer=stranger)
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.line, secondary="13912345671", **DOCS),
            "13912345671 属于其他客户：只有机主本人名下的号码才能共享本号码的套餐（家人的号码请先过户到机主名下）。")
    Line.objects.filter(pk=fam.third.pk).update(customer=fam.customer)
    # Not active.
    Line.objects.filter(pk=fam.third.pk).update(status=Line.Status.SUSPENDED_REQUEST)
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.line, secondary="13912345671", **DOCS),
            "13912345671 当前为“报停”：只有正常使用的号码才能作为副卡。")
    Line.objects.filter(pk=fam.third.pk).update(status=Line.Status.ACTIVE)
    # Paid another way.
    fam.third.account.realtime_prepaid = not fam.line.account.realtime_prepaid
    fam.third.account.save(update_fields=["realtime_prepaid"])
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.line, secondary="13912345671", **DOCS),
            "13912345671 的付费方式（预付费或月结）与主卡不同：主副卡须采用同一付费方式。")
    fam.third.account.realtime_prepaid = fam.line.account.realtime_prepaid
    fam.third.account.save(update_fields=["realtime_prepaid"])
    # Already a secondary card elsewhere; a primary with cards; a secondary card as primary.
    add(actor=fam.rep, line=fam.second, secondary="13912345671", **DOCS)
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.line, secondary="13912345671", **DOCS),
            "13912345671 已是 13912358888 的副卡：请先在原主卡上取消。")
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS),
            "13912358888 自己带有副卡：主卡不能作为副卡。")
    refused(SecondaryCardError, lambda: add(actor=fam.rep, line=fam.third, secondary="13912345670", **DOCS),
            "13912345671 本身是 13912358888 的副卡：副卡不能再带副卡。")
    # Removing a line that is not its card.
    refused(SecondaryCardError, lambda: line_secondary_remove(actor=fam.rep, line=fam.line, secondary="13912345671",
                                                              **DOCS),
            "13912345671 不是本号码的副卡。")


def test_the_primary_must_be_active_to_add_a_card(fam):
    svc.line_suspend(actor=fam.rep, line=fam.line, **DOCS)
    work_orders_run()
    exc = refused(LineStateError,
                  lambda: line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS),
                  "号码处于“报停”状态，不能办理增加副卡。该号码已报停：请先复机。")
    assert exc.code == "line_state"


# --- What happens to the cards when a line's state changes (docs/line-states.md) -------------------------


def test_a_suspended_or_lost_primary_keeps_its_cards_and_they_can_still_be_removed(fam):
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    for service in ("line_suspend", "line_report_loss"):
        getattr(svc, service)(actor=fam.rep, line=fam.line, **DOCS)
        work_orders_run()
        assert open_cards(fam.line) == ["13912358888"], service
    assert fresh(fam.line).status == "suspended_loss"
    assert "secondary_remove" in services_allowed(fresh(fam.line))
    line_secondary_remove(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    assert open_cards(fam.line) == []


def test_a_suspended_secondary_stays_attached(fam):
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    svc.line_suspend(actor=fam.rep, line=fam.second, **DOCS)
    work_orders_run()
    assert fresh(fam.second).status == "suspended_request" and open_cards(fam.line) == ["13912358888"]


def precancel(w, line):
    return line_precancel(actor=w.manager, line=line, retention=RetentionInput(
        reason="moving", offer="保号套餐", accepted=False), **DOCS).order


def test_pre_cancelling_the_primary_detaches_its_cards_and_re_opening_does_not_bring_them_back(fam):
    from orders.services.precancel import line_reopen

    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    order = precancel(fam, fam.line)
    work_orders_run()
    card = SecondaryCard.objects.get()
    assert (card.until, card.end_reason, card.ended_by) == (timezone.localdate(), "primary_left", order.reference)
    assert fresh(fam.second).status == "active"      # the secondary goes on, on its own plan
    assert AuditEvent.objects.filter(action="line.secondary.detach").count() == 2   # on both lines
    line_reopen(actor=fam.manager, line=fam.line, **DOCS)
    work_orders_run()
    assert open_cards(fam.line) == []


def test_cancelling_the_primary_formally_leaves_its_cards_detached(fam):
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    precancel(fam, fam.line)
    work_orders_run()
    line_cancel(actor=fam.rep, line=fam.line, **DOCS)
    work_orders_run()
    assert fresh(fam.line).status == "cancelled" and fresh(fam.second).status == "active"
    assert open_cards(fam.line) == [] and SecondaryCard.objects.get().end_reason == "primary_left"


def test_a_primary_ported_out_detaches_its_cards(fam):
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    Line.objects.filter(pk=fam.line.pk).update(activated_at=timezone.now() - timedelta(days=200))
    line_port_out(actor=fam.rep, line=fam.line, operator="ctcc", **DOCS)
    assert fresh(fam.line).status == "cancelled"
    assert SecondaryCard.objects.get().end_reason == "primary_left" and open_cards(fam.line) == []


def test_a_primary_transferred_to_another_owner_detaches_its_cards(fam):
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    buyer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=5)))
    line_transfer(actor=fam.rep, line=fam.line, new_customer=buyer, service_password="582946",
                  new_documents_checked=["id_original"], tendered="300.00", **DOCS)
    card = SecondaryCard.objects.get()
    assert (card.end_reason, card.until) == ("primary_transferred", timezone.localdate())
    assert fresh(fam.line).customer_id == buyer.pk and fresh(fam.second).customer_id == fam.customer.pk


def test_a_secondary_that_is_pre_cancelled_or_transferred_leaves_the_group(fam):
    fam.plan.max_secondary_cards = 2
    fam.plan.save(update_fields=["max_secondary_cards"])
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912345671", **DOCS)
    precancel(fam, fam.second)
    buyer = CustomerFactory(identity=IdentityFactory(checked_at=timezone.now() - timedelta(minutes=5)))
    line_transfer(actor=fam.rep, line=fam.third, new_customer=buyer, service_password="582946",
                  new_documents_checked=["id_original"], tendered="300.00", **DOCS)
    reasons = dict(SecondaryCard.objects.values_list("secondary__msisdn", "end_reason"))
    assert reasons == {"13912358888": "secondary_left", "13912345671": "secondary_transferred"}
    assert open_cards(fam.line) == []


def test_a_plan_change_to_a_plan_taking_fewer_cards_is_refused(fam):
    line_secondary_add(actor=fam.rep, line=fam.line, secondary="13912358888", **DOCS)
    PlanFactory(code="4G68", name="畅享68元", monthly_fee="68.00", valid_from=fam.plan.valid_from,
                max_secondary_cards=0)
    refused(SecondaryCardLimitError, lambda: line_plan_change(actor=fam.rep, line=fam.line, plan="4G68", **DOCS),
            "套餐“畅享68元”最多可带 0 张副卡，本号码已有 1 张：请先取消副卡。")


# --- Two counters at once (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_adding_the_last_allowed_card_at_once_one_is_refused(fam):
    """The plan takes one card; two reps add a different line each at the same moment: the primary's row
    lock serialises them, the second sees the card of the first and is refused; one card, one order."""
    barrier = threading.Barrier(2)
    results: list = []

    def counter(msisdn):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(line_secondary_add(actor=fam.rep, line=fam.line, secondary=msisdn, **DOCS).kind)
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=counter, args=(m,)) for m in ("13912358888", "13912345671")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["secondary_add", "secondary_card_limit"]
    assert SecondaryCard.objects.filter(primary=fam.line, until__isnull=True).count() == 1
    assert Order.objects.filter(kind="secondary_add").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_line_joins_two_primaries_at_once_only_once(fam):
    """Two reps make the same line a secondary card of two different primaries at the same moment: the
    secondary's row lock serialises them (and the database allows one open membership per secondary)."""
    fam.plan.max_secondary_cards = 2
    fam.plan.save(update_fields=["max_secondary_cards"])
    barrier = threading.Barrier(2)
    results: list = []

    def counter(primary):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                results.append(line_secondary_add(actor=fam.rep, line=primary, secondary="13912345671", **DOCS).kind)
        except DomainError as exc:
            results.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=counter, args=(p,)) for p in (fam.line, fam.second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["secondary_add", "secondary_card"]
    assert SecondaryCard.objects.filter(secondary=fam.third, until__isnull=True).count() == 1


def test_the_database_refuses_a_second_open_membership_of_one_line(fam):
    from django.db import IntegrityError

    today = timezone.localdate()
    SecondaryCard.objects.create(primary=fam.line, secondary=fam.third, since=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        SecondaryCard.objects.create(primary=fam.second, secondary=fam.third, since=today)
    with pytest.raises(IntegrityError), transaction.atomic():
        SecondaryCard.objects.create(primary=fam.line, secondary=fam.line, since=today)
