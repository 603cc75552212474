"""Billing's API: the same services as the screens, errors as {"code","message","params"}, money as strings,
idempotent refund payments, masked personal data."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from billing.models import BillRun, LedgerTransaction, RefundCase
from billing.services.bank_collection import bank_collection_create, bank_collection_item_answer
from billing.services.payments import payment_collect

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
MARCH = date(2025, 3, 1)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def billed_line(bank_line, usage, billed_month):
    line = bank_line("13800138000", bank="CCB")
    usage(line, datetime(2025, 3, 2, 9, tzinfo=SH), seconds=110 * 60)
    usage(line, datetime(2025, 3, 3, 9, tzinfo=SH), kind="sms", direction="in")
    billed_month(MARCH)
    return line


def test_the_itemised_bill_in_json_with_masked_other_parties(billed_line, rep):
    body = api(rep).get("/api/v1/lines/13800138000/bills/2025-03").json()
    assert body["billed"] is True and body["total"] == "59.90"
    assert [(i["fee_type"], i["amount"]) for i in body["items"]] == [("monthly", "58.00"), ("voice", "1.90")]
    assert body["items"][0]["label"] == "套餐月费：计费测试套餐58（31 天）"
    assert body["records"]["count"] == 2
    first = body["records"]["results"][0]
    assert first["rating"] == {"fee_type": "voice", "units": 110, "included_units": 100, "charged_units": 10,
                               "rate": "0.1900", "charge": "1.90"}
    assert first["other_party"] != "13900139000" and first["other_party"].startswith("139")


def test_a_malformed_month_or_an_unknown_number_is_a_4xx(billed_line, rep):
    bad = api(rep).get("/api/v1/lines/13800138000/bills/2025-13")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert api(rep).get("/api/v1/lines/13900000000/bills/2025-03").status_code == 404


def test_amount_due_lists_unpaid_bills_oldest_first_then_current_charges(bank_line, billed_month, rep):
    line = bank_line("13800138000")
    billed_month(date(2025, 2, 1))
    billed_month(MARCH)
    payment_collect(actor=rep, account=line.account, amount=D("20.00"), method="cash")
    body = api(rep).get(f"/api/v1/accounts/{line.account_id}/amount-due").json()
    items = [(i["kind"], i["period"], i["amount"]) for i in body["items"]]
    assert items[:2] == [("bill", "2025-02", "38.00"), ("bill", "2025-03", "58.00")]
    assert all(kind == "current" for kind, _p, _a in items[2:]) and items[2:]   # months not billed yet


def test_bill_run_api_starts_and_reports_and_refuses_an_open_month(make_line, make_account, make_staff):
    from django.utils import timezone

    from boss.months import month_add, month_start

    last_month = f"{month_add(month_start(timezone.localdate()), -1):%Y-%m}"
    clerk = make_staff("account_clerk", username="clerk_api", hall=None)
    make_line("13800138000", account=make_account(realtime_prepaid=False))   # opened a year ago
    response = api(clerk).post("/api/v1/bill-runs", {"period": last_month}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "running"
    refused = api(clerk).post("/api/v1/bill-runs", {"period": f"{timezone.localdate():%Y-%m}"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "bill_run_too_early"
    assert BillRun.objects.count() == 1
    report = api(clerk).get(f"/api/v1/bill-runs/{last_month}").json()
    assert report["period"] == last_month and report["chunks"]["total"] == 1


def test_refund_through_the_api_with_an_idempotent_payment(billed_line, clerk, make_staff, make_account):
    (batch,) = bank_collection_create(actor=clerk, period=MARCH)
    bank_collection_item_answer(actor=clerk, item=batch.items.get(), paid=True, amount=D("80.00"))
    asker = make_staff("sales_rep", username="rep_asks")
    rep = make_staff("sales_rep", username="rep_api")
    payment_collect(actor=rep, account=make_account(), amount=D("100.00"), method="cash")

    created = api(asker).post("/api/v1/refunds", {"msisdn": "13800138000", "description": "多扣"}, format="json")
    assert created.status_code == 201
    number = created.json()["number"]
    assert created.json()["bank_account"] != billed_line.account.bank_account_number
    decided = api(clerk).post(f"/api/v1/refunds/{number}/decision",
                              {"decision": "approve", "over_deducted": "20.10", "amount": "20.10"}, format="json")
    assert decided.status_code == 200 and decided.json()["approved_amount"] == "20.10"
    assert api(rep).post(f"/api/v1/refunds/{number}/form").status_code == 200

    url = f"/api/v1/refunds/{number}/payment"
    body = {"amount": "20.10", "documents": ["customer_id", "holder_id", "passbook"]}
    no_key = api(rep).post(url, body, format="json")
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_required"
    first = api(rep).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    again = api(rep).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    other = api(rep).post(url, {**body, "amount": "1.00"}, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert LedgerTransaction.objects.filter(kind="refund.bank_collection").count() == 1

    by_complaint = api(rep).get(f"/api/v1/refunds?number={number}").json()
    assert by_complaint["results"][0]["status"] == "paid"


def test_the_approver_is_refused_by_the_api_with_the_four_eyes_code(billed_line, clerk, make_staff):
    (batch,) = bank_collection_create(actor=clerk, period=MARCH)
    bank_collection_item_answer(actor=clerk, item=batch.items.get(), paid=True, amount=D("80.00"))
    asker = make_staff("sales_rep", username="rep_asks")
    number = api(asker).post("/api/v1/refunds", {"msisdn": "13800138000", "description": "多扣"},
                             format="json").json()["number"]
    api(clerk).post(f"/api/v1/refunds/{number}/decision", {"decision": "approve", "over_deducted": "5.00"},
                    format="json")
    response = api(clerk).post(f"/api/v1/refunds/{number}/payment", {"amount": "5.00"}, format="json",
                               HTTP_IDEMPOTENCY_KEY="x")
    assert response.status_code == 403 and response.json()["code"] == "four_eyes"
    assert RefundCase.objects.get(number=number).status == "approved"


def test_bank_collection_through_the_api(billed_line, clerk):
    created = api(clerk).post("/api/v1/bank-collections", {"period": "2025-03"}, format="json")
    assert created.status_code == 201 and created.json()[0]["total"] == "59.90"
    batch_id = created.json()[0]["id"]
    file = api(clerk).get(f"/api/v1/bank-collections/{batch_id}/file").content.decode()
    item = file.splitlines()[1].split(",")[0]
    result = api(clerk).post(f"/api/v1/bank-collections/{batch_id}/result",
                             {"text": f"item,result,amount,reason\n{item},rejected,,账户冻结\n"}, format="json")
    assert result.json() == {"paid": 0, "rejected": 1, "duplicates": 0, "paid_total": "0.00", "errors": []}


def test_points_api(billed_line, rep):
    payment_collect(actor=rep, account=billed_line.account, amount=D("59.90"), method="cash")
    from billing.services.points import bills_settle
    from boss.permissions import system_actor

    bills_settle(actor=system_actor())
    body = api(rep).get(f"/api/v1/customers/{billed_line.customer_id}/points").json()
    assert body["balance"] == 59 and body["lots"][0]["points"] == 59
