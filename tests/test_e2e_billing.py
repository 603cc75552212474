"""Billing in a real browser: the account room runs the month's bill run and watches its report, a rep
reads the itemised bill and prints it, the bank over-deducts, the account room approves the refund from
its queue (and cannot pay it itself), a rep prints the cash refund form, ticks the three documents and
pays. Screenshots at every step."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from billing.models import Bill, BillRun, RefundCase, UsageRecord
from billing.services.bank_collection import bank_collection_create, bank_collection_item_answer
from billing.services.bill_run import bill_run_execute
from billing.services.payments import payment_collect
from billing.services.refunds import refund_request
from boss.permissions import system_actor
from conftest import e2e
from customers.models import Account
from tests.test_e2e_complaints import login  # the same browser login for every role

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def month_of_usage(hall):
    from catalog.models import Plan
    from customers.models import Customer, CustomerIdentity, Line

    plan = Plan.objects.create(code="E2E58", name="4G飞享套餐 58元", monthly_fee="58.00", voice_minutes=100,
                               overage_per_minute="0.19", valid_from=date(2020, 1, 1))
    identity = CustomerIdentity.objects.create(doc_type="passport", number="E2E000001", name="王小明")
    customer = Customer.objects.create(kind="individual", name="王小明", identity=identity)
    account = Account.objects.create(customer=customer, payment_method="bank", realtime_prepaid=False,
                                     bank_code="CCB", bank_account_number="6217000012345678901",
                                     bank_account_holder="王小明")
    line = Line.objects.create(msisdn="13800138000", customer=customer, account=account, plan=plan, hall=hall,
                               status="active", activated_at=datetime(2024, 1, 1, tzinfo=SH))
    for day in range(1, 8):
        UsageRecord.objects.create(record_id=f"E2E{day}", line=line, msisdn=line.msisdn, kind="voice",
                                   started_at=datetime(2025, 3, day, 9, tzinfo=SH), duration_seconds=20 * 60,
                                   other_party="13900139000")
    return line


def test_bill_run_itemised_bill_and_a_refund_across_three_roles(live_server, browser, month_of_usage, make_staff,
                                                                shot):
    line = month_of_usage
    clerk = make_staff("account_clerk", username="e2e_clerk", hall=None)
    other_clerk = make_staff("account_clerk", username="e2e_clerk2", hall=None)
    rep = make_staff("sales_rep", username="e2e_rep")
    requester = make_staff("sales_rep", username="e2e_rep_requester")   # three people: request, approve, pay

    # The account room bills March and watches the report.
    page = login(browser, live_server, clerk)
    page.goto(f"{live_server.url}/billing/bill-runs/")
    page.fill("#id_period", "2025-03")
    with page.expect_navigation():
        page.get_by_role("button", name="发起或续跑月结出帐").click()
    expect(page.get_by_test_id("run-status")).to_have_text("进行中")
    shot(page, "bill-run-running")
    # What the Celery worker does with the queued task (no worker runs in this test); the page polls.
    bill_run_execute(actor=system_actor(), run=BillRun.objects.get())
    expect(page.get_by_test_id("run-status")).to_have_text("已完成", timeout=10000)
    expect(page.get_by_test_id("run-bills")).to_have_text("1")
    expect(page.get_by_test_id("run-total")).to_have_text("¥65.60")   # 58 + 40 minutes beyond × 0.19
    shot(page, "bill-run-report")

    # The rep opens the line's itemised bill and prints it.
    bill = Bill.objects.get()
    rep_page = login(browser, live_server, rep)
    rep_page.goto(f"{live_server.url}/billing/bills/?msisdn=13800138000")
    rep_page.get_by_role("link", name=bill.number).click()
    rep_page.wait_for_url(re.compile(r"/itemised/2025-03/$"))
    expect(rep_page.get_by_test_id("bill-total")).to_have_text("¥65.60")
    expect(rep_page.get_by_test_id("itemised-records").locator("tbody tr")).to_have_count(7)
    expect(rep_page.get_by_test_id("customer-banner")).to_contain_text("13800138000")
    shot(rep_page, "itemised-bill")
    with rep_page.context.expect_page() as new_tab:
        rep_page.get_by_test_id("print-itemised").click()
    new_tab.value.wait_for_load_state()

    # The bank takes 20 yuan too much; the complaint opens a refund case.
    (batch,) = bank_collection_create(actor=clerk, period=date(2025, 3, 1))
    bank_collection_item_answer(actor=clerk, item=batch.items.get(), paid=True, amount=Decimal("85.60"))
    case = refund_request(actor=requester, account=line.account, line=line, description="三月托收多扣了20元")
    # the rep's drawer holds the day's cash (another customer's prepayment)
    payment_collect(actor=rep, account=Account.objects.create(customer=line.customer), amount=Decimal("200.00"),
                    method="cash")

    # The other clerk decides from the queue; the approver cannot pay.
    clerk2 = login(browser, live_server, other_clerk)
    clerk2.goto(f"{live_server.url}/billing/refunds/?status=requested")
    clerk2.get_by_role("link", name=case.number).click()
    clerk2.wait_for_url(re.compile(r"/refunds/\d+/$"))
    clerk2.fill("#id_over_deducted", "20.00")
    clerk2.get_by_label("退费", exact=True).check()
    shot(clerk2, "refund-decision")
    with clerk2.expect_navigation():
        clerk2.get_by_role("button", name="提交审核意见").click()
    expect(clerk2.get_by_test_id("refund-status")).to_have_text("已批准，待退款")
    expect(clerk2.get_by_test_id("four-eyes")).to_be_visible()
    shot(clerk2, "refund-approved-four-eyes")

    # The rep prints the form, ticks the three documents and pays cash.
    rep_page.goto(f"{live_server.url}/billing/refunds/{case.pk}/")
    expect(rep_page.get_by_test_id("approved-amount")).to_have_text("¥20.00")
    with rep_page.context.expect_page() as form_tab:
        rep_page.get_by_test_id("print-refund-form").click()
    form_tab.value.wait_for_load_state()
    rep_page.reload()
    for label in ("客户身份证件", "银行帐户持有人身份证件", "银行存折"):
        rep_page.get_by_label(label).check()
    shot(rep_page, "refund-pay")
    with rep_page.expect_navigation():
        rep_page.get_by_test_id("pay-refund").click()
    expect(rep_page.get_by_test_id("refund-status")).to_have_text("已退款")
    expect(rep_page.get_by_test_id("paid")).to_contain_text("¥20.00")
    shot(rep_page, "refund-paid")
    case.refresh_from_db()
    assert (case.status, case.paid_by, case.decided_by) == ("paid", rep, other_clerk)
    assert RefundCase.objects.count() == 1


def test_a_bill_adjustment_asked_at_the_counter_and_approved_by_the_account_room(live_server, browser, hall, rep,
                                                                               make_staff, shot):
    """调帐: the rep asks for a credit from the itemised bill of a billed month; an account-room clerk approves
    it on the worklist; the bill shows it (screenshots)."""
    from billing.tests.factories import bill_record
    from catalog.models import Plan
    from customers.models import Customer, CustomerIdentity, Line

    plan = Plan.objects.create(code="E2E38", name="4G飞享套餐 38元", monthly_fee="38.00", valid_from=date(2020, 1, 1))
    identity = CustomerIdentity.objects.create(doc_type="passport", number="E2E000002", name="李小红")
    customer = Customer.objects.create(kind="individual", name="李小红", identity=identity)
    account = Account.objects.create(customer=customer)
    line = Line.objects.create(msisdn="13800138002", customer=customer, account=account, plan=plan, hall=hall,
                               status="active", activated_at=datetime(2024, 1, 1, tzinfo=SH))
    bill_record(line=line, period=date(2025, 3, 1), total="88.00")

    page = login(browser, live_server, rep)
    page.goto(f"{live_server.url}/billing/lines/{line.pk}/itemised/2025-03/")
    page.get_by_role("link", name="申请调帐").click()
    page.get_by_label("调减").check()
    page.get_by_label("金额").fill("20.00")
    page.get_by_label("原因").fill("国际漫游费误计")
    shot(page, "adjustment-request")
    page.get_by_role("button", name="提交调帐申请").click()
    expect(page.get_by_test_id("bill-adjustment")).to_contain_text("待审批")

    clerk = login(browser, live_server, make_staff("account_clerk", username="e2e_clerk_adj", hall=None))
    clerk.goto(f"{live_server.url}/billing/adjustments/")
    form = clerk.locator("[data-testid^=decide-]")
    form.get_by_label("批准").check()
    shot(clerk, "adjustment-worklist")
    form.get_by_role("button", name="保存结论").click()
    expect(clerk.get_by_test_id("adjustments")).to_contain_text("已批准")
    page.reload()
    expect(page.get_by_test_id("bill-adjustment")).to_contain_text("调减 ¥20.00 · 已批准")
    shot(page, "adjustment-on-the-bill")
    assert Bill.objects.get(line=line).total == Decimal("88.00")
