"""Bill adjustments after billing (调帐, issue 16): requested at the counter or by the account room, approved
by another account-room clerk (four-eyes in the service and in the database), posted as their own balanced
ledger transaction (the bill never changes), a credit red-lettering the invoice that took the money; each
refusal with its Chinese reason and nothing written; the screens and the API."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from billing.errors import AdjustmentStateError, BillingInputError, FourEyesError
from billing.models import Bill, BillAdjustment, Document, LedgerTransaction
from billing.selectors import account_money, ledger_check_balanced
from billing.services.adjustments import bill_adjustment_decide, bill_adjustment_request
from billing.services.ledger import credit, debit, ledger_account_customer, ledger_account_revenue, transaction_post
from billing.services.payments import payment_collect
from billing.tests.factories import bill_record
from boss.errors import NotPermitted
from boss.models import AuditEvent
from conftest import require_os

pytestmark = pytest.mark.django_db
D = Decimal
PERIOD = date(2026, 10, 1)


@pytest.fixture
def billed(make_line, system, rep):
    """A line billed 100.00 for October (posted like the bill run), paid at the counter (an invoice)."""
    line = make_line("13800001111")
    bill = bill_record(line=line, period=PERIOD, total="100.00")
    transaction_post(actor=system, kind="bill", postings=[debit(ledger_account_customer(account=line.account),
                                                                D("100.00")),
                                                          credit(ledger_account_revenue(fee_type="monthly"),
                                                                 D("100.00"))])
    payment_collect(actor=rep, account=line.account, amount=D("100.00"), method="cash", tendered=D("100.00"),
                    line=line)
    return bill


@pytest.fixture
def clerk_b(make_staff):
    return make_staff("account_clerk", username="clerk_b", hall=None)


def _unchanged(bill, adjustment=None):
    fresh = Bill.objects.get(pk=bill.pk)
    assert fresh.total == bill.total and fresh.ledger_transaction_id == bill.ledger_transaction_id
    assert not LedgerTransaction.objects.filter(kind="bill_adjustment").exists()
    assert not Document.objects.filter(reversal_of__isnull=False).exists()
    if adjustment is not None:
        assert BillAdjustment.objects.get(pk=adjustment.pk).status == "requested"
        assert not AuditEvent.objects.filter(action__in=["bill.adjustment_approve",
                                                         "bill.adjustment_reject"]).exists()


def test_a_credit_approved_by_another_clerk_is_posted_and_red_letters_the_invoice(billed, rep, clerk_b):
    before = account_money(billed.account).balance
    asked = bill_adjustment_request(actor=rep, bill=billed, kind="credit", amount="30.00", reason="漫游费误计")
    done = bill_adjustment_decide(actor=clerk_b, adjustment=asked, approve=True, note="核实属实")
    assert done.status == "approved" and done.decided_by == clerk_b
    assert account_money(billed.account).balance == before + D("30.00")
    tx = done.ledger_transaction
    assert tx.kind == "bill_adjustment" and tx.reference == f"adjustment:{done.pk}"
    assert sorted(e.amount for e in tx.entries.all()) == [D("-30.00"), D("30.00")] and ledger_check_balanced() == []
    red = Document.objects.get(reversal_of__isnull=False)
    assert red.total == D("-30.00") and red.kind == "invoice" and red.reference == done.reference
    assert Bill.objects.get(pk=billed.pk).total == D("100.00")   # the bill itself never changes
    assert {e.action for e in AuditEvent.objects.filter(action__startswith="bill.adjustment")} == {
        "bill.adjustment_request", "bill.adjustment_approve"}


def test_a_debit_raises_what_is_owed_without_a_document(billed, clerk, clerk_b):
    before = account_money(billed.account).balance
    asked = bill_adjustment_request(actor=clerk, bill=billed, kind="debit", amount="12.50", reason="漏计来电显示")
    bill_adjustment_decide(actor=clerk_b, adjustment=asked, approve=True)
    assert account_money(billed.account).balance == before - D("12.50")
    assert not Document.objects.filter(reversal_of__isnull=False).exists()


def test_the_requesting_clerk_cannot_approve_their_own(billed, clerk):
    asked = bill_adjustment_request(actor=clerk, bill=billed, kind="credit", amount="10.00", reason="误计")
    with pytest.raises(FourEyesError) as exc:
        bill_adjustment_decide(actor=clerk, adjustment=asked, approve=True)
    assert str(exc.value.message) == "申请调帐的人不能审批该调帐：须由另一位同事审批。"
    _unchanged(billed, asked)


@pytest.mark.postgres
def test_the_database_refuses_an_adjustment_decided_by_its_requester(billed, clerk):
    asked = bill_adjustment_request(actor=clerk, bill=billed, kind="debit", amount="10.00", reason="漏计")
    with pytest.raises(IntegrityError), transaction.atomic():
        BillAdjustment.objects.filter(pk=asked.pk).update(status="rejected", decided_by=clerk,
                                                          decided_at=timezone.now())


@pytest.mark.parametrize("kwargs,field,message", [
    ({"amount": "100.01"}, "amount", "调减金额不能超过帐单剩余金额：100.00。"),
    ({"amount": "0"}, "amount", "请输入大于零的金额（元），例如 12.50。"),
    ({"amount": "abc"}, "amount", "请输入大于零的金额（元），例如 12.50。"),
    ({"reason": " "}, "reason", "请说明调帐原因。"),
    ({"kind": "refund"}, "kind", "请选择调减或调增。"),
])
def test_a_bad_request_is_refused_and_nothing_written(billed, rep, kwargs, field, message):
    args = {"kind": "credit", "amount": "30.00", "reason": "误计", **kwargs}
    with pytest.raises(BillingInputError) as exc:
        bill_adjustment_request(actor=rep, bill=billed, **args)
    assert (exc.value.field, str(exc.value.message)) == (field, message)
    assert not BillAdjustment.objects.exists() and not AuditEvent.objects.filter(
        action="bill.adjustment_request").exists()


def test_credits_asked_count_against_the_bill_and_decisions_are_final(billed, rep, clerk_b):
    first = bill_adjustment_request(actor=rep, bill=billed, kind="credit", amount="80.00", reason="误计")
    with pytest.raises(BillingInputError) as exc:
        bill_adjustment_request(actor=rep, bill=billed, kind="credit", amount="20.01", reason="再调")
    assert str(exc.value.message) == "调减金额不能超过帐单剩余金额：20.00。"
    with pytest.raises(NotPermitted) as exc:   # a rep asks, never approves
        bill_adjustment_decide(actor=rep, adjustment=first, approve=True)
    assert str(exc.value.message) == "只有帐务室才能审批调帐。"
    with pytest.raises(BillingInputError) as exc:
        bill_adjustment_decide(actor=clerk_b, adjustment=first, approve=False, note="")
    assert str(exc.value.message) == "请说明驳回调帐的原因。"
    _unchanged(billed, first)
    bill_adjustment_decide(actor=clerk_b, adjustment=first, approve=False, note="话单无误")
    with pytest.raises(AdjustmentStateError) as exc:
        bill_adjustment_decide(actor=clerk_b, adjustment=first, approve=True)
    assert str(exc.value.message) == "该调帐已审批。"
    assert not LedgerTransaction.objects.filter(kind="bill_adjustment").exists()


def test_the_api_asks_and_another_clerk_decides(billed, rep, clerk, clerk_b, client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(rep)
    bad = api.post(f"/api/v1/bills/{billed.pk}/adjustments", {"kind": "credit", "amount": "500", "reason": "误计"},
                   format="json")
    assert bad.status_code == 400 and bad.json()["message"] == "调减金额不能超过帐单剩余金额：100.00。"
    made = api.post(f"/api/v1/bills/{billed.pk}/adjustments", {"kind": "credit", "amount": "30.00",
                                                               "reason": "误计"}, format="json")
    assert made.status_code == 201 and made.json()["status"] == "requested"
    pk = made.json()["id"]
    assert api.post(f"/api/v1/bill-adjustments/{pk}/decision", {"decision": "approve"},
                    format="json").status_code == 403   # a rep
    api.force_authenticate(clerk_b)
    done = api.post(f"/api/v1/bill-adjustments/{pk}/decision", {"decision": "approve"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "approved" and len(done.json()["red_letters"]) == 1
    api.force_authenticate(clerk)
    own = api.post(f"/api/v1/bills/{billed.pk}/adjustments", {"kind": "debit", "amount": "5", "reason": "漏计"},
                   format="json").json()["id"]
    refused = api.post(f"/api/v1/bill-adjustments/{own}/decision", {"decision": "approve"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "four_eyes"


def test_the_screens_ask_from_the_bill_and_decide_on_the_worklist(billed, rep, clerk_b, client,
                                                                  django_assert_max_num_queries):
    client.force_login(rep)
    page = client.get(reverse("billing:itemised", args=[billed.line_id, "2026-10"])).content.decode()
    assert reverse("billing:bill_adjustment_new", args=[billed.pk]) in page
    url = reverse("billing:bill_adjustment_new", args=[billed.pk])
    bad = client.post(url, {"kind": "credit", "amount": "200.00", "reason": "误计"})
    assert bad.status_code == 400 and "调减金额不能超过帐单剩余金额：100.00。" in bad.content.decode()
    assert not BillAdjustment.objects.exists()
    assert client.post(url, {"kind": "credit", "amount": "30.00", "reason": "误计"}).status_code == 302
    asked = BillAdjustment.objects.get()
    client.force_login(clerk_b)
    with django_assert_max_num_queries(12):
        listing = client.get(reverse("billing:bill_adjustment_list")).content.decode()
    assert f'data-testid="decide-{asked.pk}"' in listing and "待审批" in listing
    decide = reverse("billing:bill_adjustment_decide", args=[asked.pk])
    refused = client.post(decide, {f"a{asked.pk}-decision": "reject", f"a{asked.pk}-note": ""})
    assert refused.status_code == 400 and "请说明驳回调帐的原因。" in refused.content.decode()
    assert client.post(decide, {f"a{asked.pk}-decision": "approve"}).status_code == 302
    page = client.get(reverse("billing:itemised", args=[billed.line_id, "2026-10"])).content.decode()
    assert 'data-testid="bill-adjustment"' in page and "调减 ¥30.00" in page


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_the_adjustment_slip_is_a_chinese_pdf_for_the_account_room(billed, rep, clerk_b, client, tmp_path):
    import subprocess

    asked = bill_adjustment_request(actor=rep, bill=billed, kind="credit", amount="30.00", reason="漫游费误计")
    bill_adjustment_decide(actor=clerk_b, adjustment=asked, approve=True, note="核实属实")
    url = reverse("billing:bill_adjustment_pdf", args=[asked.pk])

    client.force_login(clerk_b)
    assert url in client.get(reverse("billing:bill_adjustment_list")).content.decode()   # linked from the worklist
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    (tmp_path / "a.pdf").write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True).stdout
    assert "调帐单" in text and "叁拾元整" in text and "漫游费误计" in text and billed.line.msisdn in text
    assert billed.line.customer.name not in text                                        # masked

    client.force_login(rep)
    assert client.get(url).status_code == 403            # the account room's paper: a rep asks, never reads it
