"""The managers' console and the business report in a real browser (Playwright, Debian's chromium): the
manager's home shows today's figures and the queue; the report of this month draws its charts (ECharts) and
the queue tables; over 200 days the XLSX is asked for in the background, the Report files panel shows it
queued and turns to ready by itself (htmx polling, no reload) once the job has run, and the download is the
workbook with the right totals. Screenshots of every step."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import e2e
from hall.models import Business, Ticket
from orders.models import Order
from reports.jobs import report_job_run
from reports.models import ReportJob
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def today_world(make_staff, hall):
    from customers.tests.factories import CustomerFactory

    rep = make_staff("sales_rep", username="rep_e2e", last_name="王", first_name="芳")
    customer = CustomerFactory()
    now = timezone.now()
    for kind, amount in ((Order.Kind.OPEN_ACCOUNT, "150.00"), (Order.Kind.OPEN_ACCOUNT, "50.00"),
                         (Order.Kind.PRECANCEL, "0"), (Order.Kind.REOPEN, "0")):
        o = Order.objects.create(kind=kind, hall=hall, actor=rep, customer=customer, amount_due=Decimal(amount),
                                 msisdn="13800138000")
        Order.objects.filter(pk=o.pk).update(state=Order.State.COMPLETED, paid_at=now,
                                             created_at=now - timedelta(minutes=12))
    local = timezone.localtime()
    for n, (business, wait, state) in enumerate([(Business.COUNTER, 300, Ticket.State.DONE),
                                                 (Business.PAYMENT, 900, Ticket.State.DONE),
                                                 (Business.COUNTER, None, Ticket.State.WAITING)], start=1):
        t = Ticket.objects.create(hall=hall, day=local.date(), number=f"A00{n}", business=business,
                                  taken_at=now - timedelta(minutes=30))
        Ticket.objects.filter(pk=t.pk).update(state=state, wait_seconds=wait,
                                              service_seconds=240 if wait else None,
                                              called_by=rep if wait else None, called_at=now if wait else None)
    return rep


def test_a_manager_reads_the_console_and_prints_the_years_report_in_the_background(live_server, page, make_staff,
                                                                                    today_world, shot):
    from openpyxl import load_workbook

    manager = make_staff("manager", username="boss_e2e", hall=None, last_name="赵", first_name="经理")
    _login(page, live_server, manager)
    console = page.get_by_test_id("console")
    expect(console).to_be_visible()
    expect(page.get_by_test_id("console-orders")).to_have_text("4")
    expect(page.get_by_test_id("console-queue-waiting")).to_have_text("1 人等候")
    shot(page, "manager-console")

    page.get_by_role("link", name="业务报表").first.click()
    expect(page.get_by_test_id("orders-total")).to_have_text("4")
    expect(page.locator("[data-chart=kinds] svg")).to_be_visible()       # ECharts drew the chart
    expect(page.locator("[data-chart=queue] svg")).to_be_visible()
    expect(page.get_by_test_id("queue-1").get_by_test_id("queue-tickets")).to_have_text("3")
    shot(page, "business-report-this-month")

    today = timezone.localdate()
    page.fill("input[name=date_from]", (today - timedelta(days=200)).isoformat())
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("job-form")).to_be_visible()
    page.get_by_test_id("job-xlsx").click()
    status = page.get_by_test_id("report-job-status")
    expect(status).to_contain_text("排队中")
    shot(page, "report-file-queued")
    url = page.url

    job = ReportJob.objects.get()
    assert report_job_run(job_id=job.pk) is not None     # what the Celery worker does
    expect(status).to_contain_text("已生成", timeout=10000)   # the panel turned by itself
    assert page.url == url
    shot(page, "report-file-ready")
    with page.expect_download() as download:
        page.get_by_test_id("report-job-download").click()
    book = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    values = [[c.value for c in row] for row in book.worksheets[0].iter_rows()]
    assert ["新开户", 2, 200.0] in values and ["合计", 4, 200.0] in values


def test_a_rep_closes_the_drawer_and_the_store_manager_closes_the_hall_day(live_server, browser, make_staff,
                                                                            shot):
    from billing.models import DrawerClose, HallDayClose
    from billing.services.payments import payment_collect
    from customers.models import Account
    from customers.tests.factories import CustomerFactory

    rep = make_staff("sales_rep", username="rep_close", last_name="王", first_name="芳")
    store = make_staff("store_manager", username="store_close", last_name="陈", first_name="店长")
    payment_collect(actor=rep, account=Account.objects.create(customer=CustomerFactory()), amount=Decimal("120.00"),
                    method="cash")

    counter = browser.new_context().new_page()
    _login(counter, live_server, rep)
    counter.goto(f"{live_server.url}/reports/drawer/close/")
    expect(counter.get_by_test_id("ledger-cash")).to_have_text("¥120.00")
    counter.fill("input[name=d_100]", "1")
    counter.fill("input[name=d_20]", "1")
    expect(counter.get_by_test_id("counted")).to_have_text("¥120.00")
    shot(counter, "rep-counts-the-drawer")
    counter.get_by_test_id("close-drawer").click()
    expect(counter.get_by_test_id("drawer-closed")).to_be_visible()
    shot(counter, "rep-drawer-closed")
    assert DrawerClose.objects.filter(staff=rep).count() == 1

    office = browser.new_context().new_page()
    _login(office, live_server, store)
    office.goto(f"{live_server.url}/reports/day/")
    expect(office.get_by_test_id("deposit-due")).to_have_text("¥120.00")
    office.fill("input[name=deposit_amount]", "120.00")
    office.fill("input[name=deposit_slip]", "YH20261206001")
    office.fill("input[name=carried_by]", "陈店长")
    shot(office, "store-manager-closes-the-day")
    office.get_by_test_id("close-day").click()
    expect(office.get_by_test_id("day-closed")).to_be_visible()
    expect(office.get_by_test_id("print-day-report")).to_be_visible()
    shot(office, "hall-day-closed")
    assert HallDayClose.objects.filter(hall=store.hall, state=HallDayClose.State.CLOSED).count() == 1
