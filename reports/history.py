"""Demo history: months of business behind the demo halls, made by the real services with the clock set
back (time-machine), so every row is what the counter would have written that day and the ledger balances.

For each weekday of the last `months` months (oldest first), at each self-operated demo hall: lines opened
through the opening process (pre-input, payment, provisioning), fees collected on lines opened earlier
(cash and bank card), then at the end of the day each rep's drawer closed (now and then a small shortage,
approved by the store manager) and the hall's day closed with the cash handed in to the bank. After each
month: its bill run, and the arrears scan. Idempotent: a hall that already has a closed day before today is
left alone.

It runs as its own command (`manage.py demo_history`, `make demo-history`), never inside a web server:
time-machine moves the clock of the whole process. While it runs (`make run` starts it behind the server) its
`DemoHistoryRun` row is open and every staff home shows a note (`demo_history_running`).
"""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from billing.models import BillRun, HallDayClose
from boss.models import Hall, Staff
from boss.months import month_add, month_start

STALE = timedelta(hours=6)   # a run killed without clearing its row (kill -9) stops showing after this
OPENINGS_PER_DAY = 1
PAYMENTS_PER_DAY = 3
PLANS = ["5G-ZX-128", "DGDD-MG-39", "4G-FX-58", "5G-ZX-198"]
# USIM cards each hall keeps for the people trying the demo: six months of openings would take the whole stock, and
# the counter's first opening would be refused ("no USIM card is left in this hall's stock").
USIM_KEPT = 40


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _weekdays(start: date, end: date):
    day = start
    while day < end:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def demo_history_running() -> bool:
    """Is `manage.py demo_history` still filling the history (one query)?"""
    from reports.models import DemoHistoryRun

    return DemoHistoryRun.objects.filter(finished_at__isnull=True, started_at__gte=timezone.now() - STALE).exists()


def history_generate(*, months: int = 6, days: int | None = None, stdout=None) -> dict:
    """Generate the history (see the module's docstring); `days` keeps only the last so many weekdays
    (tests). Returns what was made: days, openings, payments, closes, bill_runs."""
    import time_machine

    from customers.models import Customer, Line
    from inventory.models import NumberResource, SimCard

    today = timezone.localdate()
    first = month_start(month_add(today, -months))
    if days is not None:
        first = max(first, today - timedelta(days=days + 2 * (days // 5 + 1)))
    halls = [h for h in Hall.objects.filter(kind=Hall.Kind.SELF_OPERATED, active=True).order_by("code")
             if not HallDayClose.objects.filter(hall=h, day__lt=today).exists()]
    counts = {"days": 0, "openings": 0, "payments": 0, "closes": 0, "bill_runs": 0}
    staff = {h.pk: (Staff.objects.filter(hall=h, groups__name="sales_rep", is_active=True).order_by("username").first(),
                    Staff.objects.filter(hall=h, groups__name="store_manager", is_active=True).order_by("username")
                    .first()) for h in halls}
    halls = [h for h in halls if all(staff[h.pk])]
    if not halls:
        return counts
    rnd = random.Random(15)
    customers = iter(Customer.objects.filter(kind="individual", identity__checked_at__isnull=False, lines__isnull=True)
                     .exclude(classes__kind="blacklist").order_by("-pk"))
    numbers = iter(NumberResource.objects.filter(status="free", grade__is_default=True).order_by("-msisdn")
                   .values_list("msisdn", flat=True)[:2000])
    opened: dict[int, list[int]] = {h.pk: [] for h in halls}
    month = month_start(first)
    for day in _weekdays(first, today):
        if month_start(day) != month:
            counts["bill_runs"] += _month_end(month)
            month = month_start(day)
        counts["days"] += 1
        for hall in halls:
            rep, store = staff[hall.pk]
            with time_machine.travel(_at(day, 9, 30 + rnd.randrange(20)), tick=True):
                for _n in range(OPENINGS_PER_DAY):
                    if SimCard.objects.filter(hall=hall, capacity="usim", status="in_stock").count() <= USIM_KEPT:
                        break
                    customer, msisdn = next(customers, None), next(numbers, None)
                    if customer is None or msisdn is None:
                        break
                    line_id = _open(rep, customer, msisdn, PLANS[counts["openings"] % len(PLANS)])
                    if line_id:
                        opened[hall.pk].append(line_id)
                        counts["openings"] += 1
            with time_machine.travel(_at(day, 14, rnd.randrange(60)), tick=True):
                for line_id in rnd.sample(opened[hall.pk], min(PAYMENTS_PER_DAY, len(opened[hall.pk]))):
                    counts["payments"] += _pay(rep, Line.objects.get(pk=line_id), rnd)
            with time_machine.travel(_at(day, 18, 5), tick=True):
                counts["closes"] += _close_day(hall, rep, store, day, rnd)
    counts["bill_runs"] += _month_end(month) if month < month_start(today) else 0
    if stdout is not None:
        stdout.write("reports: demo history " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


def _open(rep, customer, msisdn, plan) -> int | None:
    from boss.errors import DomainError
    from inventory.services.numbers import number_reserve
    from orders.services.open_account import order_open_account_create, order_open_account_pay
    from provisioning.services import work_orders_run

    try:
        number_reserve(actor=rep, msisdn=msisdn, customer=customer)
        order = order_open_account_create(actor=rep, customer=customer, msisdn=msisdn, product_code=plan,
                                          sim_capacity="usim", documents_checked=["id_original"],
                                          service_password="428571")
        order_open_account_pay(actor=rep, order=order, method="cash", agreement_signed=True)
    except DomainError:
        return None
    work_orders_run(limit=10)
    order.refresh_from_db()
    return order.line_id


def _pay(rep, line, rnd) -> int:
    from boss.errors import DomainError
    from orders.services.fee_collection import line_fee_collect

    amount = Decimal(rnd.choice(["30.00", "50.00", "100.00", "200.00"]))
    try:
        line_fee_collect(actor=rep, line=line, method=rnd.choice(["cash", "cash", "bank_card"]), amount=amount,
                         tendered=amount)
    except DomainError:
        return 0
    return 1


def _close_day(hall, rep, store, day, rnd) -> int:
    from billing.models import DrawerClose
    from billing.services.day_close import (
        drawer_close,
        drawer_difference_approve,
        hall_day_close,
        hall_day_state,
    )

    state = hall_day_state(hall=hall, day=day)
    closed = 0
    for person in state.open_staff:
        from billing.models import LedgerAccount
        from billing.services.day_close import _balance

        cash = LedgerAccount.objects.filter(staff=person, kind="cash_drawer", subtype="cash").first()
        held = _balance(cash, day) if cash else Decimal("0")
        short = Decimal("10.00") if held > 50 and rnd.random() < 0.08 else Decimal("0")
        close = drawer_close(actor=person, denominations=_notes(held - short), day=day,
                             reason="找零多付" if short else "")
        if close.status == DrawerClose.Status.PENDING:
            drawer_difference_approve(actor=store if person != store else rep, close=close)
        closed += 1
    state = hall_day_state(hall=hall, day=day)
    hall_day_close(actor=store, hall=hall, day=day, deposit_amount=state.deposit_due,
                   deposit_slip=f"JK{day:%Y%m%d}{hall.pk:02d}" if state.deposit_due else "",
                   carried_by=store.display_name if state.deposit_due else "")
    return closed


def _notes(amount: Decimal) -> dict:
    """The notes and coins a drawer of `amount` holds (largest first)."""
    left, out = amount, {}
    for d in ("100", "50", "20", "10", "5", "1", "0.5", "0.1"):
        n = int(left // Decimal(d))
        if n:
            out[d] = n
            left -= Decimal(d) * n
    return out


def _month_end(month: date) -> int:
    """The month's bill run (on the 2nd of the next month) and the arrears scan."""
    import time_machine

    from billing.services.arrears import arrears_scan
    from billing.services.bill_run import bill_run_execute, bill_run_start
    from boss.permissions import system_actor

    clerk = Staff.objects.filter(username="account1").first() or system_actor()
    with time_machine.travel(_at(month_add(month, 1) + timedelta(days=1), 2), tick=True):
        run = bill_run_start(actor=clerk, period=month)
        bill_run_execute(actor=clerk, run=run)
        arrears_scan(actor=system_actor())
    return int(BillRun.objects.filter(period=month).exists())
