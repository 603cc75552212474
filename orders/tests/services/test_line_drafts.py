"""Print and sign before commit (issue 16): a process on a line is entered as a draft that takes nothing,
its agreement is printed from the draft, and only the signed commit carries it out, into the same order;
an abandoned draft leaves nothing and is cleaned up by the timed job."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import LedgerTransaction, Payment
from boss.models import AuditEvent
from boss.permissions import system_actor
from customers.models import Line
from inventory.models import SimCard
from orders.errors import AgreementNotSignedError, FeesChangedError, OrderStateError
from orders.line_processes import BY_SLUG
from orders.models import Order
from orders.services.drafts import (
    line_draft_cancel,
    line_drafts_expire,
    line_process_agreement_html,
    line_process_commit,
    line_process_draft,
)
from orders.views.lines import line_agreement_context
from provisioning.models import WorkOrder
from provisioning.services import work_orders_run

pytestmark = pytest.mark.django_db
D = Decimal

DOCS = {"documents_checked": ["id_original"]}


def _run(live, slug, line=None):
    process = BY_SLUG[slug]
    return lambda data: process.run(actor=live.rep, line=line or live.line, data=data)


def _draft(live, slug, **data):
    return line_process_draft(actor=live.rep, line=live.line, kind=BY_SLUG[slug].kind, data={**DOCS, **data},
                              run=_run(live, slug))


def _written():
    """What a business leaves behind: money, work orders, the business's audit."""
    return (Payment.objects.count(), LedgerTransaction.objects.count(), WorkOrder.objects.count(),
            AuditEvent.objects.filter(action__startswith="line.").count())


def test_a_draft_with_a_fee_takes_nothing_and_the_signed_commit_carries_it_out_into_the_same_order(live):
    before, in_stock = _written(), SimCard.objects.filter(status="in_stock").count()
    draft = _draft(live, "sim", sim_capacity="usim")
    assert draft.state == Order.State.DRAFT and draft.amount_due == D("30.00")
    assert [(ol.item, ol.amount) for ol in draft.lines.all()] == [("补换卡费（USIM）", D("30.00"))]
    assert _written() == before and SimCard.objects.filter(status="in_stock").count() == in_stock
    assert AuditEvent.objects.filter(action="order.draft", target_id=str(draft.pk)).exists()

    html = line_process_agreement_html(order=draft, run=_run(live, "sim"), template="orders/pdf/line_agreement.html",
                                       context=line_agreement_context)
    assert draft.number in html and "补换卡费（USIM）" in html and "叁拾元整" in html
    assert _written() == before and SimCard.objects.filter(status="in_stock").count() == in_stock

    done = line_process_commit(actor=live.rep, order=draft, run=_run(live, "sim"), agreement_signed=True,
                               method="cash", tendered=D("50.00"))
    assert done.pk == draft.pk and done.state == Order.State.PROVISIONING and "draft" not in done.details
    assert done.payment.amount == D("30.00") and done.payment.change == D("20.00")
    assert list(done.lines.values_list("amount", flat=True)) == [D("30.00")]
    assert SimCard.objects.filter(status="in_stock").count() == in_stock - 1
    work_orders_run()
    assert Line.objects.get(pk=live.line.pk).iccid == Order.objects.get(pk=draft.pk).details["new_iccid"]


def test_a_draft_without_a_fee_commits_without_money(live):
    draft = _draft(live, "suspension")
    assert draft.amount_due == 0 and not draft.lines.exists()
    done = line_process_commit(actor=live.rep, order=draft, run=_run(live, "suspension"), agreement_signed=True)
    assert done.pk == draft.pk and done.payment is None and done.state == Order.State.PROVISIONING
    work_orders_run()
    assert Line.objects.get(pk=live.line.pk).status == Line.Status.SUSPENDED_REQUEST


def test_the_commit_without_the_signed_box_is_refused_and_writes_nothing(live):
    draft = _draft(live, "sim", sim_capacity="usim")
    before, in_stock = _written(), SimCard.objects.filter(status="in_stock").count()
    with pytest.raises(AgreementNotSignedError) as refused:
        line_process_commit(actor=live.rep, order=draft, run=_run(live, "sim"), agreement_signed=False,
                            method="cash", tendered=D("50.00"))
    assert str(refused.value.message) == "请先打印客户服务协议并请客户签字，再收取款项。"
    draft.refresh_from_db()
    assert draft.state == Order.State.DRAFT and _written() == before
    assert SimCard.objects.filter(status="in_stock").count() == in_stock


def test_a_draft_is_committed_once(live):
    draft = _draft(live, "suspension")
    line_process_commit(actor=live.rep, order=draft, run=_run(live, "suspension"), agreement_signed=True)
    before = _written()
    with pytest.raises(OrderStateError):
        line_process_commit(actor=live.rep, order=draft, run=_run(live, "suspension"), agreement_signed=True)
    assert _written() == before


def test_a_refusal_of_the_process_is_raised_at_the_draft_and_no_draft_stays(live):
    from orders.errors import DocumentsMissingError

    with pytest.raises(DocumentsMissingError):
        line_process_draft(actor=live.rep, line=live.line, kind=Order.Kind.SUSPEND, data={"documents_checked": []},
                           run=_run(live, "suspension"))
    assert not Order.objects.filter(kind=Order.Kind.SUSPEND).exists()


def test_fees_that_changed_since_the_print_are_refused_and_nothing_is_written(live):
    draft = _draft(live, "sim", sim_capacity="usim")
    Order.objects.filter(pk=draft.pk).update(amount_due=D("20.00"))   # the agreement printed another amount
    before = _written()
    with pytest.raises(FeesChangedError) as refused:
        line_process_commit(actor=live.rep, order=draft, run=_run(live, "sim"), agreement_signed=True,
                            method="cash", tendered=D("50.00"))
    assert "费用已变化" in str(refused.value.message)
    assert _written() == before and Order.objects.get(pk=draft.pk).state == Order.State.DRAFT


def test_an_abandoned_draft_is_cancelled_by_the_timed_job_and_leaves_nothing(live, set_tariff):
    set_tariff("order.draft_hours", "4")
    before, in_stock = _written(), SimCard.objects.filter(status="in_stock").count()
    old = _draft(live, "sim", sim_capacity="usim")
    fresh = _draft(live, "suspension")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=5))
    assert line_drafts_expire(actor=system_actor()) == 1
    old.refresh_from_db()
    assert old.state == Order.State.CANCELLED and "draft" not in old.details   # the input is erased
    assert Order.objects.get(pk=fresh.pk).state == Order.State.DRAFT
    assert _written() == before and SimCard.objects.filter(status="in_stock").count() == in_stock
    assert Line.objects.get(pk=live.line.pk).status == Line.Status.ACTIVE
    assert AuditEvent.objects.filter(action="order.draft_expire", target_id=str(old.pk)).count() == 1
    assert line_drafts_expire(actor=system_actor()) == 0          # run twice: nothing more


def test_the_rep_cancels_a_draft(live):
    draft = _draft(live, "suspension")
    line_draft_cancel(actor=live.rep, order=draft, reason="客户改主意")
    draft.refresh_from_db()
    assert draft.state == Order.State.CANCELLED and "draft" not in draft.details
    with pytest.raises(OrderStateError):
        line_process_commit(actor=live.rep, order=draft, run=_run(live, "suspension"), agreement_signed=True)
    assert not WorkOrder.objects.filter(reference=draft.reference).exists()


def test_a_number_change_draft_takes_no_number(live):
    from inventory.models import NumberResource

    live.reserve("13912345671", customer=live.line.customer)
    draft = _draft(live, "number", new_msisdn="13912345671")
    number = NumberResource.objects.get(msisdn="13912345671")
    assert number.status == "reserved" and Line.objects.get(pk=live.line.pk).msisdn == live.line.msisdn
    line_draft_cancel(actor=live.rep, order=draft, reason="x")
    assert NumberResource.objects.get(msisdn="13912345671").status == "reserved"   # the customer's hold only
