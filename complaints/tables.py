"""Tables of the complaint screens. VIP customers' rows are marked and, in the queues, always first."""

from datetime import timedelta

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.lists import DateTimeColumn
from boss.masking import name_for
from boss.tariffs import tariff
from complaints.models import Complaint, ComplaintStep, Escalation

STATUS_TONE = {
    Complaint.Status.TO_REVIEW: "warn", Complaint.Status.DISPATCHED: "neutral", Complaint.Status.REPLIED: "warn",
    Complaint.Status.ANSWERED: "ok", Complaint.Status.CLOSED: "ok",
}


def _badge(text, tone):
    return format_html('<span class="badge badge-{}">{}</span>', tone, text)


def _due(value, *, closed=False):
    """A due time, marked overdue, or due soon within `complaint.due_soon_hours` so that the step is
    taken before it escalates (the tariff is cached: one read per table, not per row)."""
    if value is None:
        return "—"
    text = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if closed:
        return text
    now = timezone.now()
    if value < now:
        return format_html('{} <span class="badge badge-bad">{}</span>', text, _("overdue"))
    if value <= now + timedelta(hours=tariff("complaint.due_soon_hours")):
        return format_html('{} <span class="badge badge-warn">{}</span>', text, _("due soon"))
    return text


def _vip_row(record):
    return "vip" if getattr(record, "is_vip", False) else ""


def _number_link(complaint, vip):
    link = format_html('<a href="{}">{}</a>', reverse("complaints:complaint_detail", args=[complaint.pk]),
                       complaint.number)
    return format_html("{} {}", link, _badge(_("VIP"), "vip")) if vip else link


class ComplaintTable(tables.Table):
    number = tables.Column(verbose_name=_("complaint number"))
    received_at = DateTimeColumn(verbose_name=_("received at"), format="Y-m-d H:i")
    channel = tables.Column(verbose_name=_("channel"))
    category = tables.Column(verbose_name=_("category"), order_by=("category__code",))
    caller = tables.Column(verbose_name=_("customer"), empty_values=(), orderable=False)
    line = tables.Column(verbose_name=_("mobile number"), order_by=("line__msisdn",))
    status = tables.Column(verbose_name=_("status"))
    department = tables.Column(verbose_name=_("handling department"), order_by=("department__code",))
    answer_due_at = tables.Column(verbose_name=_("answer due by"))

    class Meta:
        model = Complaint
        fields = ["number", "received_at", "channel", "category", "caller", "line", "status", "department",
                  "answer_due_at"]
        attrs = {"class": "table"}
        row_attrs = {"class": _vip_row}
        empty_text = _("No complaints match these filters. File a new one from the navigation on the left.")

    def render_number(self, record):
        return _number_link(record, getattr(record, "is_vip", False))

    def render_caller(self, record):
        return name_for(getattr(getattr(self, "request", None), "user", None), record.caller_display) or "—"

    def render_status(self, record):
        return _badge(record.get_status_display(), STATUS_TONE.get(record.status, "neutral"))

    def render_answer_due_at(self, record):
        return _due(record.answer_due_at, closed=record.answered_at is not None or not record.is_open)


class QueueTable(tables.Table):
    """Open steps of one stage: VIP customers first, then the chosen order (due time by default)."""

    complaint = tables.Column(verbose_name=_("complaint number"), orderable=False)
    category = tables.Column(verbose_name=_("category"), accessor="complaint__category", orderable=False)
    severity = tables.Column(verbose_name=_("severity"), accessor="complaint__severity", orderable=False)
    caller = tables.Column(verbose_name=_("customer"), empty_values=(), orderable=False)
    round = tables.Column(verbose_name=_("round"), attrs={"td": {"class": "num"}}, orderable=False)
    opened_at = DateTimeColumn(verbose_name=_("waiting since"), format="Y-m-d H:i")
    due_at = tables.Column(verbose_name=_("due by"))
    answer_due_at = tables.Column(verbose_name=_("answer due by"), accessor="complaint__answer_due_at")

    class Meta:
        model = ComplaintStep
        fields = ["complaint", "category", "severity", "caller", "round", "opened_at", "due_at", "answer_due_at"]
        attrs = {"class": "table", "data-testid": "queue"}
        row_attrs = {"class": _vip_row}
        empty_text = _("Nothing in this queue. Well done.")
        order_by = "due_at"

    def _ordered(self, queryset, field, is_descending):
        return queryset.order_by("-is_vip", f"-{field}" if is_descending else field, "pk"), True

    def order_due_at(self, queryset, is_descending):
        return self._ordered(queryset, "due_at", is_descending)

    def order_opened_at(self, queryset, is_descending):
        return self._ordered(queryset, "opened_at", is_descending)

    def order_answer_due_at(self, queryset, is_descending):
        return self._ordered(queryset, "complaint__answer_due_at", is_descending)

    def render_complaint(self, record):
        return _number_link(record.complaint, record.is_vip)

    def render_severity(self, record):
        complaint = record.complaint
        tone = "neutral" if complaint.severity == Complaint.Severity.NORMAL else "bad"
        return _badge(complaint.get_severity_display(), tone)

    def render_caller(self, record):
        return name_for(getattr(getattr(self, "request", None), "user", None),
                        record.complaint.caller_display) or "—"

    def render_due_at(self, record):
        return _due(record.due_at)

    def render_answer_due_at(self, record):
        return _due(record.complaint.answer_due_at)


class EscalationTable(tables.Table):
    complaint = tables.Column(verbose_name=_("complaint number"), accessor="step__complaint", orderable=False)
    stage = tables.Column(verbose_name=_("stage"), accessor="step__stage", orderable=False)
    department = tables.Column(verbose_name=_("department"), accessor="step__department", orderable=False)
    due_at = tables.Column(verbose_name=_("due by"), accessor="step__due_at", orderable=False)
    escalated_at = DateTimeColumn(verbose_name=_("escalated at"), format="Y-m-d H:i", orderable=False)
    level = tables.Column(verbose_name=_("escalated to"), orderable=False)
    state = tables.Column(verbose_name=_("step"), empty_values=(), orderable=False)
    acknowledge = tables.TemplateColumn(template_name="complaints/_acknowledge_cell.html", verbose_name="",
                                        orderable=False)

    class Meta:
        model = Escalation
        fields = ["complaint", "stage", "department", "due_at", "escalated_at", "level", "state", "acknowledge"]
        attrs = {"class": "table", "data-testid": "escalations"}
        row_attrs = {"class": _vip_row}
        empty_text = _("No overdue complaints are waiting for you.")

    def render_complaint(self, record):
        return _number_link(record.step.complaint, record.is_vip)

    def render_stage(self, record):
        return record.step.get_stage_display()

    def render_due_at(self, record):
        return _due(record.step.due_at, closed=not record.step.is_open)

    def render_state(self, record):
        if record.step.is_open:
            return _badge(_("still open"), "bad")
        return _badge(_("done"), "ok")
