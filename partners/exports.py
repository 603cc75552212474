"""The tracing report for the public-security partner as a bulk export (boss.exports): it lists mobile numbers
in full with what they did (personal data leaving the house), so a second person with `boss.approve_export`
approves it before the requester downloads it once; request, decision and download are audited."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _


def tracing_period(params) -> tuple[date, date]:
    """The report's period from `from` and `to` (ISO dates); the last 30 days by default or when unreadable."""
    today = timezone.localdate()
    try:
        end = date.fromisoformat(params.get("to")) if params.get("to") else today
        start = date.fromisoformat(params.get("from")) if params.get("from") else end - timedelta(30)
    except ValueError:
        start, end = today - timedelta(30), today
    return start, end


def tracing_report_rows(*, actor, params: dict):
    """Confirmed cases marked for the public-security report in the period, within the requester's scope."""
    from boss.permissions import restrict_to_actor
    from partners.models import Suspect
    from partners.tracing_views import evidence_text

    start, end = tracing_period(params)
    qs = (restrict_to_actor(Suspect.objects.select_related("hall", "reviewed_by"), actor)
          .filter(day__gte=start, day__lte=end, status=Suspect.Status.CONFIRMED, reported=True)
          .order_by("day", "msisdn"))
    header = [_("usage day"), _("mobile number"), _("rule"), _("evidence"), _("reviewed by"), _("review note")]

    def rows():
        for suspect in qs.iterator(chunk_size=500):
            yield [suspect.day.isoformat(), suspect.msisdn, suspect.get_rule_display(), evidence_text(suspect),
                   str(suspect.reviewed_by or ""), suspect.review_note]

    return header, rows()
