"""Complaint statistics for managers (process 11 and 16): by channel, category, department and hall;
on-time rate per stage and per department; answered within the regulatory limit; re-dispatch rate;
satisfaction; escalations of late steps. Suggestions (a category of kind "suggestion") are counted apart and
in none of these figures. Exported as CSV and XLSX (a chart on each sheet) and printed as
PDF with the charts (pygal SVG, Chinese labels).

The period selects complaints by the day they were received (local time), and everything is counted
over those complaints' whole life, so a report of a closed month does not change when next month's
work is done on other complaints. A step counts for the on-time rate once it is decided: closed
(on time when closed by its due time) or still open past its due time (late). Open steps not yet due
are left out. Every figure is a grouped query: about ten queries whatever the period.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.models import TIMED_STAGES, Complaint, ComplaintCategory, ComplaintStep, Escalation, Stage
from complaints.selectors import complaint_scope


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int
    total: int

    @property
    def share(self) -> Decimal | None:
        return _percent(self.count, self.total)


@dataclass(frozen=True)
class RateRow:
    label: str
    hits: int
    total: int

    @property
    def rate(self) -> Decimal | None:
        return _percent(self.hits, self.total)


@dataclass
class ComplaintStatistics:
    date_from: date
    date_to: date
    total: int = 0
    suggestions: int = 0   # suggestions (建议) received in the period: counted apart, in no figure below
    by_channel: list[CountRow] = field(default_factory=list)
    by_category: list[CountRow] = field(default_factory=list)
    by_department: list[CountRow] = field(default_factory=list)
    by_hall: list[CountRow] = field(default_factory=list)
    on_time_by_stage: list[RateRow] = field(default_factory=list)
    on_time_by_department: list[RateRow] = field(default_factory=list)
    answered_in_time: RateRow | None = None
    redispatch: RateRow | None = None
    satisfaction: list[CountRow] = field(default_factory=list)
    satisfaction_rate: RateRow | None = None
    escalations: list[CountRow] = field(default_factory=list)   # late steps raised to a level, by level

    @property
    def quality(self) -> list[RateRow]:
        return [row for row in (self.answered_in_time, self.redispatch, self.satisfaction_rate) if row is not None]


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(date_from, time.min, tzinfo=tz),
            datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz))


def _counts(qs, key: str, label_of, total: int, name: str | None = None) -> list[CountRow]:
    """Rows grouped by `key` (and its display `name` column when given), largest first."""
    keys = (key, name) if name else (key,)
    rows = qs.values(*keys).annotate(n=Count("pk")).order_by("-n", key)
    return [CountRow(label_of(row[name] if name else row[key]), row["n"], total) for row in rows]


def complaint_statistics(*, actor, date_from: date, date_to: date, now: datetime | None = None) -> ComplaintStatistics:
    """The statistics of the complaints received from date_from to date_to (inclusive) that the actor
    may see (a store manager: their hall; a manager: all)."""
    now = now or timezone.now()
    start, end = _bounds(date_from, date_to)
    received = complaint_scope(Complaint.objects.filter(received_at__gte=start, received_at__lt=end), actor=actor)
    counted = received.aggregate(
        complaints=Count("pk", filter=~Q(category__kind=ComplaintCategory.Kind.SUGGESTION)),
        suggestions=Count("pk", filter=Q(category__kind=ComplaintCategory.Kind.SUGGESTION)))
    base = received.exclude(category__kind=ComplaintCategory.Kind.SUGGESTION)   # complaints only
    stats = ComplaintStatistics(date_from=date_from, date_to=date_to, total=counted["complaints"],
                                suggestions=counted["suggestions"])
    total = stats.total

    channels = dict(Complaint.Channel.choices)
    stats.by_channel = _counts(base, "channel", lambda v: str(channels.get(v, v)), total)
    stats.by_category = _counts(base, "category__code", str, total, name="category__name")
    stats.by_department = _counts(base, "department__code", lambda v: v or _("Not dispatched"), total,
                                  name="department__name")
    stats.by_hall = _counts(base, "hall__code", lambda v: v or _("No hall (hotline, back office)"), total,
                            name="hall__name")

    steps = ComplaintStep.objects.filter(complaint__in=base.values("pk"), stage__in=TIMED_STAGES)
    decided = Q(closed_at__isnull=False) | Q(due_at__lt=now)
    on_time = Q(closed_at__isnull=False, closed_at__lte=F("due_at"))
    per_stage = {row["stage"]: row for row in steps.values("stage").annotate(
        total=Count("pk", filter=decided), hits=Count("pk", filter=on_time)).order_by()}
    stats.on_time_by_stage = [
        RateRow(str(stage.label), per_stage.get(stage, {}).get("hits", 0), per_stage.get(stage, {}).get("total", 0))
        for stage in TIMED_STAGES]
    per_department = (steps.filter(stage=Stage.HANDLE).values("department__code", "department__name")
                      .annotate(total=Count("pk", filter=decided), hits=Count("pk", filter=on_time))
                      .order_by("department__code"))
    stats.on_time_by_department = [RateRow(row["department__name"], row["hits"], row["total"])
                                   for row in per_department]

    rejected = ComplaintStep.objects.filter(complaint=OuterRef("pk"), outcome=ComplaintStep.Outcome.REJECTED)
    figures = base.aggregate(
        answer_decided=Count("pk", filter=Q(answered_at__isnull=False) | Q(answer_due_at__lt=now)),
        answer_in_time=Count("pk", filter=Q(answered_at__isnull=False, answered_at__lte=F("answer_due_at"))),
        dispatched=Count("pk", filter=Q(round__gte=1)),
        redispatched=Count("pk", filter=Q(Exists(rejected))),
    )
    stats.answered_in_time = RateRow(_("Answered within the regulatory limit"), figures["answer_in_time"],
                                     figures["answer_decided"])
    stats.redispatch = RateRow(_("Re-dispatched after an ineffective reply"), figures["redispatched"],
                               figures["dispatched"])

    sat = Complaint.Satisfaction
    surveyed = dict(base.exclude(satisfaction="").values_list("satisfaction").annotate(n=Count("pk")).order_by())
    survey_total = sum(surveyed.values())
    stats.satisfaction = [CountRow(str(label), surveyed.get(value, 0), survey_total) for value, label in sat.choices]
    good = surveyed.get(sat.SATISFIED, 0) + surveyed.get(sat.FAIRLY, 0)
    reached = survey_total - surveyed.get(sat.UNREACHABLE, 0)
    stats.satisfaction_rate = RateRow(_("Satisfied or fairly satisfied (of customers reached)"), good, reached)

    raised = dict(Escalation.objects.filter(step__complaint__in=base.values("pk")).values_list("level")
                  .annotate(n=Count("pk")).order_by())
    stats.escalations = [CountRow(str(label), raised.get(level, 0), sum(raised.values()))
                         for level, label in Escalation.Level.choices]
    return stats


def statistics_csv(stats: ComplaintStatistics) -> str:
    """The statistics as CSV (UTF-8 with a byte-order mark, so that Excel opens the Chinese correctly)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Section"), _("Item"), _("Count"), _("Of"), _("Rate (%)")])
    writer.writerow([_("Period"), f"{stats.date_from.isoformat()} – {stats.date_to.isoformat()}", stats.total, "", ""])
    writer.writerow([_("Suggestions (counted apart)"), "", stats.suggestions, "", ""])

    def counts(section, rows):
        for row in rows:
            writer.writerow([section, row.label, row.count, row.total, _fmt(row.share)])

    def rates(section, rows):
        for row in rows:
            writer.writerow([section, row.label, row.hits, row.total, _fmt(row.rate)])

    counts(_("By channel"), stats.by_channel)
    counts(_("By category"), stats.by_category)
    counts(_("By department"), stats.by_department)
    counts(_("By service hall"), stats.by_hall)
    rates(_("On time by stage"), stats.on_time_by_stage)
    rates(_("On time by department"), stats.on_time_by_department)
    rates(_("Regulatory limit"), [stats.answered_in_time])
    rates(_("Re-dispatch"), [stats.redispatch])
    counts(_("Satisfaction"), stats.satisfaction)
    rates(_("Satisfaction"), [stats.satisfaction_rate])
    counts(_("Escalations"), stats.escalations)
    return out.getvalue()


def _sections(stats: ComplaintStatistics) -> list[tuple[str, list[str], list[list], str]]:
    """(title, header, rows, chart) of the charted tables: counts charted by their count, rates by their rate."""
    count, share, rate = _("Count"), _("Share (%)"), _("Rate (%)")

    def counts(title, rows):
        return (title, [_("Item"), count, share], [[r.label, r.count, _num(r.share)] for r in rows], "count")

    def rates(title, rows):
        return (title, [_("Item"), rate, _("Count"), _("Of")], [[r.label, _num(r.rate), r.hits, r.total]
                                                              for r in rows], "rate")

    return [counts(_("By category"), stats.by_category), counts(_("By department"), stats.by_department),
            counts(_("By channel"), stats.by_channel), counts(_("By service hall"), stats.by_hall),
            rates(_("On time by stage"), stats.on_time_by_stage),
            rates(_("On time by department"), stats.on_time_by_department),
            rates(_("Quality"), stats.quality), counts(_("Escalations"), stats.escalations),
            counts(_("Satisfaction"), stats.satisfaction)]


def _num(value: Decimal | None):
    return "" if value is None else value


def statistics_xlsx(stats: ComplaintStatistics) -> bytes:
    """One sheet per table with openpyxl's own chart of it (the satisfaction a pie)."""
    from openpyxl import Workbook

    from boss.charts import xlsx_sheet

    book = Workbook()
    book.remove(book.active)
    for n, (title, header, rows, _kind) in enumerate(_sections(stats), start=1):
        xlsx_sheet(book, f"{n} {title}", header, rows, pie=(title == _("Satisfaction")))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def statistics_chart_specs(stats: ComplaintStatistics) -> list[dict]:
    """The statistics' charts as data, one source for the screen (ECharts, boss/static/boss/charts.js) and the
    printed statistics (pygal): a bar chart of each table with something in it, the rates in per cent, the
    satisfaction a pie."""
    specs = []
    for title, _header, rows, kind in _sections(stats):
        values = [(str(row[0]), row[1]) for row in rows if row[1] != ""]
        if not any(v for _label, v in values):
            continue
        if title == _("Satisfaction"):
            values = [(label, v) for label, v in values if v]
            specs.append({"title": str(title), "kind": "pie", "labels": [label for label, _v in values],
                          "values": [float(v) for _label, v in values]})
        else:
            specs.append({"title": str(title) if kind == "count" else f"{title} (%)", "kind": "bar",
                          "labels": [label for label, _v in values], "values": [float(v) for _label, v in values]})
    return specs


def statistics_charts(stats: ComplaintStatistics) -> list[str]:
    """The printed statistics' charts as SVG data URIs (pygal, Chinese labels)."""
    from boss.charts import bar_svg, data_uri, pie_svg

    draw = {"bar": bar_svg, "pie": pie_svg}
    return [data_uri(draw[spec["kind"]](spec["title"], spec["labels"], spec["values"]))
            for spec in statistics_chart_specs(stats)]


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else f"{value}"
