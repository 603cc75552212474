"""Timed jobs of the partners app."""

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from boss.months import month_add
from partners.commissions import commission_rates
from partners.services.tracing import tracing_run


@shared_task(name="partners.tasks.tracing_nightly")
def tracing_nightly(day: str | None = None) -> dict:
    """Malicious-user tracing over yesterday's usage (or the given ISO day); safe to run twice."""
    target = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    run = tracing_run(day=target)
    return {"day": run.day.isoformat(), "records": run.records, "suspects": run.suspects}


@shared_task(name="partners.tasks.commission_rates_monthly")
def commission_rates_monthly(month: str | None = None) -> dict:
    """Record the commission rates of last month (or the given ISO month's first day) as they are now, on
    the 1st before anyone changes them; safe to run twice (the first record stays)."""
    target = date.fromisoformat(month) if month else month_add(timezone.localdate().replace(day=1), -1)
    per_opening, percent = commission_rates(month=target)
    return {"month": f"{target:%Y-%m}", "per_opening": str(per_opening), "recharge_percent": str(percent)}
