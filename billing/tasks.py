"""Billing's Celery tasks. Each takes ids, acts as system_actor() and is safe to run twice and to be
killed (tasks are acknowledged late and re-queued when their worker dies: boss/settings/base.py)."""

from celery import shared_task
from django.utils import timezone

from billing.models import BillRun, UsageImport
from billing.services.usage import usage_import_file
from boss.months import month_add, month_start
from boss.permissions import system_actor
from boss.tariffs import tariff


@shared_task(name="billing.tasks.usage_import_run")
def usage_import_run(usage_import_id: int) -> int:
    """Import an uploaded usage file (progress is kept on the UsageImport row), then rate what came in."""
    from billing.services.rating import usage_rate_import

    usage_import = UsageImport.objects.get(pk=usage_import_id)
    if usage_import.status != UsageImport.Status.DONE:
        usage_import = usage_import_file(usage_import=usage_import)
    if usage_import.status == UsageImport.Status.DONE and usage_import.rated_at is None:
        usage_rate_import(actor=system_actor(), usage_import=usage_import)   # prepaid lines charged now
    return usage_import.imported


@shared_task(name="billing.tasks.usage_rate_imports")
def usage_rate_imports_task() -> int:
    """Rate (and charge, for prepaid lines) imports whose rating was lost (the beat's safety net)."""
    from billing.services.rating import usage_rate_imports

    return usage_rate_imports(actor=system_actor()).records


@shared_task(name="billing.tasks.bill_run_execute")
def bill_run_execute_task(run_id: int) -> str:
    from billing.services.bill_run import bill_run_execute

    run = bill_run_execute(actor=system_actor(), run=BillRun.objects.get(pk=run_id))
    return run.status


@shared_task(name="billing.tasks.bill_run_due")
def bill_run_due() -> str:
    """Daily: from the tariff's day of the month on, start (or resume) the previous month's bill run."""
    from billing.services.bill_run import bill_run_execute, bill_run_start

    today = timezone.localdate()
    if today.day < tariff("billing.bill_run_day"):
        return "not yet"
    period = month_add(month_start(today), -1)
    run = BillRun.objects.filter(period=period).first()
    if run is not None and run.status != BillRun.Status.RUNNING:
        return run.status
    run = bill_run_start(actor=system_actor(), period=period)
    return bill_run_execute(actor=system_actor(), run=run).status


@shared_task(name="billing.tasks.prepaid_charges_sync")
def prepaid_charges_sync_task() -> int:
    from billing.services.prepaid import prepaid_charges_sync

    return prepaid_charges_sync(actor=system_actor())


@shared_task(name="billing.tasks.arrears_scan")
def arrears_scan_task() -> dict:
    from billing.services.arrears import arrears_scan

    return arrears_scan(actor=system_actor()).as_dict()


@shared_task(name="billing.tasks.bills_settle")
def bills_settle_task() -> int:
    from billing.services.points import bills_settle

    return bills_settle(actor=system_actor())


@shared_task(name="billing.tasks.points_expire")
def points_expire_task() -> int:
    from billing.services.points import points_expire

    return points_expire(actor=system_actor())
