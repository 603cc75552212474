"""The billing screens: they render for the roles that use them, call the services (PRG), show refusals at
the field, keep money idempotent, and cost a fixed number of queries whatever the number of rows."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Bill, BillRun, LinePlanPeriod, RefundCase
from billing.services.bank_collection import bank_collection_create, bank_collection_item_answer
from billing.services.payments import payment_collect
from billing.services.refunds import refund_decide, refund_request
from boss.models import AuditEvent

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
D = Decimal
MARCH = date(2025, 3, 1)


@pytest.fixture
def world(bank_line, billed_month, clerk, usage, rep, make_account):
    """A billed March for a bank-paying line with usage, its collection (over-deducted), an approved
    refund case, and cash in the rep's drawer."""
    line = bank_line("13800138000", bank="CCB")
    for day in range(1, 6):
        usage(line, datetime(2025, 3, day, 9, tzinfo=SH), seconds=40 * 60)
    billed_month(MARCH)
    (batch,) = bank_collection_create(actor=clerk, period=MARCH)
    item = bank_collection_item_answer(actor=clerk, item=batch.items.get(), paid=True, amount=D("100.00"))
    case = refund_request(actor=hotline(), account=line.account, line=line, description="多扣")
    case = refund_decide(actor=clerk, case=case, approve=True, over_deducted=D("20.00"), amount=D("20.00"))
    payment_collect(actor=rep, account=make_account(), amount=D("300.00"), method="cash")
    return {"line": line, "batch": batch, "item": item, "case": case}


def get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_account_room_screens_render(client, clerk, world):
    client.force_login(clerk)
    line, case = world["line"], world["case"]
    assert "2025-03" in get_ok(client, reverse("billing:bill_run_list"))
    page = get_ok(client, reverse("billing:bill_run_detail", args=["2025-03"]))
    assert "¥" in page and 'data-testid="run-bills">1<' in page
    assert "13800138000" in get_ok(client, reverse("billing:bill_list") + "?msisdn=13800138000&period=2025-03")
    page = get_ok(client, reverse("billing:itemised", args=[line.pk, "2025-03"]))
    assert "计费测试套餐58" in page and page.count("<tr><td>03-0") == 5
    get_ok(client, reverse("billing:arrears_list"))
    page = get_ok(client, reverse("billing:collection_detail", args=[world["batch"].pk]))
    assert line.account.bank_account_number not in page      # masked on screens
    get_ok(client, reverse("billing:collection_list"))
    assert case.number in get_ok(client, reverse("billing:refund_list") + "?status=approved")
    page = get_ok(client, reverse("billing:refund_detail", args=[case.pk]))
    assert 'data-testid="four-eyes"' in page                 # the approver is told a colleague pays
    get_ok(client, reverse("billing:plan_correction", args=[line.pk]))
    page = get_ok(client, reverse("billing:customer_points", args=[line.customer_id]))
    assert 'data-testid="points-balance">77<' in page        # 58 + 100 minutes beyond × 0.19


def test_the_rep_prints_the_refund_form_and_pays_once_even_when_clicking_twice(client, rep, world):
    client.force_login(rep)
    case = world["case"]
    page = get_ok(client, reverse("billing:refund_detail", args=[case.pk]))
    assert 'data-testid="step-pay"' in page and 'data-testid="four-eyes"' not in page
    response = client.post(reverse("billing:refund_form", args=[case.pk]))
    assert response["Content-Type"] == "application/pdf"
    form = {"amount": "20.00", "documents": ["customer_id", "holder_id", "passbook"], "idempotency_key": "k-1"}
    first = client.post(reverse("billing:refund_pay", args=[case.pk]), form)
    second = client.post(reverse("billing:refund_pay", args=[case.pk]), form)
    assert first.status_code == second.status_code == 302
    case.refresh_from_db()
    assert case.status == "paid" and AuditEvent.objects.filter(action="refund.pay").count() == 1


def test_a_refused_payment_shows_the_reason_at_the_field(client, rep, world):
    client.force_login(rep)
    case = world["case"]
    client.post(reverse("billing:refund_form", args=[case.pk]))
    response = client.post(reverse("billing:refund_pay", args=[case.pk]),
                           {"amount": "20.01", "documents": ["customer_id", "holder_id", "passbook"],
                            "idempotency_key": "k-2"})
    assert response.status_code == 200
    assert "最多只能支付批准的 ¥20.00" in response.content.decode()
    assert RefundCase.objects.get(pk=case.pk).status == "approved"


def test_the_clerk_decides_from_the_queue(client, clerk, world):
    client.force_login(clerk)
    line = world["line"]
    case = refund_request(actor=hotline(), account=line.account, line=line)
    response = client.post(reverse("billing:refund_decide", args=[case.pk]), {
        "collection_item": world["item"].pk, "over_deducted": "90.00", "decision": "approve", "amount": ""})
    assert response.status_code == 200 and "这笔托收最多还可退 ¥80.00" in response.content.decode()
    response = client.post(reverse("billing:refund_decide", args=[case.pk]), {
        "collection_item": world["item"].pk, "over_deducted": "10.00", "decision": "reject", "note": "扣款无误"})
    assert response.status_code == 302 and RefundCase.objects.get(pk=case.pk).status == "rejected"


def test_printing_the_itemised_bill_is_audited_and_gives_a_pdf(client, rep, world):
    client.force_login(rep)
    line = world["line"]
    response = client.post(reverse("billing:itemised_pdf", args=[line.pk, "2025-03"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action="bill.itemised_print")
    assert event.target_id == str(line.pk) and event.after == {"period": "2025-03"}


def test_starting_a_bill_run_from_the_screen(client, clerk, postpaid_line):
    client.force_login(clerk)
    response = client.post(reverse("billing:bill_run_list"), {"period": "2025-04"})
    assert response.status_code == 302 and BillRun.objects.get().period == date(2025, 4, 1)
    response = client.post(reverse("billing:bill_run_list"), {"period": "2099-01"})
    assert response.status_code == 200 and "月份结束后才能出帐" in response.content.decode()


@pytest.fixture
def postpaid_line(make_line, make_account):
    return make_line("13800138009", account=make_account(realtime_prepaid=False))


def test_plan_correction_from_the_screen_rerates(client, clerk, make_line, plan, usage):
    from django.utils import timezone

    line = make_line("13800138000")
    client.force_login(clerk)
    month = f"{timezone.localdate():%Y-%m}"
    response = client.post(reverse("billing:plan_correction", args=[line.pk]),
                           {"period": month, "plan": plan.pk, "reason": "录错套餐"})
    assert response.status_code == 302 and LinePlanPeriod.objects.get().plan == plan
    response = client.post(reverse("billing:plan_correction", args=[line.pk]),
                           {"period": month, "plan": plan.pk, "reason": ""})
    assert response.status_code == 200 and LinePlanPeriod.objects.count() == 1


def test_the_bank_result_upload_reports_bad_lines(client, clerk, bank_line, billed_month):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bank_line("13800138000", bank="CCB")
    billed_month(MARCH)
    (batch,) = bank_collection_create(actor=clerk, period=MARCH)
    item = batch.items.get()
    client.force_login(clerk)
    body = f"item,result,amount,reason\n{item},paid,58.00,\nBC99999999,paid,1.00,\n".encode()
    response = client.post(reverse("billing:collection_result", args=[batch.pk]),
                           {"file": SimpleUploadedFile("r.csv", body, content_type="text/csv")})
    assert response.status_code == 200 and 'data-testid="result-errors"' in response.content.decode()
    item.refresh_from_db()
    assert item.status == "paid"
    file = client.get(reverse("billing:collection_file", args=[batch.pk]))
    assert item.account.bank_account_number in file.content.decode()


def test_the_bill_list_and_the_itemised_bill_cost_the_same_queries_for_more_rows(client, clerk, bank_line, usage,
                                                                                billed_month):
    lines = [bank_line(f"138001380{i:02d}") for i in range(2)]
    for k in range(3):
        usage(lines[0], datetime(2025, 3, 1 + k, 9, tzinfo=SH), seconds=60)
    for k in range(30):
        usage(lines[1], datetime(2025, 3, 1 + k % 28, 10, tzinfo=SH), seconds=60)
    billed_month(MARCH)
    client.force_login(clerk)

    def count(url):
        client.get(url)   # warm the session and permission caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    assert count(reverse("billing:itemised", args=[lines[0].pk, "2025-03"])) == count(
        reverse("billing:itemised", args=[lines[1].pk, "2025-03"]))
    few = count(reverse("billing:bill_list") + "?msisdn=13800138000")
    many = count(reverse("billing:bill_list"))
    assert few == many and Bill.objects.count() == 2


def test_the_counter_home_shows_the_refund_steps_waiting_for_the_user(client, clerk, rep, world):
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="refund-panel"' in html and "待帐务室审核的退费" in html
    client.force_login(rep)
    html = client.get(reverse("home")).content.decode()
    assert "待营业厅支付的退费" in html and "?status=approved" in html


def test_the_search_box_finds_a_refund_case_by_its_number(client, rep, world):
    client.force_login(rep)
    response = client.post(reverse("search"), {"q": world["case"].number})
    assert world["case"].number in response.content.decode()


def hotline():
    """The hotline agent who opens refund cases in these tests: neither the approving clerk nor the paying
    rep (requester, approver and payer are three people)."""
    from boss.tests.factories import StaffFactory

    return StaffFactory(role="complaint_reviewer", username="hotline_a", hall=None)
