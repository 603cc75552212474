"""Long reports as background jobs (issue 15): a report over more than `LONG_DAYS` days is prepared by a
Celery job; the screen shows its progress and offers the file when it is ready (htmx polling, no reload).
A short report answers at once (reports.views.business).

- Asking: `report_job_request` makes one job per user and report at a time (a partial unique constraint):
  asking again, or a double click, while it is prepared gives the same job. The request is audited as the
  print or export it is.
- Running: `report_job_run` is safe to run twice. It takes the job with a conditional UPDATE (queued, or
  running but untouched for `STALE` because its worker died: the task is acked late, so it is delivered
  again) and counts an attempt; progress and result are written only while that attempt is the job's, so a
  second run of the task at once does nothing, and a run that lost the job to a newer attempt writes
  nothing.
"""

import hashlib
import json
import logging
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from boss.audit import audit_record
from boss.models import Hall, Staff
from reports import tasks
from reports.business import business_report, report_csv, report_file_name, report_pdf, report_scope, report_xlsx
from reports.models import ReportJob

logger = logging.getLogger(__name__)

LONG_DAYS = 92               # a report over more days than a quarter is prepared in the background
STALE = timedelta(minutes=15)
ACTIVE = (ReportJob.Status.QUEUED, ReportJob.Status.RUNNING)


def report_is_long(*, date_from: date, date_to: date) -> bool:
    return (date_to - date_from).days + 1 > LONG_DAYS


@transaction.atomic
def report_job_request(*, actor: Staff, fmt: str, date_from: date, date_to: date, hall: Hall | None = None,
                       staff: Staff | None = None) -> ReportJob:
    """Ask for the business report as a file prepared in the background (the store manager's own hall
    whatever is asked). The same report asked again while it is prepared returns that job."""
    scope, hall = report_scope(actor=actor, date_from=date_from, date_to=date_to, hall=hall, staff=staff)
    params = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(),
              "hall": hall.pk if hall else None, "staff": scope.staff_id}
    fingerprint = hashlib.sha256(json.dumps([fmt, params], sort_keys=True).encode()).hexdigest()
    existing = ReportJob.objects.filter(requested_by=actor, fingerprint=fingerprint, status__in=ACTIVE).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            job = ReportJob.objects.create(requested_by=actor, fmt=fmt, params=params, fingerprint=fingerprint)
    except IntegrityError:   # the same request at the same moment (double click): that one's job
        return ReportJob.objects.get(requested_by=actor, fingerprint=fingerprint, status__in=ACTIVE)
    audit_record(actor=actor, action="report.print" if fmt == ReportJob.Format.PDF else "report.export",
                 target=hall, after={"report": "business", "from": params["date_from"], "to": params["date_to"],
                                     "hall": hall.code if hall else "", "staff": params["staff"], "job": job.pk,
                                     "format": fmt})
    transaction.on_commit(lambda: tasks.report_job_run_task.delay(job.pk))
    return job


def report_job_run(*, job_id: int) -> ReportJob | None:
    """Prepare the job's file (see the module's docstring). Returns the job when this run prepared it, None
    when there was nothing to do (done, failed, or being prepared by another run)."""
    job = ReportJob.objects.defer("content").select_related("requested_by").filter(pk=job_id).first()
    if job is None:
        return None
    now = timezone.now()
    claimable = Q(status=ReportJob.Status.QUEUED) | Q(status=ReportJob.Status.RUNNING, started_at__lt=now - STALE)
    attempt = job.attempt + 1
    taken = ReportJob.objects.filter(claimable, pk=job.pk, attempt=job.attempt).update(
        status=ReportJob.Status.RUNNING, attempt=attempt, started_at=now, progress=0)
    if not taken:
        return None
    mine = ReportJob.objects.filter(pk=job.pk, attempt=attempt)

    def progress(done: int, steps: int) -> None:
        mine.update(progress=int(90 * done / steps), started_at=timezone.now())

    try:
        with translation.override(job.requested_by.language):
            content, name = _prepare(job, progress)
    except Exception:
        logger.exception("report job %s failed", job.pk)
        mine.update(status=ReportJob.Status.FAILED, finished_at=timezone.now())
        raise
    mine.update(status=ReportJob.Status.DONE, progress=100, content=content, file_name=name,
                finished_at=timezone.now())
    job.refresh_from_db()
    return job


def _prepare(job: ReportJob, progress) -> tuple[bytes, str]:
    p = job.params
    hall = Hall.objects.filter(pk=p["hall"]).first() if p.get("hall") else None
    staff = Staff.objects.filter(pk=p["staff"]).first() if p.get("staff") else None
    report = business_report(actor=job.requested_by, date_from=date.fromisoformat(p["date_from"]),
                             date_to=date.fromisoformat(p["date_to"]), hall=hall, staff=staff, progress=progress)
    if job.fmt == ReportJob.Format.PDF:
        content = report_pdf(report, printed_by=job.requested_by)
    elif job.fmt == ReportJob.Format.XLSX:
        content = report_xlsx(report)
    else:
        content = report_csv(report).encode("utf-8")
    return content, report_file_name(report, job.fmt)


def report_jobs_of(actor: Staff, *, limit: int = 8) -> list[ReportJob]:
    """The user's latest report files (without their content)."""
    return list(ReportJob.objects.filter(requested_by=actor).defer("content").order_by("-id")[:limit])


def report_job_for(actor: Staff, pk: int) -> ReportJob | None:
    """A job of this user (another user's job is not found)."""
    return ReportJob.objects.filter(requested_by=actor, pk=pk).defer("content").first()
