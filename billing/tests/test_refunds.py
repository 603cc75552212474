"""The refund of an over-deducted bank collection (process 6): intake from a complaint, the account room's
decision with its caps, the printed form, four-eyes at payment, the reversal, the red-letter documents,
the points taken back, the state refusals (nothing written), and two counters paying at once."""

from datetime import date
from decimal import Decimal

import pytest

from billing.errors import BillingInputError, FourEyesError, RefundCapError, RefundStateError
from billing.models import Document, LedgerTransaction, PointsEntry, PointsLot, RefundCase
from billing.selectors import account_balance, account_money, ledger_check_balanced
from billing.services.bank_collection import bank_collection_create, bank_collection_item_answer
from billing.services.ledger import ledger_account_bank_clearing, ledger_account_cash_drawer
from billing.services.payments import payment_collect
from billing.services.refunds import refund_decide, refund_form_pdf, refund_form_print, refund_pay, refund_request
from boss.errors import NotPermitted
from boss.models import AuditEvent
from conftest import require_os

pytestmark = pytest.mark.django_db
D = Decimal
MARCH = date(2025, 3, 1)
ALL_DOCS = ["customer_id", "holder_id", "passbook"]


@pytest.fixture
def collected(bank_line, billed_month, clerk):
    """collected(taken, corporate=False) → the line, its account's collection item, paid `taken` for 58 due."""
    def make(taken="80.00", corporate=False, msisdn="13800138000"):
        line = bank_line(msisdn, bank="CCB", corporate=corporate)
        billed_month(MARCH)
        batch = [b for b in bank_collection_create(actor=clerk, period=MARCH) if b.bank_code == "CCB"][0]
        item = batch.items.get(account=line.account)
        return line, bank_collection_item_answer(actor=clerk, item=item, paid=True, amount=D(taken))
    return make


@pytest.fixture
def other_clerk(make_staff):
    return make_staff("account_clerk", username="clerk_b", hall=None)


@pytest.fixture
def cash_rep(rep, make_account):
    """The rep with 500 yuan cash in the drawer (collected earlier in the day)."""
    payment_collect(actor=rep, account=make_account(), amount=D("500.00"), method="cash")
    return rep


def approved(line, clerk, *, over="22.00", amount="22.00", printed_by=None):
    case = refund_request(actor=hotline(), account=line.account, line=line, description="银行多扣了钱")
    case = refund_decide(actor=clerk, case=case, approve=True, over_deducted=D(over), amount=D(amount), note="核实多扣")
    if printed_by is not None:
        refund_form_print(actor=printed_by, case=case)
    return case


def nothing_changed(before):
    return (LedgerTransaction.objects.count(), Document.objects.count(), PointsEntry.objects.count()) == before


def snapshot():
    return LedgerTransaction.objects.count(), Document.objects.count(), PointsEntry.objects.count()


def test_the_whole_refund_posts_the_reversal_red_letters_the_receipt_and_pays_cash(collected, clerk, cash_rep):
    line, item = collected("80.00")
    case = approved(line, clerk, printed_by=cash_rep)
    paid = refund_pay(actor=cash_rep, case=case, amount=D("22.00"), documents=ALL_DOCS)
    assert (paid.status, paid.paid_amount, paid.method, paid.paid_by, paid.paid_hall) == (
        "paid", D("22.00"), "cash", cash_rep, cash_rep.hall)
    assert account_money(line.account).balance == D("0.00")
    assert account_balance(ledger_account_cash_drawer(staff=cash_rep)) == D("478.00")
    tx = paid.ledger_transaction
    assert tx.kind == "refund.bank_collection" and tx.reference == case.number
    reds = Document.objects.filter(reversal_of__isnull=False)
    assert [(d.kind, d.total, d.reversal_of.kind) for d in reds] == [("receipt", D("-22.00"), "receipt")]
    assert paid.points_taken == 0                  # the excess earned no points
    assert AuditEvent.objects.filter(action="refund.pay", target_id=str(case.pk)).count() == 1
    assert ledger_check_balanced() == []


def test_refunding_invoiced_money_red_letters_the_invoice_and_takes_its_points_back(collected, clerk, cash_rep):
    line, item = collected("58.00")            # the bank took exactly the bill, customer says it was too much
    lot = PointsLot.objects.get(customer=line.customer)
    assert lot.remaining == 58
    case = approved(line, clerk, over="30.00", amount="30.00", printed_by=cash_rep)
    paid = refund_pay(actor=cash_rep, case=case, amount=D("30.00"), documents=ALL_DOCS)
    red = Document.objects.get(reversal_of__isnull=False)
    assert (red.kind, red.total, red.reversal_of.total) == ("invoice", D("-30.00"), D("58.00"))
    lot.refresh_from_db()
    assert (paid.points_taken, lot.remaining) == (30, 28)
    assert PointsEntry.objects.get(kind="take_back").delta == -30
    assert account_money(line.account).balance == D("-30.00")


def test_points_taken_back_never_go_below_zero(collected, clerk, cash_rep):
    line, item = collected("58.00")
    PointsLot.objects.filter(customer=line.customer).update(remaining=10)   # most were redeemed meanwhile
    case = approved(line, clerk, over="58.00", amount="58.00", printed_by=cash_rep)
    paid = refund_pay(actor=cash_rep, case=case, amount=D("58.00"), documents=ALL_DOCS)
    assert paid.points_taken == 10 and PointsLot.objects.get(customer=line.customer).remaining == 0


def test_the_approver_can_never_pay_it(collected, clerk):
    line, item = collected("80.00", corporate=True)
    case = approved(line, clerk)
    before = snapshot()
    with pytest.raises(FourEyesError) as exc:
        refund_pay(actor=clerk, case=case, amount=D("22.00"))
    assert exc.value.code == "four_eyes" and nothing_changed(before)
    case.refresh_from_db()
    assert case.status == "approved"


def test_the_database_refuses_an_approver_as_payer_too(collected, clerk):
    from django.db import IntegrityError, transaction

    line, item = collected("80.00")
    case = approved(line, clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundCase.objects.filter(pk=case.pk).update(paid_by=clerk, paid_amount=D("1.00"))


def test_corporate_accounts_are_paid_back_to_the_bank_by_another_clerk(collected, clerk, other_clerk):
    line, item = collected("80.00", corporate=True)
    case = approved(line, clerk)
    paid = refund_pay(actor=other_clerk, case=case, amount=D("22.00"))
    assert paid.method == "bank" and paid.paid_hall is None
    assert account_balance(ledger_account_bank_clearing(bank="CCB")) == D("58.00")
    assert Document.objects.get(reversal_of__isnull=False).hall == item.payment.documents.first().hall


@pytest.mark.parametrize("kwargs, error, field", [
    ({"over_deducted": D("80.01"), "amount": D("1.00")}, RefundCapError, "over_deducted"),   # more than collected
    ({"over_deducted": D("22.00"), "amount": D("22.01")}, RefundCapError, "amount"),        # more than over-deducted
    ({"over_deducted": D("0"), "amount": D("1.00")}, BillingInputError, "over_deducted"),
])
def test_the_decision_caps_are_enforced_and_nothing_is_written(collected, clerk, kwargs, error, field):
    line, item = collected("80.00")
    case = refund_request(actor=hotline(), account=line.account, line=line)
    with pytest.raises(error) as exc:
        refund_decide(actor=clerk, case=case, approve=True, **kwargs)
    assert exc.value.field == field
    case.refresh_from_db()
    assert (case.status, case.approved_amount, case.decided_by) == ("requested", None, None)
    assert not AuditEvent.objects.filter(action__in=["refund.approve", "refund.reject"]).exists()


def test_two_cases_on_one_collection_never_refund_more_than_was_collected(collected, clerk):
    line, item = collected("80.00")
    approved(line, clerk, over="60.00", amount="60.00")
    second = refund_request(actor=hotline(), account=line.account, line=line)
    with pytest.raises(RefundCapError):
        refund_decide(actor=clerk, case=second, approve=True, over_deducted=D("20.01"))
    refund_decide(actor=clerk, case=second, approve=True, over_deducted=D("20.00"))


def test_a_rejection_needs_a_reason_and_is_then_final(collected, clerk, cash_rep):
    line, item = collected("58.00")
    case = refund_request(actor=hotline(), account=line.account, line=line)
    with pytest.raises(BillingInputError) as exc:
        refund_decide(actor=clerk, case=case, approve=False, over_deducted=D("1.00"), note=" ")
    assert exc.value.field == "note"
    case = refund_decide(actor=clerk, case=case, approve=False, over_deducted=D("1.00"), note="扣款正确")
    assert case.status == "rejected"
    with pytest.raises(RefundStateError):
        refund_pay(actor=cash_rep, case=case, amount=D("1.00"), documents=ALL_DOCS)
    with pytest.raises(RefundStateError):
        refund_decide(actor=clerk, case=case, approve=True, over_deducted=D("1.00"))


@pytest.mark.parametrize("amount, documents, print_first, error", [
    ("22.01", ALL_DOCS, True, RefundCapError),                     # above the approved amount
    ("22.00", ["customer_id", "passbook"], True, BillingInputError),  # a document not checked
    ("22.00", ALL_DOCS, False, RefundStateError),                  # form not printed
])
def test_payment_refusals_write_nothing(collected, clerk, cash_rep, amount, documents, print_first, error):
    line, item = collected("80.00")
    case = approved(line, clerk, printed_by=cash_rep if print_first else None)
    before = snapshot()
    with pytest.raises(error):
        refund_pay(actor=cash_rep, case=case, amount=D(amount), documents=documents)
    assert nothing_changed(before)
    case.refresh_from_db()
    assert case.status == "approved" and case.paid_by is None


def test_a_cash_refund_is_paid_at_a_hall_and_only_from_cash_in_the_drawer(collected, clerk, other_clerk, rep):
    from billing.errors import InsufficientBalanceError

    line, item = collected("80.00")
    case = approved(line, clerk, printed_by=rep)
    with pytest.raises(NotPermitted):
        refund_pay(actor=other_clerk, case=case, amount=D("22.00"), documents=ALL_DOCS)   # no counter
    with pytest.raises(InsufficientBalanceError):
        refund_pay(actor=rep, case=case, amount=D("22.00"), documents=ALL_DOCS)          # empty drawer
    case.refresh_from_db()
    assert case.status == "approved"


def test_a_paid_refund_cannot_be_paid_again(collected, clerk, cash_rep, make_staff):
    line, item = collected("80.00")
    case = approved(line, clerk, printed_by=cash_rep)
    refund_pay(actor=cash_rep, case=case, amount=D("22.00"), documents=ALL_DOCS)
    other = make_staff("sales_rep", username="rep_b")
    with pytest.raises(RefundStateError) as exc:
        refund_pay(actor=other, case=case, amount=D("22.00"), documents=ALL_DOCS)
    assert exc.value.code == "refund_state"


def test_printing_the_form_is_audited_and_reprints_are_copies(collected, clerk, cash_rep):
    line, item = collected("80.00")
    case = approved(line, clerk)
    assert refund_form_print(actor=cash_rep, case=case) is False
    assert refund_form_print(actor=cash_rep, case=case) is True
    assert list(AuditEvent.objects.filter(action__startswith="refund.form").order_by("pk")
                .values_list("action", flat=True)) == ["refund.form_print", "refund.form_reprint"]
    requested = refund_request(actor=hotline(), account=line.account, line=line)
    with pytest.raises(RefundStateError):
        refund_form_print(actor=cash_rep, case=requested)


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_the_cash_refund_form_is_a_chinese_pdf_with_capital_numerals(collected, clerk, cash_rep, tmp_path):
    import subprocess

    line, item = collected("80.00")
    case = approved(line, clerk)
    case.refresh_from_db()
    pdf = refund_form_pdf(case=case, copy=True)
    (tmp_path / "f.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "f.pdf"), "-"], capture_output=True, text=True).stdout
    assert "现金退费表" in text and "贰拾贰元整" in text and case.number in text and "补打" in text
    assert line.account.bank_account_number not in text          # masked


def test_only_bank_collection_accounts_have_refund_cases(make_line, rep):
    line = make_line("13800138000")
    with pytest.raises(BillingInputError):
        refund_request(actor=rep, account=line.account, line=line)
    assert not RefundCase.objects.exists()


def test_a_complaint_of_over_deduction_opens_a_refund_case_at_intake(collected, cash_rep):
    from boss.tests.factories import DepartmentFactory
    from complaints.models import ComplaintCategory
    from complaints.services import complaint_open

    DepartmentFactory(code="CS", kind="customer_service", name="分公司客服中心")
    line, item = collected("80.00")
    category = ComplaintCategory.objects.filter(starts_refund=True).first() or ComplaintCategory.objects.create(
        code="BANK-OVER", name="银行托收多扣款", starts_refund=True)
    complaint = complaint_open(actor=cash_rep, channel="counter", category=category, description="三月多扣了22元",
                               msisdn=line.msisdn)
    case = RefundCase.objects.get(complaint_number=complaint.number)
    assert complaint.refund_case == case and case.collection_item == item
    assert case.status == "requested"



def test_the_refunds_result_is_fed_back_to_the_complaint(collected, clerk, cash_rep, client):
    from boss.tests.factories import DepartmentFactory
    from complaints.models import ComplaintCategory
    from complaints.services import complaint_open

    DepartmentFactory(code="CS", kind="customer_service", name="分公司客服中心")
    line, item = collected("80.00")
    category = ComplaintCategory.objects.filter(starts_refund=True).first() or ComplaintCategory.objects.create(
        code="BANK-OVER", name="银行托收多扣款", starts_refund=True)
    complaint = complaint_open(actor=hotline(), channel="hotline", category=category, description="多扣了22元",
                               msisdn=line.msisdn)
    case = RefundCase.objects.get(complaint_number=complaint.number)
    refund_decide(actor=clerk, case=case, approve=True, over_deducted=D("22.00"), amount=D("22.00"), note="核实")
    complaint.refresh_from_db()
    assert (complaint.refund_outcome, complaint.refund_outcome_note) == ("approved", "¥22.00")
    refund_form_print(actor=cash_rep, case=case)
    refund_pay(actor=cash_rep, case=case, amount=D("22.00"), documents=ALL_DOCS)
    complaint.refresh_from_db()
    assert complaint.refund_outcome == "paid" and complaint.refund_outcome_note.startswith("¥22.00")
    client.force_login(hotline())
    api = client.get(f"/api/v1/complaints/{complaint.number}").json()
    assert api["refund_outcome"] == "paid" and api["refund_reference"] == case.number


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_paying_the_same_refund_at_once_exactly_one_succeeds(collected, clerk, make_staff, make_account):
    from boss.tests.threads import run_concurrently

    line, item = collected("80.00")
    reps = [make_staff("sales_rep", username=f"rep_{i}") for i in range(4)]
    for r in reps:
        payment_collect(actor=r, account=make_account(), amount=D("100.00"), method="cash")
    case = approved(line, clerk, printed_by=reps[0])

    ok, refused = run_concurrently(4, lambda i: refund_pay(actor=reps[i], case=case, amount=D("22.00"),
                                                           documents=ALL_DOCS))
    assert len(ok) == 1 and len(refused) == 3
    assert all(isinstance(e, RefundStateError) for e in refused), refused
    assert LedgerTransaction.objects.filter(kind="refund.bank_collection").count() == 1
    assert Document.objects.filter(reversal_of__isnull=False).count() == 1
    assert account_money(line.account).balance == D("0.00") and ledger_check_balanced() == []


# --- Hall scope and separation of duties (issue 12, items 1 and 2) ---------------------------------------


def test_another_halls_rep_neither_sees_nor_pays_a_refund_case(collected, clerk, cash_rep, make_staff, other_hall,
                                                               make_account, client):
    from django.http import Http404
    from rest_framework.test import APIClient

    from billing.selectors import refund_get_for_actor, refund_list_for_actor

    line, item = collected("80.00")
    case = approved(line, clerk, printed_by=cash_rep)
    assert case.hall_id == line.hall_id == cash_rep.hall_id
    stranger = make_staff("sales_rep", username="rep_far", hall=other_hall)
    payment_collect(actor=stranger, account=make_account(), amount=D("100.00"), method="cash")
    assert not refund_list_for_actor(actor=stranger).exists()
    assert list(refund_list_for_actor(actor=clerk)) == [case]            # the account room sees every hall's
    with pytest.raises(Http404):
        refund_get_for_actor(actor=stranger, number=case.number)
    assert AuditEvent.objects.filter(action="access.denied", actor=stranger).exists()
    client.force_login(stranger)
    assert case.number not in client.get("/billing/refunds/").content.decode()
    assert client.get(f"/billing/refunds/{case.pk}/").status_code == 404
    paid = client.post(f"/billing/refunds/{case.pk}/pay/", {"amount": "22.00", "documents": ALL_DOCS})
    assert paid.status_code == 404
    api = APIClient()
    api.force_authenticate(stranger)
    assert api.get("/api/v1/refunds").json()["results"] == []
    assert api.get(f"/api/v1/refunds/{case.number}").status_code == 404
    paying = api.post(f"/api/v1/refunds/{case.number}/payment", {"amount": "22.00", "documents": ALL_DOCS},
                      format="json", HTTP_IDEMPOTENCY_KEY="far-1")
    assert paying.status_code == 404
    before = snapshot()
    with pytest.raises(NotPermitted):                                    # the service refuses it as well
        refund_pay(actor=stranger, case=case, amount=D("22.00"), documents=ALL_DOCS)
    assert nothing_changed(before)
    case.refresh_from_db()
    assert case.status == "approved" and case.paid_by is None


def test_a_hotline_case_belongs_to_the_hall_that_opened_the_line(collected):
    line, item = collected("80.00")
    case = refund_request(actor=hotline(), account=line.account, line=line)
    assert hotline().hall_id is None and case.hall_id == line.hall_id


def test_the_requester_may_neither_approve_nor_pay(collected, clerk, other_clerk, cash_rep):
    from billing.errors import SeparationOfDutiesError

    line, item = collected("80.00")
    case = refund_request(actor=clerk, account=line.account, line=line)
    with pytest.raises(SeparationOfDutiesError) as exc:
        refund_decide(actor=clerk, case=case, approve=True, over_deducted=D("22.00"))
    assert exc.value.code == "separation_of_duties" and exc.value.status == 403
    case.refresh_from_db()
    assert (case.status, case.decided_by) == ("requested", None)
    assert not AuditEvent.objects.filter(action="refund.approve").exists()

    counter_case = refund_request(actor=cash_rep, account=line.account, line=line)
    refund_decide(actor=clerk, case=counter_case, approve=True, over_deducted=D("22.00"))
    refund_form_print(actor=cash_rep, case=counter_case)
    before = snapshot()
    with pytest.raises(SeparationOfDutiesError):
        refund_pay(actor=cash_rep, case=counter_case, amount=D("22.00"), documents=ALL_DOCS)
    assert nothing_changed(before)
    counter_case.refresh_from_db()
    assert counter_case.status == "approved" and counter_case.paid_by is None


def test_the_database_refuses_the_requester_as_approver_or_payer(collected, clerk, cash_rep):
    from django.db import IntegrityError, transaction

    line, item = collected("80.00")
    case = refund_request(actor=cash_rep, account=line.account, line=line)
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundCase.objects.filter(pk=case.pk).update(decided_by=cash_rep)
    refund_decide(actor=clerk, case=case, approve=True, over_deducted=D("22.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        RefundCase.objects.filter(pk=case.pk).update(paid_by=cash_rep, paid_amount=D("1.00"))


def hotline():
    """The hotline agent who opens refund cases in these tests: neither the approving clerk nor the paying
    rep (requester, approver and payer are three people)."""
    from boss.tests.factories import StaffFactory

    return StaffFactory(role="complaint_reviewer", username="hotline_a", hall=None)
