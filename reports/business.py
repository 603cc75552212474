"""The monthly business report (业务报表, processes.md §16): business volume by type, hall, rep and period,
retention of pre-cancellations, revenue by fee type and payment method, bills, collection rate and
arrears, staff productivity, and the quality figures of the complaints app. Every figure is one grouped
query (about ten queries plus the complaint statistics', whatever the period and the number of halls).

Scope: a manager sees every hall or the one chosen; a store manager only their own hall (forced here,
whatever the request asks).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from boss.models import Hall, Staff
from boss.money import ZERO
from boss.months import month_add, month_start
from boss.permissions import actor_spans_halls
from orders.models import Order
from partners.models import Suspect
from partners.selectors import tracing_statistics_by_day
from reports.models import ArrearsFigure, BillMonth
from reports.routers import report_reads
from reports.selectors import (
    QueueFigures,
    Row,
    Scope,
    kind_figures,
    orders_by_hall,
    orders_by_kind,
    orders_by_period,
    payments_by_method,
    queue_figures,
    raw_arrears,
    raw_bills,
    rep_figures,
    revenue_by_fee_type,
    scope_split,
    staff_names,
    summed_bills,
    total,
)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class RepRow:
    label: str
    orders: int
    amount: Decimal
    minutes: Decimal | None   # average from the order's creation to its payment


@dataclass
class BusinessReport:
    scope: Scope
    hall: Hall | None
    staff: Staff | None
    by_kind: list[Row] = field(default_factory=list)
    by_hall: list[Row] = field(default_factory=list)
    by_period: list[Row] = field(default_factory=list)
    monthly: bool = False
    productivity: list[RepRow] = field(default_factory=list)
    revenue: list[Row] = field(default_factory=list)
    payments: list[Row] = field(default_factory=list)
    billed: Decimal = ZERO
    bills: int = 0
    paid_bills: int = 0
    paid_total: Decimal = ZERO
    arrears_open: int = 0
    arrears_suspended: int = 0
    precancel: int = 0
    reopened: int = 0
    queue: QueueFigures = field(default_factory=QueueFigures)
    tracing: list[dict] = field(default_factory=list)

    @property
    def orders_total(self) -> Row:
        return total(self.by_kind)

    @property
    def revenue_total(self) -> Row:
        return total(self.revenue)

    @property
    def payments_total(self) -> Row:
        return total(self.payments)

    @property
    def collection_rate(self) -> Decimal | None:
        return percent(self.paid_total, self.billed)

    @property
    def retention_rate(self) -> Decimal | None:
        return percent(self.reopened, self.precancel)


def report_scope(*, actor, date_from: date, date_to: date, hall: Hall | None = None,
                 staff: Staff | None = None) -> tuple[Scope, Hall | None]:
    """The scope the actor may see: a store manager's own hall whatever is asked."""
    halls: list[int] | None
    if not actor_spans_halls(actor):
        hall = actor.hall
        halls = [actor.hall_id] if actor.hall_id else []
    else:
        halls = [hall.pk] if hall else None
    if staff is not None and halls is not None and staff.hall_id not in halls:
        staff = None
    return Scope(date_from=date_from, date_to=date_to, halls=halls, staff_id=staff.pk if staff else None), hall


STEPS = 10   # the report's figures, for a job's progress


def business_report(*, actor, date_from: date, date_to: date, hall: Hall | None = None,
                    staff: Staff | None = None, progress=None) -> BusinessReport:
    """Every figure of the report (about twenty grouped queries whatever the period: the summary tables for
    the days summarized, the rows for the others), read from the reports' replica when there is one
    (reports.routers). `progress(done, steps)` is called after each figure."""
    with report_reads():
        return _business_report(actor=actor, date_from=date_from, date_to=date_to, hall=hall, staff=staff,
                                progress=progress)


def _business_report(*, actor, date_from: date, date_to: date, hall: Hall | None, staff: Staff | None,
                     progress) -> BusinessReport:
    scope, hall = report_scope(actor=actor, date_from=date_from, date_to=date_to, hall=hall, staff=staff)
    scope = scope_split(scope)
    report = BusinessReport(scope=scope, hall=hall, staff=staff if scope.staff_id else None)
    step = 0

    def done() -> None:
        nonlocal step
        step += 1
        if progress is not None:
            progress(step, STEPS)

    kinds = kind_figures(scope)
    report.by_kind = orders_by_kind(scope, kinds)
    report.by_hall = orders_by_hall(scope, kinds)
    done()
    report.monthly = (date_to - date_from).days > 62
    report.by_period = orders_by_period(scope, monthly=report.monthly)
    done()
    report.productivity = _productivity(scope)
    done()
    report.revenue = revenue_by_fee_type(scope)
    done()
    report.payments = payments_by_method(scope)
    done()
    counts = {r.key: r.count for r in report.by_kind}
    report.precancel, report.reopened = counts.get(Order.Kind.PRECANCEL, 0), counts.get(Order.Kind.REOPEN, 0)
    _bills(report, scope)
    done()
    _arrears(report, scope)
    done()
    report.queue = queue_figures(scope)
    done()
    report.tracing = _tracing(scope)
    done()
    return report


def _tracing(scope: Scope) -> list[dict]:
    """Malicious-user tracing by usage day and hall in the report's halls (issue 19: on a screen and in the
    reports); not per rep: no rep does the tracing."""
    if scope.staff_id is not None:
        return []
    suspects = Suspect.objects.all() if scope.halls is None else Suspect.objects.filter(hall_id__in=scope.halls)
    return list(tracing_statistics_by_day(suspects, start=scope.date_from, end=scope.date_to))


def _productivity(scope: Scope) -> list[RepRow]:
    """Orders and average handling time (creation to payment) per rep."""
    reps = rep_figures(scope)
    names = staff_names(reps)
    out = []
    for pk, (n, amount, seconds, timed) in reps.items():
        minutes = (Decimal(seconds) / Decimal(60 * timed)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) \
            if timed else None
        out.append((-n, pk, RepRow(names.get(pk, str(pk)), n, Decimal(amount).quantize(Decimal("0.01")), minutes)))
    return [row for *_key, row in sorted(out, key=lambda item: (item[0], item[1]))]


def _bills(report: BusinessReport, scope: Scope) -> None:
    """Bills of the months the period touches, and how much of them is paid (collection rate): the nightly
    job's counts (`BillFigure`, as of its last run) for the months it counted, the bills themselves for the
    others (two queries at most, plus the months')."""
    months, month = [], month_start(scope.date_from)
    while month <= scope.date_to:
        months.append(month)
        month = month_add(month, 1)
    built = set(BillMonth.objects.filter(period__in=months).values_list("period", flat=True))
    parts = _add_bills(summed_bills(built, scope.halls), raw_bills([m for m in months if m not in built], scope.halls))
    report.bills, report.billed, report.paid_bills, report.paid_total = parts


def _add_bills(*parts: dict) -> tuple[int, Decimal, int, Decimal]:
    n, billed, pn, paid = 0, ZERO, 0, ZERO
    for part in parts:
        for a, b, c, d in part.values():
            n, billed, pn, paid = n + a, billed + b, pn + c, paid + d
    return n, billed.quantize(Decimal("0.01")), pn, paid.quantize(Decimal("0.01"))


def _arrears(report: BusinessReport, scope: Scope) -> None:
    """Arrears cases open (and how many have their lines suspended): the nightly job's count (as of its last
    run) for every hall or one hall, else the cases themselves (one query)."""
    halls = scope.halls
    if halls is None or len(halls) == 1:
        wanted = None if halls is None else halls[0]
        # the row for every hall is always written: without it nothing is counted yet; with it, a hall without
        # its own row had no open case
        counted = {f.hall_id: (f.open, f.suspended) for f in ArrearsFigure.objects.filter(
            Q(hall__isnull=True) | Q(hall_id=wanted))}
        if counted:
            report.arrears_open, report.arrears_suspended = counted.get(wanted, (0, 0))
            return
    report.arrears_open, report.arrears_suspended = raw_arrears(halls)


# --------------------------------------------------------------------------------------------------
# Exports: CSV and XLSX carry the same sections as the screen and the PDF
# --------------------------------------------------------------------------------------------------


def sections(report: BusinessReport) -> list[tuple[str, list[str], list[list]]]:
    """(title, header, rows) of every table of the report, in the reader's language."""
    count, amount = _("count"), _("amount")
    out: list[tuple[str, list[str], list[list]]] = [
        (_("Business volume by type"), [_("business"), count, amount],
         [[r.label, r.count, r.amount] for r in report.by_kind]
         + [[_("Total"), report.orders_total.count, report.orders_total.amount]]),
        (_("Business volume by hall"), [_("service hall"), count, amount],
         [[r.label, r.count, r.amount] for r in report.by_hall]),
        (_("Business volume by month") if report.monthly else _("Business volume by day"),
         [_("period"), count, amount], [[r.label, r.count, r.amount] for r in report.by_period]),
        (_("Staff productivity"), [_("sales rep"), count, amount, _("average handling time (minutes)")],
         [[r.label, r.orders, r.amount, r.minutes if r.minutes is not None else ""] for r in report.productivity]),
        (_("Revenue by fee type"), [_("fee type"), _("entries"), amount],
         [[r.label, r.count, r.amount] for r in report.revenue]
         + [[_("Total"), report.revenue_total.count, report.revenue_total.amount]]),
        (_("Money taken by payment method"), [_("payment method"), count, amount],
         [[r.label, r.count, r.amount] for r in report.payments]
         + [[_("Total"), report.payments_total.count, report.payments_total.amount]]),
        (_("Bills, collection and arrears"), [_("figure"), _("value")], [
            [_("bills"), report.bills], [_("billed"), report.billed], [_("bills paid"), report.paid_bills],
            [_("paid"), report.paid_total],
            [_("collection rate (%)"), report.collection_rate if report.collection_rate is not None else ""],
            [_("open arrears cases"), report.arrears_open],
            [_("lines suspended for arrears"), report.arrears_suspended],
            [_("pre-cancellations"), report.precancel], [_("re-opened (retained)"), report.reopened],
            [_("retention rate (%)"), report.retention_rate if report.retention_rate is not None else ""],
        ]),
    ]
    header = [_("tickets"), _("served"), _("no-shows"), _("VIP share (%)"), _("average wait (min)"),
              _("average service (min)")]
    out.append((_("Malicious-user tracing by day and hall"),
                [_("usage day"), _("service hall"), _("suspects"), _("confirmed"), _("dismissed"), _("to review")],
                [[r["day"].isoformat(), r["hall__name"], r["total"], r["confirmed"], r["dismissed"], r["pending"]]
                 for r in report.tracing]))
    for title, rows in report.queue.sections():
        out.append((title, ["", *header], [[r.label, *queue_cells(r)] for r in rows]
                    + ([[_("All tickets"), *queue_cells(report.queue.total)]] if report.queue.total else [])))
    return out


def queue_cells(row) -> list:
    return [row.tickets, row.served, row.no_shows, _blank(row.vip_share), _blank(row.avg_wait_minutes),
            _blank(row.avg_service_minutes)]


def _blank(value):
    return "" if value is None else value


def report_csv(report: BusinessReport) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([_("Business report"), report.scope.date_from.isoformat(), report.scope.date_to.isoformat(),
                     report.hall.name if report.hall else _("All halls")])
    for title, header, rows in sections(report):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return "\ufeff" + buf.getvalue()   # a BOM, so Excel opens the Chinese as UTF-8


def report_xlsx(report: BusinessReport) -> bytes:
    """One sheet per section with a bar chart of its first numeric column (openpyxl's own charts)."""
    from openpyxl import Workbook

    from boss.charts import xlsx_sheet

    book = Workbook()
    book.remove(book.active)
    for n, (title, header, rows) in enumerate(sections(report), start=1):
        body = [r for r in rows if r and r[0] not in (_("Total"), _("All tickets"))]
        # the queue's sheets chart the average wait; the bills' figures are no series
        xlsx_sheet(book, f"{n} {title}", header, rows, chart_column=None if n == 7 else 6 if n > 7 else 2,
                   charted=len(body), anchor="I2" if n > 7 else "E2")
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------------
# Charts and the printed report (the screen, the direct print and the background job share them)
# --------------------------------------------------------------------------------------------------


def chart_data(report: BusinessReport) -> dict:
    """What the screen's charts draw (json_script): labels and values, no codes."""
    waits = [(r.label, float(r.avg_wait_minutes)) for r in report.queue.by_hour if r.avg_wait_minutes is not None]
    return {
        "kinds": {"labels": [r.label for r in report.by_kind], "values": [r.count for r in report.by_kind]},
        "period": {"labels": [r.label for r in report.by_period], "values": [r.count for r in report.by_period]},
        "revenue": [{"name": r.label, "value": float(r.amount)} for r in report.revenue if r.amount > 0],
        "queue": {"labels": [w[0] for w in waits], "values": [w[1] for w in waits]},
        "titles": {"kinds": _("Business volume by type"), "period": _("Business volume by month") if report.monthly
                   else _("Business volume by day"), "revenue": _("Revenue by fee type"),
                   "queue": _("Average wait by hour taken (min)")},
    }


def report_file_name(report: BusinessReport, ext: str) -> str:
    s = report.scope
    where = report.hall.code if report.hall else "all"
    return f"yewu-{where}-{s.date_from:%Y%m%d}-{s.date_to:%Y%m%d}.{ext}"


def report_pdf(report: BusinessReport, *, printed_by) -> bytes:
    """The printed report: the tables and pygal charts (SVG) in the CJK font."""
    from django.utils import timezone

    from boss.charts import bar_svg, data_uri, line_svg, pie_svg
    from boss.pdf import render_pdf

    charts = chart_data(report)
    images = {
        "kinds": data_uri(bar_svg(charts["titles"]["kinds"], charts["kinds"]["labels"], charts["kinds"]["values"]))
        if report.by_kind else None,
        "period": data_uri(line_svg(charts["titles"]["period"], charts["period"]["labels"],
                                    charts["period"]["values"])) if len(report.by_period) > 1 else None,
        "queue": data_uri(bar_svg(charts["titles"]["queue"], charts["queue"]["labels"], charts["queue"]["values"],
                                  horizontal=False)) if charts["queue"]["labels"] else None,
        "revenue": data_uri(pie_svg(charts["titles"]["revenue"], [r["name"] for r in charts["revenue"]],
                                    [r["value"] for r in charts["revenue"]])) if charts["revenue"] else None,
    }
    return render_pdf("reports/business_pdf.html", {"report": report, "images": images, "now": timezone.localtime(),
                                                   "printed_by": printed_by})
