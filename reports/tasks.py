"""Timed jobs of the reports app (beat schedule in boss/celery.py)."""

from celery import shared_task
from django.utils import timezone

from billing.services.day_close import hall_day_state
from boss.models import Hall
from boss.tariffs import tariff
from reports.models import OpenDrawerReminder


def drawers_open_remind(*, now=None) -> int:
    """After closing time (tariff day_close.closing_hour), remember every drawer of the day still open, for
    the store manager's home. Safe to run twice (one reminder per rep and day). Returns how many are new."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < tariff("day_close.closing_hour"):
        return 0
    day, made = now.date(), 0
    for hall in Hall.objects.filter(active=True).order_by("pk"):
        for person in hall_day_state(hall=hall, day=day).open_staff:
            _reminder, created = OpenDrawerReminder.objects.get_or_create(staff=person, day=day,
                                                                          defaults={"hall": hall})
            made += created
    return made


@shared_task(name="reports.tasks.drawers_open_remind")
def drawers_open_remind_task() -> int:
    return drawers_open_remind()


@shared_task(name="reports.tasks.summaries_build")
def summaries_build_task() -> int:
    """Nightly: the summary tables of the last days (reports.summaries), each day in its own transaction, then
    the bills, collection and arrears counts."""
    from reports.summaries import bill_arrears_build, summaries_build

    return summaries_build() + bill_arrears_build()


@shared_task(name="reports.tasks.report_job_run")
def report_job_run_task(job_id: int) -> bool:
    """A long report's file (reports.jobs); safe to run twice."""
    from reports.jobs import report_job_run

    return report_job_run(job_id=job_id) is not None
