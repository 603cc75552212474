"""The business report against hand-computed figures: business volume by type, hall and rep, retention,
money by payment method, revenue by fee type (discounts netted), bills and collection rate; the store
manager's scope forced to their own hall; CSV, XLSX (openpyxl) and PDF (pdftotext) read back with the
Chinese labels and the right totals; the query budget of the screen; the console on the home page."""

import csv
import io
import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Bill, BillSettlement
from billing.services.ledger import (
    credit,
    debit,
    ledger_account_cash_drawer,
    ledger_account_revenue,
    transaction_post,
)
from billing.services.payments import payment_collect
from boss.models import AuditEvent
from conftest import require_os
from customers.models import Account, Line
from customers.tests.factories import CustomerFactory
from orders.models import Order
from reports.business import _arrears, _bills, business_report, report_scope

D = Decimal


@pytest.fixture
def world(make_staff, other_hall, hall):
    """Hall A: rep_a with two openings (150 + 50), a pre-cancellation and its re-opening (retained), 120 cash
    and 30 by card, revenue 58 monthly fee less 8 discount, two bills (100 paid, 50 not). Hall B: rep_b with
    one opening (100). A draft and a cancelled order count for nothing."""
    rep_a = make_staff("sales_rep", username="rep_a", last_name="王", first_name="芳")
    rep_b = make_staff("sales_rep", username="rep_b", hall=other_hall, last_name="李", first_name="娜")
    customer = CustomerFactory()
    now = timezone.now()

    def order(actor, kind, amount, state=Order.State.COMPLETED, minutes=10):
        o = Order.objects.create(kind=kind, hall=actor.hall, actor=actor, customer=customer, amount_due=D(amount),
                                 msisdn="13800138000")
        Order.objects.filter(pk=o.pk).update(state=state, paid_at=now, created_at=now - timedelta(minutes=minutes))
        return o

    order(rep_a, Order.Kind.OPEN_ACCOUNT, "150.00", minutes=10)
    order(rep_a, Order.Kind.OPEN_ACCOUNT, "50.00", minutes=20)
    order(rep_a, Order.Kind.PRECANCEL, "0")
    order(rep_a, Order.Kind.REOPEN, "0")
    order(rep_a, Order.Kind.OPEN_ACCOUNT, "999.00", state=Order.State.DRAFT)
    order(rep_a, Order.Kind.OPEN_ACCOUNT, "999.00", state=Order.State.CANCELLED)
    order(rep_b, Order.Kind.OPEN_ACCOUNT, "100.00")
    account = Account.objects.create(customer=customer)
    payment_collect(actor=rep_a, account=account, amount=D("120.00"), method="cash")
    payment_collect(actor=rep_a, account=account, amount=D("30.00"), method="bank_card")
    drawer = ledger_account_cash_drawer(staff=rep_a)
    transaction_post(actor=rep_a, kind="test.fee", postings=[
        debit(drawer, "50.00"), debit(ledger_account_revenue(fee_type="discount"), "8.00"),
        credit(ledger_account_revenue(fee_type="monthly"), "58.00")])
    from catalog.models import Plan

    plan = Plan.objects.create(code="P58", name="套餐58", monthly_fee="58.00", valid_from=date(2020, 1, 1))
    line = Line.objects.create(msisdn="13800138001", customer=customer, account=account, plan=plan, hall=hall,
                               activated_at=now - timedelta(days=90))
    this_month = timezone.localdate().replace(day=1)
    paid = Bill.objects.create(line=line, account=account, customer=customer, plan=plan, period=this_month,
                               total=D("100.00"))
    BillSettlement.objects.create(bill=paid)
    line2 = Line.objects.create(msisdn="13800138002", customer=customer, account=account, plan=plan, hall=hall,
                                activated_at=now - timedelta(days=90))
    Bill.objects.create(line=line2, account=account, customer=customer, plan=plan, period=this_month,
                        total=D("50.00"))
    return {"rep_a": rep_a, "rep_b": rep_b, "hall": hall, "other_hall": other_hall}


def _today():
    today = timezone.localdate()
    return today.replace(day=1), today


def test_figures_for_a_manager_match_the_hand_count(world, make_staff):
    manager = make_staff("manager", username="boss", hall=None)
    start, end = _today()
    report = business_report(actor=manager, date_from=start, date_to=end)
    kinds = {r.key: (r.count, r.amount) for r in report.by_kind}
    assert kinds == {"open_account": (3, D("300.00")), "precancel": (1, D("0.00")), "reopen": (1, D("0.00"))}
    assert report.orders_total.count == 5
    assert {r.label: r.count for r in report.by_hall} == {world["hall"].name: 4, world["other_hall"].name: 1}
    assert report.retention_rate == D("100.0")
    assert {r.key: r.amount for r in report.payments} == {"cash": D("120.00"), "bank_card": D("30.00")}
    assert {r.key: r.amount for r in report.revenue} == {"discount": D("-8.00"), "monthly": D("58.00")}
    assert report.revenue_total.amount == D("50.00")
    assert (report.bills, report.billed, report.paid_bills, report.paid_total) == (2, D("150.00"), 1, D("100.00"))
    assert report.collection_rate == D("66.7")
    productivity = {r.label: (r.orders, r.minutes) for r in report.productivity}
    assert productivity["王芳"] == (4, D("12.5"))   # (10 + 20 + 10 + 10) / 4 minutes


def test_a_store_manager_sees_only_their_hall_whatever_they_ask(world, make_staff):
    store = make_staff("store_manager", username="store")
    start, end = _today()
    report = business_report(actor=store, date_from=start, date_to=end, hall=world["other_hall"])
    assert report.hall == world["hall"]
    assert {r.key: r.count for r in report.by_kind} == {"open_account": 2, "precancel": 1, "reopen": 1}
    report = business_report(actor=store, date_from=start, date_to=end, staff=world["rep_b"])
    assert report.staff is None and report.orders_total.count == 4


def test_one_rep(world, make_staff):
    manager = make_staff("manager", username="boss", hall=None)
    start, end = _today()
    report = business_report(actor=manager, date_from=start, date_to=end, staff=world["rep_b"])
    assert report.orders_total.count == 1 and report.payments == []


def test_the_screen_answers_within_its_query_budget_and_is_audited(client, world, make_staff,
                                                                   django_assert_max_num_queries):
    manager = make_staff("manager", username="boss", hall=None)
    client.force_login(manager)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("reports:business"))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="orders-total">5<' in html
    assert "开户" in html and "report-charts" in html
    assert AuditEvent.objects.filter(action="report.view", actor=manager).exists()


def test_bad_filters_are_refused_at_the_field(client, world, make_staff):
    client.force_login(make_staff("manager", username="boss", hall=None))
    page = client.get(reverse("reports:business"), {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert page.status_code == 200 and page.context["report"] is None
    assert page.context["form"].errors["date_to"]
    assert client.get(reverse("reports:business_csv"), {"date_from": "x"}).status_code == 400


def test_csv_and_xlsx_carry_the_chinese_labels_and_the_totals(client, world, make_staff):
    from openpyxl import load_workbook

    client.force_login(make_staff("manager", username="boss", hall=None))
    text = client.get(reverse("reports:business_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert ["新开户", "3", "300.00"] in rows and ["合计", "5", "300.00"] in rows
    response = client.get(reverse("reports:business_xlsx"))
    book = load_workbook(io.BytesIO(response.content))
    first = book.worksheets[0]
    assert "业务量" in first.title
    values = [[c.value for c in row] for row in first.iter_rows()]
    assert ["新开户", 3, 300.0] in values and ["合计", 5, 300.0] in values
    assert first._charts, "the sheet has its chart"


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_the_pdf_has_the_charts_and_the_totals(client, world, make_staff, tmp_path):
    manager = make_staff("manager", username="boss", hall=None)
    client.force_login(manager)
    response = client.get(reverse("reports:business_pdf"))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "业务报表" in text and "开户" in text and "300.00" in text and "66.7" in text
    assert AuditEvent.objects.filter(action="report.print", actor=manager).exists()


def test_the_console_on_the_store_managers_home(client, world, make_staff, django_assert_max_num_queries):
    store = make_staff("store_manager", username="store")
    client.force_login(store)
    with django_assert_max_num_queries(40):
        html = client.get(reverse("home")).content.decode()
    assert 'data-testid="console"' in html
    assert 'data-testid="console-orders">4<' in html
    assert 'data-testid="console-open-drawers">1<' in html   # rep_a took cash and has not closed


def test_the_reps_home_lists_todays_business_in_words(client, world):
    client.force_login(world["rep_a"])
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="my-business-today"' in html and "开户 138****8000" in html
    assert 'data-testid="console"' not in html


def _suspects(world):
    from customers.tests.factories import LineFactory
    from partners.models import Suspect

    day = _today()[0]
    for n, (hall, rule, status) in enumerate([(world["hall"], "sms_bulk", "confirmed"),
                                              (world["hall"], "one_ring", "pending"),
                                              (world["other_hall"], "short_calls", "dismissed")]):
        line = LineFactory(hall=hall, msisdn=f"1390000{n:04d}")
        Suspect.objects.create(day=day, msisdn=line.msisdn, line=line, hall=hall, rule=rule, status=status)
    return day


def test_the_tracing_by_day_and_hall_is_in_the_report_within_the_readers_halls(world, make_staff):
    """Issue 19: the tracing's statistics by day and hall on a screen (partners) and in the reports."""
    from reports.business import sections

    day = _suspects(world)
    start, end = _today()
    report = business_report(actor=make_staff("manager", username="boss", hall=None), date_from=start, date_to=end)
    rows = {r["hall__name"]: (r["day"], r["total"], r["confirmed"], r["dismissed"], r["pending"])
            for r in report.tracing}
    assert rows == {world["hall"].name: (day, 2, 1, 0, 1), world["other_hall"].name: (day, 1, 0, 1, 0)}
    title, header, table = next(s for s in sections(report) if s[0] == "恶意用户追踪（按日、营业厅）")
    assert header[2:] == ["可疑号码", "已确认", "已排除", "待审核"] and len(table) == 2

    store = business_report(actor=make_staff("store_manager", username="store"), date_from=start, date_to=end)
    assert [(r["hall__name"], r["total"]) for r in store.tracing] == [(world["hall"].name, 2)]
    one_rep = business_report(actor=make_staff("manager", username="boss2", hall=None), date_from=start,
                              date_to=end, staff=world["rep_a"])
    assert one_rep.tracing == []


def test_bills_collection_and_arrears_come_from_the_nightly_counts(world, make_staff, django_assert_max_num_queries):
    from billing.models import ArrearsCase
    from boss.months import month_add
    from reports.summaries import bill_arrears_build

    manager = make_staff("manager", username="boss", hall=None)
    store = make_staff("store_manager", username="store")   # hall A
    start, end = _today()
    line = Line.objects.filter(hall=world["hall"]).first()
    now = timezone.now()
    ArrearsCase.objects.create(account=line.account, balance_at_reminder=D("-20.00"), reminded_at=now,
                               suspend_after=now)
    assert bill_arrears_build() == 1 + 2   # this month's bills at hall A; arrears at hall A and for every hall

    def bill(period, total):
        other = Line.objects.create(msisdn=f"1380013{Line.objects.count():04d}", customer=line.customer,
                                    account=line.account, plan=line.plan, hall=line.hall, activated_at=now)
        return Bill.objects.create(line=other, account=line.account, customer=line.customer, plan=line.plan,
                                   period=period, total=D(total))

    bill(start, "30.00")   # after the count: not in the report until the next one
    for actor in (manager, store):
        report = business_report(actor=actor, date_from=start, date_to=end)
        scope, _hall = report_scope(actor=actor, date_from=start, date_to=end)
        with django_assert_max_num_queries(3):   # the months counted, their figures, the arrears
            _bills(report, scope)
            _arrears(report, scope)
        assert (report.bills, report.billed, report.paid_bills, report.paid_total) == (2, D("150.00"), 1, D("100.00"))
        assert (report.arrears_open, report.arrears_suspended, report.collection_rate) == (1, 0, D("66.7"))
    other = business_report(actor=manager, date_from=start, date_to=end, hall=world["other_hall"])
    assert (other.bills, other.billed, other.arrears_open) == (0, D("0.00"), 0)
    bill_arrears_build()
    report = business_report(actor=manager, date_from=start, date_to=end)
    assert (report.bills, report.billed, report.paid_bills) == (3, D("180.00"), 1)
    # a month the nightly job does not count (older than its 12) is read from the bills themselves
    old = month_add(start, -14)
    bill(old, "40.00")
    report = business_report(actor=manager, date_from=old, date_to=end)
    assert (report.bills, report.billed, report.paid_bills, report.paid_total) == (4, D("220.00"), 1, D("100.00"))
    ArrearsCase.objects.update(closed_at=now)
    assert business_report(actor=manager, date_from=start, date_to=end).arrears_open == 1   # as counted
    bill_arrears_build()
    assert business_report(actor=store, date_from=start, date_to=end).arrears_open == 0
