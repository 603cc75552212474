"""The summary tables (`DayFigure`, `QueueDayFigure`): each business day's report figures, built from the
orders, payments, ledger and tickets of that day, so a report over months reads a few rows per day and
hall instead of scanning every order, ledger entry and ticket.

A day is built in one transaction: its old rows are deleted and the new ones written, and its `SummaryDay`
row (locked first) says it is done. Building a day twice gives the same rows, and two builders of one day
wait for each other. The nightly beat job `reports.tasks.summaries_build` builds the last days (a few days
back, so late changes such as an order paid before midnight and completed after it are caught up); the
reports read a day from the summary only once it has its `SummaryDay`, and every other day (today, a day not
built yet) from the rows themselves, so the figures are the same either way.
"""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from boss.locks import lock
from boss.months import month_add, month_start
from reports.models import ArrearsFigure, BillFigure, BillMonth, DayFigure, QueueDayFigure, SummaryDay
from reports.selectors import (
    Scope,
    queue_rows_raw,
    raw_arrears_by_hall,
    raw_bills,
    raw_fees,
    raw_kinds,
    raw_methods,
    raw_reps,
)

DAYS_BACK = 7   # the nightly job rebuilds this many days before today
BILL_MONTHS_BACK = 12   # and the bills and collection of this many months before this one (bills are paid late)


@transaction.atomic
def summary_day_build(*, day: date) -> int:
    """Build (or rebuild) the summary rows of one business day, every hall. Safe to run twice and at once
    (the day's `SummaryDay` row is locked first). Returns the number of rows written."""
    SummaryDay.objects.get_or_create(day=day, defaults={"built_at": timezone.now()})
    lock(SummaryDay.objects.filter(day=day)).get()
    DayFigure.objects.filter(day=day).delete()
    QueueDayFigure.objects.filter(day=day).delete()
    scope = Scope(date_from=day, date_to=day, raw=((day, day),))
    figures: list[DayFigure] = []
    for (hall_id, key), (n, amount) in raw_kinds(scope, by_hall=True).items():
        figures.append(DayFigure(day=day, hall_id=hall_id, figure=DayFigure.Figure.KIND, key=key, count=n,
                                 amount=amount))
    for (hall_id, key), (n, amount, seconds, timed) in raw_reps(scope, by_hall=True).items():
        figures.append(DayFigure(day=day, hall_id=hall_id, figure=DayFigure.Figure.REP, key=str(key), count=n,
                                 amount=amount, seconds=seconds, timed=timed))
    for (hall_id, key), (n, amount) in raw_methods(scope, by_hall=True).items():
        figures.append(DayFigure(day=day, hall_id=hall_id, figure=DayFigure.Figure.METHOD, key=key, count=n,
                                 amount=amount))
    for (hall_id, key), (n, amount) in raw_fees(scope, by_hall=True).items():
        figures.append(DayFigure(day=day, hall_id=hall_id, figure=DayFigure.Figure.FEE, key=key, count=n,
                                 amount=amount))
    DayFigure.objects.bulk_create(figures, batch_size=2000)
    queue: list[QueueDayFigure] = []
    for figure in QueueDayFigure.Figure:
        for (hall_id, key), m in queue_rows_raw(scope, figure.value).items():
            queue.append(QueueDayFigure(day=day, hall_id=hall_id, figure=figure.value, key=str(key), **m))
    QueueDayFigure.objects.bulk_create(queue, batch_size=2000)
    SummaryDay.objects.filter(day=day).update(built_at=timezone.now())
    return len(figures) + len(queue)


def summary_days(days: Iterable[date]) -> int:
    """Build each day in its own transaction (a run stopped half-way leaves whole days only)."""
    return sum(summary_day_build(day=day) for day in days)


def summaries_build(*, today: date | None = None, days_back: int = DAYS_BACK,
                    date_from: date | None = None) -> int:
    """The days before today: the last `days_back` ones, or every day from `date_from` on. Today is never
    summarized (it is still being worked); the reports read it from the rows."""
    today = today or timezone.localdate()
    start = date_from or today - timedelta(days=days_back)
    return summary_days(start + timedelta(days=n) for n in range((today - start).days))


@transaction.atomic
def bill_arrears_build(*, today: date | None = None, months_back: int = BILL_MONTHS_BACK) -> int:
    """Count the bills and their collection of this month and the `months_back` before it (`BillFigure`, each
    month marked by its `BillMonth`), and the open arrears cases now (`ArrearsFigure`, replaced whole). One
    transaction, the `BillMonth` rows locked first: a build run twice, or twice at once, leaves one set."""
    now = timezone.now()
    this = month_start(today or timezone.localdate())
    periods = [month_add(this, -n) for n in range(months_back, -1, -1)]
    for period in periods:
        BillMonth.objects.get_or_create(period=period, defaults={"built_at": now})
    list(lock(BillMonth.objects.filter(period__in=periods).order_by("pk")))
    BillFigure.objects.filter(period__in=periods).delete()
    BillFigure.objects.bulk_create([BillFigure(period=p, hall_id=h, bills=n, billed=s, paid_bills=pn, paid=ps)
                                    for (p, h), (n, s, pn, ps) in raw_bills(periods, None).items()])
    BillMonth.objects.filter(period__in=periods).update(built_at=now)
    ArrearsFigure.objects.all().delete()
    arrears = [ArrearsFigure(hall_id=h, open=n, suspended=s, built_at=now)
               for h, (n, s) in raw_arrears_by_hall().items()]
    ArrearsFigure.objects.bulk_create(arrears)
    return BillFigure.objects.filter(period__in=periods).count() + len(arrears)
