"""Comprehensive services (综合业务): each an order; network changes follow the network (竣工), roll backs give
back fees and stock; data changes at once; the state table; portability (A6)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Document, LedgerTransaction
from billing.selectors import account_money, ledger_check_balanced
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_suspense, transaction_post
from boss.models import AuditEvent
from boss.permissions import system_actor
from catalog.tests.factories import DiscountFactory, FeatureFactory
from customers.models import Line, LineDiscount, LineFeature
from customers.passwords import service_password_check
from inventory.models import Handset, NumberResource, SimCard
from inventory.tests.factories import HandsetModelFactory
from orders.errors import LineBusyError, LineStateError, RollbackNotPossibleError
from orders.models import Order
from orders.services import line_services as svc
from orders.services.lifecycle import SERVICE_STATES, services_allowed
from orders.services.portability import line_port_out, line_portability
from orders.services.precancel import RetentionInput, line_precancel
from provisioning.models import HlrSubscriber, WorkOrder
from provisioning.services import work_order_rollback, work_orders_run

pytestmark = pytest.mark.django_db
D = Decimal
DOCS = {"documents_checked": ["id_original"], "agreement_signed": True}


def status(line):
    return Line.objects.get(pk=line.pk).status


def fail(order):
    """The network refused for good: the work order is failed (as after its last attempt)."""
    wo = WorkOrder.objects.get(reference=order.reference)
    WorkOrder.objects.filter(pk=wo.pk).update(state=WorkOrder.State.FAILED)
    Order.objects.filter(pk=order.pk).update(state=Order.State.FAILED)
    return WorkOrder.objects.get(pk=wo.pk)


@pytest.mark.parametrize("service,start,end", [
    ("line_report_loss", "active", "suspended_loss"),
    ("line_suspend", "active", "suspended_request"),
])
def test_a_state_change_follows_the_network(live, service, start, end):
    order = getattr(svc, service)(actor=live.rep, line=live.line, **DOCS)
    assert order.state == "provisioning" and status(live.line) == start  # the network has not confirmed yet
    with pytest.raises(LineBusyError) as exc:  # one network change at a time
        svc.line_report_loss(actor=live.rep, line=live.line, **DOCS)
    assert exc.value.code == "line_busy"
    work_orders_run()
    assert status(live.line) == end and Order.objects.get(pk=order.pk).state == "completed"
    assert HlrSubscriber.objects.get(msisdn=live.line.msisdn).status == "suspended"


def test_loss_unlock_suspend_resume_round_trip(live):
    for service, expected in (("line_suspend", "suspended_request"), ("line_report_loss", "suspended_loss"),
                              ("line_unlock", "active"), ("line_suspend", "suspended_request"),
                              ("line_resume", "active")):
        getattr(svc, service)(actor=live.rep, line=live.line, **DOCS)
        work_orders_run()
        assert status(live.line) == expected, service
    assert HlrSubscriber.objects.get(msisdn=live.line.msisdn).status == "active"


@pytest.mark.parametrize("service", ["line_unlock", "line_resume"])
def test_a_service_in_the_wrong_state_is_refused_with_a_clear_message(live, service):
    orders, audit = Order.objects.count(), AuditEvent.objects.count()
    with pytest.raises(LineStateError) as exc:
        getattr(svc, service)(actor=live.rep, line=live.line, **DOCS)
    assert exc.value.code == "line_state" and exc.value.params["status"] == "active"
    assert "正常" in str(exc.value.message) or "Active" in str(exc.value.message)
    assert (Order.objects.count(), AuditEvent.objects.count(), WorkOrder.objects.filter(line=live.line).count()) == (
        orders, audit, 1)


def test_the_state_table_matches_the_line_transitions(live):
    line = Line.objects.get(pk=live.line.pk)
    assert "report_loss" in services_allowed(line) and "unlock" not in services_allowed(line)
    line.suspend_for_arrears()
    by_state = [k for k, states in SERVICE_STATES.items() if "suspended_arrears" in states]
    # roaming is not open, no plan change is pending, no secondary card attached
    assert services_allowed(line) == [k for k in by_state
                                      if k not in ("roaming_close", "plan_change_cancel", "secondary_remove")]
    assert "precancel" not in services_allowed(line) and "transfer" not in services_allowed(line)


def test_only_the_roaming_service_that_makes_sense_is_offered_to_screen_and_api(live, api):
    from catalog.tests.factories import FeatureFactory
    from customers.models import LineFeature

    line = Line.objects.get(pk=live.line.pk)
    assert "roaming_open" in services_allowed(line) and "roaming_close" not in services_allowed(line)
    roaming = FeatureFactory(code="ROAM-X", kind="roaming", deposit_param="roaming.deposit")
    LineFeature.objects.create(line=line, feature=roaming, since=line.activated_at.date())
    assert "roaming_close" in services_allowed(line) and "roaming_open" not in services_allowed(line)
    offered = [s["kind"] for s in api.get(f"/api/v1/lines/{line.msisdn}/services").json()["services"]]
    assert "roaming_close" in offered and "roaming_open" not in offered


def test_a_failed_network_change_rolled_back_leaves_the_line_and_refunds(live):
    order = svc.line_sim_replace(actor=live.rep, line=live.line, sim_capacity="usim", tendered=D("30.00"), **DOCS)
    new_iccid = order.details["new_iccid"]
    assert order.amount_due == D("30.00") and SimCard.objects.get(iccid=new_iccid).status == "assigned"
    wo = fail(order)
    work_order_rollback(actor=live.rep, work_order=wo, reason="HLR拒绝")
    order.refresh_from_db()
    assert order.state == "cancelled" and Line.objects.get(pk=live.line.pk).iccid == live.line.iccid
    assert SimCard.objects.get(iccid=new_iccid).status == "in_stock"
    red = Document.objects.filter(reversal_of__payment=order.payment)
    assert [d.total for d in red] == [D("-30.00")] and ledger_check_balanced() == []


def test_a_counter_decision_cannot_be_rolled_back_on_the_network_side(live):
    result = line_precancel(actor=live.manager, line=live.line, retention=RetentionInput("moving", "保号", False),
                            **DOCS)
    wo = fail(result.order)
    with pytest.raises(RollbackNotPossibleError):
        work_order_rollback(actor=live.rep, work_order=wo, reason="x")
    assert WorkOrder.objects.get(pk=wo.pk).state == "failed" and status(live.line) == "pending_cancellation"


def test_sim_replacement_charges_the_card_fee_and_invalidates_the_old_card(live):
    old = live.line.iccid
    order = svc.line_sim_replace(actor=live.rep, line=live.line, sim_capacity="usim", **DOCS)
    assert [(ol.item, ol.amount) for ol in order.lines.all()] == [("补换卡费（USIM）", D("30.00"))]
    assert [d.kind for d in order.payment.documents.all()] == ["invoice"]
    work_orders_run()
    line = Line.objects.get(pk=live.line.pk)
    assert line.iccid == order.details["new_iccid"] != old
    assert SimCard.objects.get(iccid=old).status == "invalidated"
    assert HlrSubscriber.objects.get(msisdn=line.msisdn).iccid == line.iccid


def test_sim_replacement_without_stock_is_refused_and_nothing_is_charged(live):
    SimCard.objects.filter(status="in_stock").delete()
    tx = LedgerTransaction.objects.count()
    with pytest.raises(Exception) as exc:
        svc.line_sim_replace(actor=live.rep, line=live.line, sim_capacity="usim", **DOCS)
    assert exc.value.code == "sim_unavailable" and LedgerTransaction.objects.count() == tx
    assert Order.objects.filter(kind="sim_replacement").count() == 0


def test_number_change_takes_the_new_number_at_once_and_cools_the_old_one_down(live):
    old = live.line.msisdn
    live.reserve("13912345671")
    order = svc.line_number_change(actor=live.rep, line=live.line, new_msisdn="13912345671", **DOCS)
    assert NumberResource.objects.get(msisdn="13912345671").status == "assigned"
    work_orders_run()
    line = Line.objects.get(pk=live.line.pk)
    assert line.msisdn == "13912345671"
    assert NumberResource.objects.get(msisdn=old).status == "frozen"
    assert HlrSubscriber.objects.filter(msisdn="13912345671").exists()
    assert Order.objects.get(pk=order.pk).state == "completed"


def test_number_change_needs_the_reps_live_reservation(live):
    with pytest.raises(Exception) as exc:
        svc.line_number_change(actor=live.rep, line=live.line, new_msisdn="13912345671", **DOCS)
    assert exc.value.code == "reservation_not_found"
    assert NumberResource.objects.get(msisdn="13912345671").status == "free"


def test_features_start_and_stop_on_the_network(live):
    FeatureFactory(code="CLIP", name="来电显示", kind="caller_id")
    svc.line_features_change(actor=live.rep, line=live.line, add=["CLIP"], **DOCS)
    work_orders_run()
    assert LineFeature.objects.filter(line=live.line, feature__code="CLIP", until__isnull=True).exists()
    assert HlrSubscriber.objects.get(msisdn=live.line.msisdn).features == {"CLIP": True}
    svc.line_features_change(actor=live.rep, line=live.line, remove=["CLIP"], **DOCS)
    work_orders_run()
    assert not LineFeature.objects.filter(line=live.line, until__isnull=True).exists()
    with pytest.raises(Exception) as exc:
        svc.line_features_change(actor=live.rep, line=live.line, add=["INTL_ROAM"], **DOCS)
    assert exc.value.code == "feature_unavailable"


def test_long_distance_level(live):
    FeatureFactory(code="LD-DOM", name="国内长途", kind="long_distance", level=1)
    FeatureFactory(code="LD-INTL", name="国际长途", kind="long_distance", level=2)
    svc.line_long_distance_set(actor=live.rep, line=live.line, level=2, **DOCS)
    work_orders_run()
    svc.line_long_distance_set(actor=live.rep, line=live.line, level=1, **DOCS)
    work_orders_run()
    assert list(LineFeature.objects.filter(line=live.line, until__isnull=True).values_list("feature__code",
                                                                                           flat=True)) \
        == ["LD-DOM"]
    with pytest.raises(Exception) as exc:
        svc.line_long_distance_set(actor=live.rep, line=live.line, level=1, **DOCS)
    assert exc.value.code == "nothing_to_do"


def test_roaming_needs_deposit_and_guarantee_and_closing_releases_the_deposit(live):
    orders = Order.objects.count()
    with pytest.raises(Exception) as exc:
        svc.line_roaming_open(actor=live.rep, line=live.line, guarantee_signed=False, **DOCS)
    assert exc.value.code == "guarantee_not_signed" and Order.objects.count() == orders
    order = svc.line_roaming_open(actor=live.rep, line=live.line, guarantee_signed=True, tendered=D("500.00"), **DOCS)
    assert order.amount_due == D("500.00") and [d.kind for d in order.payment.documents.all()] == ["receipt"]
    work_orders_run()
    assert account_money(live.line.account).deposit == D("500.00")
    svc.line_roaming_close(actor=live.rep, line=live.line, **DOCS)
    assert account_money(live.line.account).deposit == D("500.00")  # released only when the network confirms
    work_orders_run()
    money = account_money(live.line.account)
    assert money.deposit == 0 and money.balance == D("600.00")


def test_a_corporate_account_opens_roaming_without_deposit_or_guarantee(live):
    live.line.account.corporate = True
    live.line.account.save()
    order = svc.line_roaming_open(actor=live.rep, line=live.line, guarantee_signed=False, **DOCS)
    assert order.amount_due == 0 and order.payment is None


def test_customer_data_change(live):
    order = svc.line_customer_data_change(actor=live.rep, line=live.line, name="张新名", contact_phone="13800001111",
                                          service_password="582946", documents_checked=["id_original", "id_copy"],
                                          agreement_signed=True)
    customer = live.line.customer
    customer.refresh_from_db()
    customer.identity.refresh_from_db()
    assert customer.name == customer.identity.name == "张新名" and customer.contact_phone == "13800001111"
    assert service_password_check("582946", Line.objects.get(pk=live.line.pk).service_password)
    assert order.details["changed"] == ["contact_phone", "name", "service_password"]
    with pytest.raises(Exception) as exc:
        svc.line_customer_data_change(actor=live.rep, line=live.line, name="张新名", **DOCS)
    assert exc.value.code == "nothing_to_do"
    with pytest.raises(Exception) as exc:
        svc.line_customer_data_change(actor=live.rep, line=live.line, name="张再改", **DOCS)
    assert exc.value.code == "documents_missing"  # a new name needs the document's copy too
    with pytest.raises(Exception) as exc:
        svc.line_customer_data_change(actor=live.rep, line=live.line, service_password="111111", **DOCS)
    assert exc.value.code == "trivial_service_password"


def test_payment_method_change(live):
    with pytest.raises(Exception) as exc:
        svc.line_payment_method_change(actor=live.rep, line=live.line, payment_method="bank", bank_code="ICBC",
                                       account_number="6222021234567890123", account_holder="王小明",
                                       holder_doc_type="resident_id", holder_doc_number="11010519491231002X", **DOCS)
    assert exc.value.code == "documents_missing"
    svc.line_payment_method_change(actor=live.rep, line=live.line, payment_method="bank", bank_code="ICBC",
                                   account_number="6222021234567890123", account_holder="王小明",
                                   holder_doc_type="resident_id", holder_doc_number="11010519491231002X",
                                   documents_checked=["id_original", "passbook", "holder_id"], agreement_signed=True)
    account = Line.objects.get(pk=live.line.pk).account
    assert account.payment_method == "bank" and not account.realtime_prepaid
    assert account.bank_holder_identity.number == "11010519491231002X"
    with pytest.raises(Exception) as exc:
        svc.line_payment_method_change(actor=live.rep, line=live.line, payment_method="corporate", bank_code="x",
                                       account_number="1", account_holder="x", confirmed_by="y", **DOCS)
    assert exc.value.code == "corporate_account_individual"
    svc.line_payment_method_change(actor=live.rep, line=live.line, payment_method="cash", **DOCS)
    account.refresh_from_db()
    assert account.payment_method == "cash" and account.realtime_prepaid and account.bank_account_number == ""


def test_discount_change(live):
    DiscountFactory(code="VPMN-20", name="V网八折")
    svc.line_discounts_change(actor=live.rep, line=live.line, add=["VPMN-20"], **DOCS)
    assert LineDiscount.objects.filter(line=live.line, until__isnull=True).count() == 1
    svc.line_discounts_change(actor=live.rep, line=live.line, remove=["VPMN-20"], **DOCS)
    assert LineDiscount.objects.get(line=live.line).until == timezone.localdate()
    with pytest.raises(Exception) as exc:
        svc.line_discounts_change(actor=live.rep, line=live.line, add=["NOPE"], **DOCS)
    assert exc.value.code == "domain_error"


def test_handset_purchase_from_the_halls_stock(live):
    model = HandsetModelFactory()
    Handset.objects.create(imei="860000000000001", model=model, hall=live.rep.hall)
    order = svc.line_handset_sell(actor=live.rep, line=live.line, imei="860000000000001", tendered=D("4000.00"), **DOCS)
    assert order.payment.amount == D("3999.00") and order.payment.change == D("1.00")
    assert [d.kind for d in order.payment.documents.all()] == ["invoice"]
    assert Handset.objects.get(imei="860000000000001").status == "sold"
    tx = LedgerTransaction.objects.count()
    with pytest.raises(Exception) as exc:
        svc.line_handset_sell(actor=live.rep, line=live.line, imei="860000000000001", **DOCS)
    assert exc.value.code == "handset_unavailable" and LedgerTransaction.objects.count() == tx


def test_invoice_reprint_is_a_marked_audited_copy(live, make_staff):
    from billing.services.documents import document_print

    document = Document.objects.filter(customer=live.line.customer, kind="invoice").first()
    document_print(actor=live.rep, document=document)
    order, printed = svc.line_invoice_reprint(actor=live.rep, line=live.line, document=document, reason="客户遗失")
    assert printed.copy and order.kind == "invoice_reprint" and order.state == "completed"
    assert AuditEvent.objects.filter(action="document.reprint", reason="客户遗失").count() == 1
    other = live.open_line("13912345671", customer=live.organization)
    foreign = Document.objects.filter(customer=other.customer).first()
    with pytest.raises(Exception) as exc:
        svc.line_invoice_reprint(actor=live.rep, line=live.line, document=foreign, reason="x")
    assert exc.value.code == "document_not_found"


# --------------------------------------------------------------------------------------------------
# Number portability (A6)
# --------------------------------------------------------------------------------------------------


def test_portability_evaluates_the_five_conditions_and_explains_each_failure(live):
    line = Line.objects.get(pk=live.line.pk)
    check = line_portability(line=line)
    assert [c.code for c in check.conditions] == ["real_name", "normal_use", "charges_settled",
                                                  "no_binding_agreement", "min_days"]
    assert [c.code for c in check.failed] == ["min_days"] and check.failed[0].explanation
    Line.objects.filter(pk=line.pk).update(activated_at=timezone.now() - timedelta(days=120),
                                           premium_agreement_until=timezone.localdate() + timedelta(days=30))
    transaction_post(actor=system_actor(), kind="usage", postings=[
        debit(ledger_account_customer(account=line.account), D("120.00")), credit(ledger_account_suspense(),
                                                                                  D("120.00"))])
    line = Line.objects.get(pk=line.pk)
    line.report_loss()
    check = line_portability(line=line)
    assert [c.code for c in check.failed] == ["normal_use", "charges_settled", "no_binding_agreement"]
    assert all(c.explanation for c in check.failed)


def test_port_out_ends_the_line_and_the_number_belongs_to_the_other_operator(live):
    with pytest.raises(Exception) as exc:
        line_port_out(actor=live.rep, line=live.line, operator="ctcc", **DOCS)
    assert exc.value.code == "not_eligible" and exc.value.params["failed"] == ["min_days"]
    assert status(live.line) == "active"
    Line.objects.filter(pk=live.line.pk).update(activated_at=timezone.now() - timedelta(days=200))
    result = line_port_out(actor=live.rep, line=live.line, operator="ctcc", **DOCS)
    line = Line.objects.get(pk=live.line.pk)
    assert line.status == "cancelled" and line.ported_out_to == "ctcc" and line.ported_out_at is not None
    number = NumberResource.objects.get(msisdn=line.msisdn)
    assert number.status == "unusable" and number.operator == "ctcc"
    assert result.settlement.refund == D("100.00") and ledger_check_balanced() == []


def test_the_documented_state_table_is_the_one_the_services_use():
    """docs/line-states.md draws the table; it must say what SERVICE_STATES enforces."""
    import re
    from pathlib import Path

    states = ["active", "suspended_request", "suspended_loss", "suspended_arrears", "pending_cancellation",
              "cancelled"]
    text = (Path(__file__).resolve().parents[3] / "docs" / "line-states.md").read_text(encoding="utf-8")
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| [^|`]*`(\w+)` \|((?: [✔—] \|){6})", text, re.M)}
    assert set(rows) == set(SERVICE_STATES)
    for kind, cells in rows.items():
        marks = cells.split("|")[:-1]
        documented = {s for s, mark in zip(states, marks, strict=True) if "✔" in mark}
        assert documented == set(SERVICE_STATES[kind]), kind
