"""Timed jobs of the partners app."""

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from partners.services.tracing import tracing_run


@shared_task(name="partners.tasks.tracing_nightly")
def tracing_nightly(day: str | None = None) -> dict:
    """Malicious-user tracing over yesterday's usage (or the given ISO day); safe to run twice."""
    target = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    run = tracing_run(day=target)
    return {"day": run.day.isoformat(), "records": run.records, "suspects": run.suspects}
