"""The summary tables: a report over days read from the summaries gives the figures the rows give (hand
counted, queue figures too); a summarized day is read from the summary (not the rows) until it is rebuilt;
building a day twice, or twice at once (PostgreSQL), leaves one set of rows; today is never summarized; the
queue figures on the screen, in the CSV, XLSX and PDF, and on the console."""

import csv
import io
import subprocess
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from billing.services.ledger import credit, debit, ledger_account_cash_drawer, ledger_account_revenue, transaction_post
from billing.services.payments import payment_collect
from conftest import require_os
from customers.models import Account
from customers.tests.factories import CustomerFactory
from hall.models import Business, Ticket
from orders.models import Order
from reports.business import business_report
from reports.models import DayFigure, QueueDayFigure, SummaryDay
from reports.summaries import summaries_build, summary_day_build

D = Decimal


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def days():
    today = timezone.localdate()
    return today - timedelta(days=1), today


@pytest.fixture
def world(make_staff, hall, other_hall, days):
    """Yesterday at hall A: rep_a two openings (100 in 10 min, 50 in 20 min) paid 120 cash, a fee of 58 less
    8 discount; hall B: rep_b one opening (30, 5 min). Today at hall A: one opening (70, 10 min).
    Tickets yesterday: A counter 09:10 (wait 600 s, service 300 s, rep_a), A big customer VIP 2 09:40 (60 s,
    900 s, rep_a), A payment 10:05 no-show; B complaint 10:30 (1200 s, 600 s, rep_b). Today: A waiting."""
    yesterday, today = days
    rep_a = make_staff("sales_rep", username="rep_a", last_name="王", first_name="芳")
    rep_b = make_staff("sales_rep", username="rep_b", hall=other_hall, last_name="李", first_name="娜")
    customer = CustomerFactory()
    account = Account.objects.create(customer=customer)

    def order(actor, amount, paid_at, minutes):
        o = Order.objects.create(kind=Order.Kind.OPEN_ACCOUNT, hall=actor.hall, actor=actor, customer=customer,
                                 amount_due=D(amount), msisdn="13800138000")
        Order.objects.filter(pk=o.pk).update(state=Order.State.COMPLETED, paid_at=paid_at,
                                             created_at=paid_at - timedelta(minutes=minutes))

    order(rep_a, "100.00", _at(yesterday, 11), 10)
    order(rep_a, "50.00", _at(yesterday, 15), 20)
    order(rep_b, "30.00", _at(yesterday, 16), 5)
    order(rep_a, "70.00", _at(today, 11), 10)
    with time_machine.travel(_at(yesterday, 12), tick=False):
        payment_collect(actor=rep_a, account=account, amount=D("120.00"), method="cash")
        transaction_post(actor=rep_a, kind="test.fee", postings=[
            debit(ledger_account_cash_drawer(staff=rep_a), "50.00"),
            debit(ledger_account_revenue(fee_type="discount"), "8.00"),
            credit(ledger_account_revenue(fee_type="monthly"), "58.00")])

    def ticket(h, n, business, taken, state, vip=0, wait=None, service=None, by=None):
        t = Ticket.objects.create(hall=h, day=taken.date(), number=n, business=business, vip_level=vip,
                                  taken_at=taken)
        Ticket.objects.filter(pk=t.pk).update(state=state, wait_seconds=wait, service_seconds=service,
                                              called_by=by, called_at=taken if by else None)

    ticket(hall, "A001", Business.COUNTER, _at(yesterday, 9, 10), Ticket.State.DONE, wait=600, service=300, by=rep_a)
    ticket(hall, "V001", Business.VIP, _at(yesterday, 9, 40), Ticket.State.DONE, vip=2, wait=60, service=900,
           by=rep_a)
    ticket(hall, "B001", Business.PAYMENT, _at(yesterday, 10, 5), Ticket.State.NO_SHOW)
    ticket(other_hall, "C001", Business.COMPLAINT, _at(yesterday, 10, 30), Ticket.State.DONE, wait=1200,
           service=600, by=rep_b)
    ticket(hall, "A001", Business.COUNTER, _at(today, 11), Ticket.State.WAITING)  # a fixed hour, not now
    return {"rep_a": rep_a, "rep_b": rep_b}


def _figures(report):
    return {
        "kind": [(r.key, r.count, r.amount) for r in report.by_kind],
        "hall": [(r.label, r.count, r.amount) for r in report.by_hall],
        "period": [(r.label, r.count, r.amount) for r in report.by_period],
        "reps": [(r.label, r.orders, r.amount, r.minutes) for r in report.productivity],
        "revenue": [(r.key, r.count, r.amount) for r in report.revenue],
        "payments": [(r.key, r.count, r.amount) for r in report.payments],
        "queue": {title: [(r.label, r.tickets, r.served, r.no_shows, r.vip_share, r.avg_wait_minutes,
                           r.avg_service_minutes) for r in rows] for title, rows in report.queue.sections()},
    }


@pytest.fixture
def manager(make_staff):
    return make_staff("manager", username="boss", hall=None)


def test_the_summary_gives_the_figures_the_rows_give(world, manager, days, hall, other_hall):
    yesterday, today = days
    before = business_report(actor=manager, date_from=yesterday, date_to=today)
    assert before.scope.summarized == ()
    summary_day_build(day=yesterday)
    after = business_report(actor=manager, date_from=yesterday, date_to=today)
    assert after.scope.summarized == ((yesterday, yesterday),) and after.scope.raw == ((today, today),)
    assert _figures(after) == _figures(before)
    f = _figures(after)
    assert f["kind"] == [("open_account", 4, D("250.00"))]
    assert f["hall"] == [(hall.name, 3, D("220.00")), (other_hall.name, 1, D("30.00"))]
    assert f["period"] == [(yesterday.isoformat(), 3, D("180.00")), (today.isoformat(), 1, D("70.00"))]
    assert f["reps"] == [("王芳", 3, D("220.00"), D("13.3")), ("李娜", 1, D("30.00"), D("5.0"))]
    assert f["revenue"] == [("discount", 1, D("-8.00")), ("monthly", 1, D("58.00"))]
    assert f["payments"] == [("cash", 1, D("120.00"))]
    queue = after.queue
    total = queue.total
    assert (total.tickets, total.served, total.no_shows, total.vip_share) == (5, 3, 1, D("20.0"))
    assert (total.avg_wait_minutes, total.avg_service_minutes) == (D("10.3"), D("10.0"))   # 1860 s / 3, 1800 s / 3
    assert [(r.label, r.tickets, r.avg_wait_minutes) for r in queue.by_hour][:2] == [("09:00", 2, D("5.5")),
                                                                                     ("10:00", 2, D("20.0"))]
    assert [(r.label, r.tickets, r.served, r.avg_service_minutes) for r in queue.by_rep] == [
        ("王芳", 2, 2, D("10.0")), ("李娜", 1, 1, D("10.0"))]
    assert {r.label: (r.tickets, r.no_shows) for r in queue.by_business} == {
        "柜台业务": (2, 0), "缴费": (1, 1), "投诉": (1, 0), "大客户（VIP）": (1, 0)}
    assert {r.label: r.tickets for r in queue.by_hall} == {hall.name: 4, other_hall.name: 1}


def test_a_summarized_day_is_read_from_the_summary_until_it_is_rebuilt(world, manager, days):
    yesterday, today = days
    summary_day_build(day=yesterday)
    Order.objects.filter(paid_at__date__lt=today).update(amount_due=D("1.00"))
    report = business_report(actor=manager, date_from=yesterday, date_to=yesterday)
    assert report.orders_total.amount == D("180.00")   # the summary, not the orders changed after it
    summary_day_build(day=yesterday)
    report = business_report(actor=manager, date_from=yesterday, date_to=yesterday)
    assert report.orders_total.amount == D("3.00")


def test_one_rep_is_read_from_the_rows(world, manager, days):
    yesterday, today = days
    summary_day_build(day=yesterday)
    report = business_report(actor=manager, date_from=yesterday, date_to=today, staff=world["rep_a"])
    assert report.scope.summarized == () and report.orders_total.count == 3
    assert report.queue.total.tickets == 2   # the tickets rep_a called


def test_building_a_day_twice_leaves_one_set_of_rows_and_today_is_never_summarized(world, days):
    yesterday, today = days
    written = summaries_build(today=today, days_back=3)
    assert set(SummaryDay.objects.values_list("day", flat=True)) == {today - timedelta(days=n) for n in (1, 2, 3)}
    rows = DayFigure.objects.count() + QueueDayFigure.objects.count()
    assert written == rows and rows > 0
    assert summaries_build(today=today, days_back=3) == rows
    assert DayFigure.objects.count() + QueueDayFigure.objects.count() == rows
    assert not SummaryDay.objects.filter(day=today).exists()
    assert not DayFigure.objects.filter(day=today).exists()


def test_the_screen_csv_and_xlsx_carry_the_queue(client, world, manager, days, django_assert_max_num_queries):
    from openpyxl import load_workbook

    yesterday, today = days
    summary_day_build(day=yesterday)
    client.force_login(manager)
    query = {"date_from": yesterday.isoformat(), "date_to": today.isoformat()}
    with django_assert_max_num_queries(38):   # 36 before the bills and arrears read their counts (issue 15)
        html = client.get(reverse("reports:business"), query).content.decode()
    assert 'data-testid="queue-tickets">5<' in html and 'data-testid="queue-wait">10.3<' in html
    assert "排队·按业务" in html and "chart-queue" in html
    rows = list(csv.reader(io.StringIO(client.get(reverse("reports:business_csv"), query)
                                       .content.decode("utf-8-sig"))))
    assert ["全部", "5", "3", "1", "20.0", "10.3", "10.0"] in rows
    book = load_workbook(io.BytesIO(client.get(reverse("reports:business_xlsx"), query).content))
    sheet = next(s for s in book.worksheets if "按取号时段" in s.title)
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["09:00", 2, 2, 0, 50.0, 5.5, 10.0] in values and sheet._charts


@require_os(binaries=["pdftotext"])
@pytest.mark.needs_os
def test_the_pdf_carries_the_queue(client, world, manager, days, tmp_path):
    yesterday, today = days
    client.force_login(manager)
    response = client.get(reverse("reports:business_pdf"), {"date_from": yesterday.isoformat(),
                                                              "date_to": today.isoformat()})
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "排队" in text and "全部" in text and "10.3" in text


def test_the_console_shows_the_queue_today(client, world, make_staff):
    client.force_login(make_staff("store_manager", username="store"))
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="console-queue-waiting">1 人等候<' in html


def test_the_console_shows_todays_average_service_and_vip_share(client, world, hall, make_staff):
    """Today in the hall: the world's waiting ticket, two served (one a big customer), one no-show."""
    now = timezone.localtime()
    for number, vip, state, wait, service in (("A002", 0, Ticket.State.DONE, 120, 300),
                                              ("V001", 2, Ticket.State.DONE, 60, 900),
                                              ("B001", 0, Ticket.State.NO_SHOW, None, None)):
        t = Ticket.objects.create(hall=hall, day=now.date(), number=number, business=Business.COUNTER,
                                  vip_level=vip, taken_at=now)
        Ticket.objects.filter(pk=t.pk).update(state=state, wait_seconds=wait, service_seconds=service,
                                              called_at=now if wait else None)
    client.force_login(make_staff("store_manager", username="store"))
    html = client.get(reverse("home")).content.decode()
    # 4 tickets, wait (120 + 60) / 2 s = 1.5 min, service (300 + 900) / 2 s = 10.0 min, 1 of 4 VIP = 25.0 %.
    assert "取号 4，平均等候 1.5 分钟，平均办理 10.0 分钟，过号 1，VIP 1（占 25.0%）" in html


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_builds_of_one_day_at_once_leave_one_set_of_rows(world, days):
    from boss.tests.threads import run_concurrently

    yesterday, _today = days
    summary_day_build(day=yesterday)
    rows = DayFigure.objects.count() + QueueDayFigure.objects.count()
    SummaryDay.objects.all().delete()
    DayFigure.objects.all().delete()
    QueueDayFigure.objects.all().delete()
    outcomes, errors = run_concurrently(2, lambda i: summary_day_build(day=yesterday))
    assert not errors and outcomes == [rows, rows]
    assert DayFigure.objects.count() + QueueDayFigure.objects.count() == rows
    assert SummaryDay.objects.filter(day=yesterday).count() == 1
