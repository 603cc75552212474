"""The figures of the reports: a fixed number of grouped queries whatever the period and the number of halls.

Scope: `halls` is None for every hall (managers) or a list of hall ids; `staff` narrows to one rep. Days are
business days: orders by the local day they were paid, money by the ledger's booking day, tickets by their day.

Each figure is read from two places and added up: the summary tables (`reports.summaries`) for the days
already summarized (`Scope.summarized`), and the orders, payments, ledger entries and tickets themselves for
every other day of the period (`Scope.raw`: today, or a day not summarized yet). `scope_split` makes that
split with one query; a scope not split reads everything from the rows (the day report of one hall). A
report for one rep reads the rows (the summaries are per hall, not per rep and business).
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractHour, TruncDay, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import ArrearsCase, Bill, BillSettlement, LedgerAccount, LedgerEntry, Payment
from boss.labels import label
from boss.models import Hall, Staff
from boss.money import ZERO
from customers.models import Line
from hall.models import Business, Ticket
from orders.models import Order

# Orders that did business: paid (or done) and not cancelled afterwards.
DONE_STATES = (Order.State.PAID, Order.State.PROVISIONING, Order.State.COMPLETED)

Runs = tuple[tuple[date, date], ...]


@dataclass(frozen=True)
class Scope:
    date_from: date
    date_to: date
    halls: list[int] | None = None   # None: every hall
    staff_id: int | None = None
    summarized: Runs = ()            # runs of days read from the summary tables
    raw: Runs | None = None          # runs of days read from the rows; None: the whole period

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (datetime.combine(self.date_from, time.min, tzinfo=tz),
                datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz))

    @property
    def raw_runs(self) -> Runs:
        return self.raw if self.raw is not None else ((self.date_from, self.date_to),)


def _runs(days: list[date]) -> Runs:
    """Consecutive days as (first, last) runs."""
    out: list[tuple[date, date]] = []
    for day in sorted(days):
        if out and out[-1][1] + timedelta(days=1) == day:
            out[-1] = (out[-1][0], day)
        else:
            out.append((day, day))
    return tuple(out)


def scope_split(scope: Scope) -> Scope:
    """Which days of the period come from the summary tables and which from the rows (one query)."""
    from reports.models import SummaryDay

    if scope.staff_id:
        return replace(scope, summarized=(), raw=None)
    done = set(SummaryDay.objects.filter(day__gte=scope.date_from, day__lte=scope.date_to)
               .values_list("day", flat=True))
    every = [scope.date_from + timedelta(days=n) for n in range((scope.date_to - scope.date_from).days + 1)]
    return replace(scope, summarized=_runs([d for d in every if d in done]),
                   raw=_runs([d for d in every if d not in done]))


def _days_q(field: str, runs: Runs, *, moments: bool = False) -> Q:
    """Rows of those days: a date field between the runs' days, or a moment within their local days."""
    tz = timezone.get_current_timezone()
    q = Q()
    for first, last in runs:
        if moments:
            q |= Q(**{f"{field}__gte": datetime.combine(first, time.min, tzinfo=tz),
                      f"{field}__lt": datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)})
        else:
            q |= Q(**{f"{field}__gte": first, f"{field}__lte": last})
    return q


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _seconds(value) -> int:
    """A sum of durations as seconds (a timedelta on PostgreSQL, microseconds on SQLite)."""
    if value is None:
        return 0
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds())
    return round(float(value) / 1e6)


# --------------------------------------------------------------------------------------------------
# From the rows (days not summarized, and the summaries' own source)
# --------------------------------------------------------------------------------------------------


def _orders(scope: Scope):
    qs = Order.objects.filter(_days_q("paid_at", scope.raw_runs, moments=True), state__in=DONE_STATES)
    if scope.halls is not None:
        qs = qs.filter(hall_id__in=scope.halls)
    if scope.staff_id:
        qs = qs.filter(actor_id=scope.staff_id)
    return qs.order_by()


def _payments(scope: Scope):
    qs = Payment.objects.filter(_days_q("ledger_transaction__booked_on", scope.raw_runs))
    if scope.halls is not None:
        qs = qs.filter(hall_id__in=scope.halls)
    if scope.staff_id:
        qs = qs.filter(actor_id=scope.staff_id)
    return qs.order_by()


def _revenue_entries(scope: Scope):
    qs = LedgerEntry.objects.filter(_days_q("transaction__booked_on", scope.raw_runs),
                                    account__kind=LedgerAccount.Kind.REVENUE)
    if scope.halls is not None:
        qs = qs.filter(transaction__hall_id__in=scope.halls)
    if scope.staff_id:
        qs = qs.filter(transaction__actor_id=scope.staff_id)
    return qs.order_by()


def _tickets(scope: Scope):
    qs = Ticket.objects.filter(_days_q("day", scope.raw_runs))
    if scope.halls is not None:
        qs = qs.filter(hall_id__in=scope.halls)
    if scope.staff_id:
        qs = qs.filter(called_by_id=scope.staff_id)
    return qs.order_by()


def raw_kinds(scope: Scope, *, by_hall: bool = True) -> dict:
    """{(hall id, business type): (orders, money)} (one query; none when every day is summarized)."""
    if not scope.raw_runs:
        return {}
    rows = _orders(scope).values_list("hall_id", "kind").annotate(n=Count("id"), s=Sum("amount_due"))
    return {(h, k): (n, _money(s)) for h, k, n, s in rows}


def raw_reps(scope: Scope, *, by_hall: bool = True) -> dict:
    """{(hall id, rep id): (orders, money, seconds from creation to payment, orders timed)} (one query)."""
    if not scope.raw_runs:
        return {}
    timed = Q(created_at__isnull=False, paid_at__isnull=False)
    rows = (_orders(scope).values_list("hall_id", "actor_id")
            .annotate(n=Count("id"), s=Sum("amount_due"), t=Sum(F("paid_at") - F("created_at"), filter=timed),
                      tn=Count("id", filter=timed)))
    return {(h, a): (n, _money(s), _seconds(t), tn) for h, a, n, s, t, tn in rows}


def raw_methods(scope: Scope, *, by_hall: bool = True) -> dict:
    """{(hall id, payment method): (payments, money)}, by the ledger's business day (one query)."""
    if not scope.raw_runs:
        return {}
    rows = _payments(scope).values_list("hall_id", "method").annotate(n=Count("id"), s=Sum("amount"))
    return {(h, m): (n, _money(s)) for h, m, n, s in rows}


def raw_fees(scope: Scope, *, by_hall: bool = True) -> dict:
    """{(hall id, fee type): (entries, revenue)}: credits to the revenue accounts less debits (discounts), by
    booking day. The hall is the posting's (bills have none: they count for every hall's total only)."""
    if not scope.raw_runs:
        return {}
    rows = (_revenue_entries(scope).values_list("transaction__hall_id", "account__subtype")
            .annotate(n=Count("id"), s=Sum("amount")))
    return {(h, t): (n, -_money(s)) for h, t, n, s in rows}


def raw_periods(scope: Scope, *, monthly: bool) -> dict:
    """{period label: (orders, money)} by local day or month of payment (one query)."""
    if not scope.raw_runs:
        return {}
    trunc = TruncMonth("paid_at") if monthly else TruncDay("paid_at")
    rows = _orders(scope).annotate(p=trunc).values_list("p").annotate(n=Count("id"), s=Sum("amount_due"))
    out: dict = {}
    for p, n, s in rows:
        key = _period_label(timezone.localtime(p).date() if isinstance(p, datetime) else p, monthly)
        c, a = out.get(key, (0, ZERO))
        out[key] = (c + n, a + _money(s))
    return out


QUEUE_MEASURES = ("tickets", "served", "no_shows", "vip", "wait_seconds", "waited", "service_seconds", "serviced")


def queue_rows_raw(scope: Scope, figure: str) -> dict:
    """{(hall id, key): queue measures} grouped by business, hour taken or the rep who called (one query)."""
    if not scope.raw_runs:
        return {}
    qs = _tickets(scope)
    if figure == "hour":
        qs, key = qs.annotate(hour=ExtractHour("taken_at")), "hour"
    elif figure == "rep":
        qs, key = qs.filter(called_by__isnull=False), "called_by_id"
    else:
        key = "business"
    # m_ names: an annotation may not share a name with a field of the model (the summary's, here)
    rows = qs.values_list("hall_id", key).annotate(
        m_tickets=Count("pk"), m_served=Count("pk", filter=Q(state=Ticket.State.DONE)),
        m_no_shows=Count("pk", filter=Q(state=Ticket.State.NO_SHOW)), m_vip=Count("pk", filter=Q(vip_level__gt=0)),
        m_wait_seconds=Sum("wait_seconds"), m_waited=Count("wait_seconds"),
        m_service_seconds=Sum("service_seconds"), m_serviced=Count("service_seconds"))
    return {(h, k): {m: int(v or 0) for m, v in zip(QUEUE_MEASURES, values, strict=True)}
            for h, k, *values in rows}


# --------------------------------------------------------------------------------------------------
# From the summary tables (days summarized)
# --------------------------------------------------------------------------------------------------


def _summary(model, scope: Scope, figure: str):
    qs = model.objects.filter(_days_q("day", scope.summarized), figure=figure)
    if scope.halls is not None:
        qs = qs.filter(hall_id__in=scope.halls)
    return qs.order_by()


def summed(scope: Scope, figure: str) -> dict:
    """{(hall id, key): (count, amount, seconds, timed)} of the summarized days (one query)."""
    from reports.models import DayFigure

    if not scope.summarized:
        return {}
    rows = (_summary(DayFigure, scope, figure).values_list("hall_id", "key")
            .annotate(n=Sum("count"), s=Sum("amount"), t=Sum("seconds"), tn=Sum("timed")))
    return {(h, k): (int(n or 0), _money(s), int(t or 0), int(tn or 0)) for h, k, n, s, t, tn in rows}


def summed_periods(scope: Scope, *, monthly: bool) -> dict:
    from reports.models import DayFigure

    if not scope.summarized:
        return {}
    rows = _summary(DayFigure, scope, DayFigure.Figure.KIND).values_list("day").annotate(n=Sum("count"),
                                                                                      s=Sum("amount"))
    out: dict = {}
    for day, n, s in rows:
        key = _period_label(day, monthly)
        c, a = out.get(key, (0, ZERO))
        out[key] = (c + int(n or 0), a + _money(s))
    return out


def queue_rows_summed(scope: Scope, figure: str) -> dict:
    from reports.models import QueueDayFigure

    if not scope.summarized:
        return {}
    rows = (_summary(QueueDayFigure, scope, figure).values_list("hall_id", "key")
            .annotate(**{f"m_{m}": Sum(m) for m in QUEUE_MEASURES}))
    return {(h, k): {m: int(v or 0) for m, v in zip(QUEUE_MEASURES, values, strict=True)}
            for h, k, *values in rows}


def _period_label(day: date, monthly: bool) -> str:
    return day.strftime("%Y-%m" if monthly else "%Y-%m-%d")


# --------------------------------------------------------------------------------------------------
# The figures as the reports show them
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int = 0
    amount: Decimal = ZERO


def _add(*parts: dict, group=lambda key: key) -> dict:
    """Add up tuples of numbers per group of keys."""
    out: dict = {}
    for part in parts:
        for key, values in part.items():
            g = group(key)
            out[g] = tuple(a + b for a, b in zip(out[g], values, strict=True)) if g in out else tuple(values)
    return out


def kind_figures(scope: Scope) -> dict:
    """{(hall id, business type): (orders, money)}: the base of the volume by type and by hall."""
    return _add(raw_kinds(scope), {(h, k): v[:2] for (h, k), v in summed(scope, "kind").items()})


def orders_by_kind(scope: Scope, figures: dict | None = None) -> list[Row]:
    """Business volume by business type: orders and the money they took."""
    labels = dict(Order.Kind.choices)
    rows = _add(figures if figures is not None else kind_figures(scope), group=lambda key: key[1])
    return sorted((Row(k, str(labels.get(k, k)), n, a) for k, (n, a) in rows.items()),
                  key=lambda r: (-r.count, r.key))


def orders_by_hall(scope: Scope, figures: dict) -> list[Row]:
    """Business volume by hall (one query for the halls' names)."""
    rows = _add(figures, group=lambda key: key[0])
    names = dict(Hall.objects.filter(pk__in=list(rows)).values_list("pk", "name")) if rows else {}
    return sorted((Row(str(h), names.get(h, str(h)), n, a) for h, (n, a) in rows.items()),
                  key=lambda r: (-r.count, int(r.key)))


def orders_by_period(scope: Scope, *, monthly: bool) -> list[Row]:
    rows = _add(raw_periods(scope, monthly=monthly), summed_periods(scope, monthly=monthly))
    return [Row(p, p, n, a) for p, (n, a) in sorted(rows.items())]


def rep_figures(scope: Scope) -> dict:
    """{rep id: (orders, money, seconds, timed)}."""
    return _add(raw_reps(scope), {(h, int(k)): v for (h, k), v in summed(scope, "rep").items()},
                group=lambda key: key[1])


def staff_names(ids) -> dict:
    rows = Staff.objects.filter(pk__in=list(ids)).values_list("pk", "last_name", "first_name", "username")
    return {pk: f"{last}{first}".strip() or user for pk, last, first, user in rows} if ids else {}


def payments_by_method(scope: Scope) -> list[Row]:
    """Money taken at the counters by payment method, by the ledger's business day."""
    rows = _add(raw_methods(scope), {(h, k): v[:2] for (h, k), v in summed(scope, "method").items()},
                group=lambda key: key[1])
    return [Row(m, label("billing.PaymentMethod", m), n, a) for m, (n, a) in sorted(rows.items())]


def revenue_by_fee_type(scope: Scope) -> list[Row]:
    """Revenue by fee type (credits to the revenue accounts less debits), by booking day."""
    rows = _add(raw_fees(scope), {(h, k): v[:2] for (h, k), v in summed(scope, "fee").items()},
                group=lambda key: key[1])
    return [Row(t, str(fee_type_label(t)), n, a) for t, (n, a) in sorted(rows.items())]


def fee_type_label(code: str) -> str:
    return label("billing.FeeType", code)


def total(rows: list[Row]) -> Row:
    return Row("total", "", sum(r.count for r in rows), sum((r.amount for r in rows), ZERO))


# --------------------------------------------------------------------------------------------------
# Queue figures (issue 18's waiting and service times, VIP share and no-shows)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    label: str
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    vip: int = 0
    wait_seconds: int = 0
    waited: int = 0
    service_seconds: int = 0
    serviced: int = 0

    @property
    def vip_share(self) -> Decimal | None:
        return _one(100 * self.vip, self.tickets)

    @property
    def avg_wait_minutes(self) -> Decimal | None:
        return _one(self.wait_seconds, 60 * self.waited)

    @property
    def avg_service_minutes(self) -> Decimal | None:
        return _one(self.service_seconds, 60 * self.serviced)


def _one(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"))


@dataclass
class QueueFigures:
    total: QueueRow | None = None
    by_hall: list[QueueRow] = field(default_factory=list)
    by_rep: list[QueueRow] = field(default_factory=list)
    by_hour: list[QueueRow] = field(default_factory=list)
    by_business: list[QueueRow] = field(default_factory=list)

    def sections(self) -> list[tuple[str, list[QueueRow]]]:
        return [(_("Queue by hall"), self.by_hall), (_("Queue by rep"), self.by_rep),
                (_("Queue by hour taken"), self.by_hour), (_("Queue by business"), self.by_business)]


def _queue(scope: Scope, figure: str) -> dict:
    """{(hall id, key as text): measures} of the period (rows and summaries added up)."""
    out: dict = {}
    for part in (queue_rows_raw(scope, figure), queue_rows_summed(scope, figure)):
        for (h, k), m in part.items():
            key = (h, str(k))
            out[key] = {n: out[key][n] + m[n] for n in QUEUE_MEASURES} if key in out else dict(m)
    return out


def _queue_rows(parts: dict, group, label_of) -> list[tuple]:
    grouped: dict = {}
    for key, m in parts.items():
        g = group(key)
        grouped[g] = {n: grouped[g][n] + m[n] for n in QUEUE_MEASURES} if g in grouped else dict(m)
    return [(g, QueueRow(label_of(g), **m)) for g, m in grouped.items()]


def queue_figures(scope: Scope) -> QueueFigures:
    """Waiting and service times, VIP share and no-shows in total and by hall, rep, hour taken and business
    (three grouped queries on the rows and three on the summaries at most, plus the names)."""
    business = _queue(scope, "business")
    if not business:
        return QueueFigures()
    hours, reps = _queue(scope, "hour"), _queue(scope, "rep")
    total_rows = _queue_rows(business, lambda key: "", lambda g: _("All tickets"))
    hall_ids = {h for h, _k in business}
    names = dict(Hall.objects.filter(pk__in=hall_ids).values_list("pk", "name"))
    by_hall = sorted(_queue_rows(business, lambda key: key[0], lambda h: names.get(h, str(h))),
                     key=lambda row: row[1].label)
    rep_names = staff_names({int(k) for _h, k in reps})
    by_rep = sorted(_queue_rows(reps, lambda key: int(key[1]), lambda pk: rep_names.get(pk, str(pk))),
                    key=lambda row: (-row[1].tickets, row[0]))
    by_hour = sorted(_queue_rows(hours, lambda key: int(key[1]), lambda h: f"{h:02d}:00"), key=lambda row: row[0])
    by_business = sorted(_queue_rows(business, lambda key: key[1], lambda b: str(Business(b).label)),
                         key=lambda row: row[0])
    return QueueFigures(total=total_rows[0][1], by_hall=[r for _g, r in by_hall], by_rep=[r for _g, r in by_rep],
                        by_hour=[r for _g, r in by_hour], by_business=[r for _g, r in by_business])


# --------------------------------------------------------------------------------------------------
# Bills, collection and arrears: counted by the nightly job (reports.summaries.bill_arrears_build), read
# from the bills and cases themselves for a month (or a scope) it has not counted
# --------------------------------------------------------------------------------------------------


def raw_bills(periods, halls: list[int] | None) -> dict:
    """{(month, hall id of the bill's line): (bills, billed, bills paid, paid)} of those months (one query)."""
    if not periods:
        return {}
    qs = Bill.objects.filter(period__in=list(periods))
    if halls is not None:
        qs = qs.filter(line__hall_id__in=halls)
    paid = Exists(BillSettlement.objects.filter(bill_id=OuterRef("pk")))
    rows = (qs.order_by().annotate(paid=paid).values_list("period", "line__hall_id")
            .annotate(n=Count("id"), s=Sum("total"), pn=Count("id", filter=Q(paid=True)),
                      ps=Sum("total", filter=Q(paid=True))))
    return {(p, h): (n, _money(s), pn, _money(ps)) for p, h, n, s, pn, ps in rows}


def summed_bills(periods, halls: list[int] | None) -> dict:
    """The same from the `BillFigure` rows of those months (one query)."""
    from reports.models import BillFigure

    if not periods:
        return {}
    qs = BillFigure.objects.filter(period__in=list(periods))
    if halls is not None:
        qs = qs.filter(hall_id__in=halls)
    return {(f.period, f.hall_id): (f.bills, f.billed, f.paid_bills, f.paid) for f in qs.order_by()}


def raw_arrears(halls: list[int] | None) -> tuple[int, int]:
    """(open arrears cases, of them suspended) now, of the accounts with a line opened at one of the halls."""
    qs = ArrearsCase.objects.filter(closed_at__isnull=True)
    if halls is not None:
        qs = qs.filter(Exists(Line.objects.filter(account_id=OuterRef("account_id"), hall_id__in=halls)))
    row = qs.order_by().aggregate(n=Count("id"), s=Count("id", filter=Q(status=ArrearsCase.Status.SUSPENDED)))
    return row["n"] or 0, row["s"] or 0


def raw_arrears_by_hall() -> dict:
    """{hall id or None for every hall: (open, suspended)}: an account with lines at two halls counts at both,
    once in the total (two queries)."""
    cases = dict(ArrearsCase.objects.filter(closed_at__isnull=True).values_list("account_id", "status"))
    suspended = ArrearsCase.Status.SUSPENDED
    out = {None: (len(cases), sum(1 for s in cases.values() if s == suspended))}
    pairs = set(Line.objects.filter(account_id__in=list(cases)).values_list("hall_id", "account_id")) if cases else ()
    for hall_id, account_id in pairs:
        n, s = out.get(hall_id, (0, 0))
        out[hall_id] = (n + 1, s + (cases[account_id] == suspended))
    return out
