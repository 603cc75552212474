"""The Celery application and the beat schedule (kept in code, architecture decision 6).

Every timed job is safe to run twice and to be killed mid-way: each one claims its rows with
SKIP LOCKED and handles each item in its own service call.
"""

import os

from celery import Celery
from celery.schedules import crontab  # noqa: F401  (used by the schedules the later apps add)
from celery.signals import after_setup_logger, after_setup_task_logger, task_postrun, task_prerun

# Safe by default: the production settings (DEBUG off) unless DJANGO_SETTINGS_MODULE says otherwise
# (`make run` sets boss.settings.local for its worker and beat).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.production")

app = Celery("boss")


def _mask_worker_logs(*args, **kwargs):
    """Celery sets up its own handlers when a worker or beat starts: they get the masking filter too."""
    from boss.logging import mask_every_handler

    mask_every_handler()


after_setup_logger.connect(_mask_worker_logs, weak=False)
after_setup_task_logger.connect(_mask_worker_logs, weak=False)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A worker's database connections live as a request's do. Celery's Django fixup closes every connection before
# and after each task unless DB_REUSE_MAX is set, so each task started a PostgreSQL session of its own (a backend
# process started, its caches cold, the connection set up): most of a work order's cost in the worker. With it
# set, the fixup closes them only every DB_REUSE_MAX tasks; around each task, Django's close_old_connections closes
# one that is past CONN_MAX_AGE or had an error, and CONN_HEALTH_CHECKS tries a reused one before its first query.
app.conf.CELERY_DB_REUSE_MAX = 1000


def _close_old_connections(sender=None, **kwargs):
    if not getattr(sender.request, "is_eager", False):   # an eager task runs inside its caller's transaction
        from django.db import close_old_connections

        close_old_connections()


task_prerun.connect(_close_old_connections, weak=False)
task_postrun.connect(_close_old_connections, weak=False)

# name -> {"task": dotted path, "schedule": seconds or crontab}
app.conf.beat_schedule = {
    # Orders: lapsed number reservations are tidied every minute (reads already see them as free);
    # numbers whose cool-down is over return to the pool hourly.
    "number-reservations-expire": {"task": "inventory.tasks.number_reservations_expire", "schedule": 60.0},
    "numbers-thaw": {"task": "inventory.tasks.numbers_thaw", "schedule": crontab(minute=5)},
    "idempotency-keys-prune": {"task": "boss.tasks.idempotency_keys_prune", "schedule": crontab(hour=3, minute=15)},
    # The outbox safety net: commits nudge a worker at once; this catches nudges lost with the broker.
    "provisioning-dispatch": {"task": "provisioning.tasks.provisioning_dispatch", "schedule": 15.0},
    "provisioning-sweep": {"task": "provisioning.tasks.provisioning_sweep", "schedule": 30.0},
}

# Notifications: commits nudge a worker at once; this catches nudges lost with the broker, and returns
# text messages whose worker died mid-send.
app.conf.beat_schedule["notifications-dispatch"] = {
    "task": "notifications.tasks.notifications_dispatch", "schedule": 30.0}
app.conf.beat_schedule["notifications-sweep"] = {"task": "notifications.tasks.notifications_sweep", "schedule": 60.0}
# The real SMS centre's delivery receipts (a receiver session of BOSS_SMS_RECEIPT_SECONDS each minute; nothing
# to do on the simulated gateway). A run not started within the minute is dropped, not queued up.
app.conf.beat_schedule["notifications-receipts"] = {
    "task": "notifications.tasks.notifications_receipts", "schedule": 60.0, "options": {"expires": 55}}

# Complaints: overdue steps are escalated within five minutes of their due time.
app.conf.beat_schedule["complaint-steps-escalate"] = {
    "task": "complaints.tasks.complaint_steps_escalate_overdue", "schedule": 300.0}

# Orders: pre-cancelled lines whose window has ended are marked due for formal cancellation each night.
app.conf.beat_schedule["lines-cancellation-due"] = {
    "task": "orders.tasks.lines_cancellation_due", "schedule": crontab(hour=0, minute=20)}

# Partners: malicious-user tracing over yesterday's usage records, after the night's usage files are in.
app.conf.beat_schedule["tracing-nightly"] = {
    "task": "partners.tasks.tracing_nightly", "schedule": crontab(hour=4, minute=10)}
app.conf.beat_schedule["commission-rates-monthly"] = {
    "task": "partners.tasks.commission_rates_monthly", "schedule": crontab(day_of_month=1, hour=0, minute=5)}

# Orders: plan changes whose day has come take effect (the month's turn), before the prepaid charges at 00:30.
app.conf.beat_schedule["line-drafts-expire"] = {
    "task": "orders.tasks.line_drafts_expire", "schedule": crontab(minute=25)}
app.conf.beat_schedule["plan-changes-apply"] = {
    "task": "orders.tasks.plan_changes_apply", "schedule": crontab(hour=0, minute=10)}

# Customers: personal data erased once the retention period after the last line ended is over (A1, A8).
app.conf.beat_schedule["identities-purge"] = {
    "task": "customers.tasks.identities_purge", "schedule": crontab(hour=2, minute=40)}

# Billing: usage rated within ten minutes of its import (the import also nudges it); prepaid lines'
# month fees taken at night; the previous month's bill run from the tariff's day on; arrears reminders
# and suspensions every quarter hour; paid bills and their points; expired points at night.
app.conf.beat_schedule.update({
    "billing-usage-rate": {"task": "billing.tasks.usage_rate_imports", "schedule": 600.0},
    "billing-prepaid-charges": {"task": "billing.tasks.prepaid_charges_sync", "schedule": crontab(hour=0, minute=30)},
    "billing-bill-run-due": {"task": "billing.tasks.bill_run_due", "schedule": crontab(hour=2, minute=0)},
    "billing-arrears-scan": {"task": "billing.tasks.arrears_scan", "schedule": 900.0},
    "billing-bills-settle": {"task": "billing.tasks.bills_settle", "schedule": 1800.0},
    "billing-points-expire": {"task": "billing.tasks.points_expire", "schedule": crontab(hour=3, minute=30)},
})

app.conf.beat_schedule["tickets-close-day"] = {
    "task": "hall.tasks.tickets_close_day", "schedule": crontab(hour=0, minute=5)}

# Reports: drawers still open after closing time are reminded on the store manager's home.
app.conf.beat_schedule["drawers-open-remind"] = {"task": "reports.tasks.drawers_open_remind", "schedule": 900.0}
# The reports' summary tables of the last days, rebuilt every night after the day's jobs (tickets closed 00:05).
app.conf.beat_schedule["reports-summaries-build"] = {
    "task": "reports.tasks.summaries_build", "schedule": crontab(hour=0, minute=40)}

# Loyalty: the big-customer room's redemption confirmations past their deadline are closed every minute, and
# gifts ordered online and not collected by their day are cancelled (points and gift back).
app.conf.beat_schedule["loyalty-redemptions-expire"] = {
    "task": "loyalty.tasks.redemptions_expire", "schedule": 60.0}
# ... and the customers whose online order's last pick-up time is near (points.pickup_reminder_hours) get a
# reminder SMS, once per order.
app.conf.beat_schedule["loyalty-pickup-reminders"] = {
    "task": "loyalty.tasks.redemption_pickup_reminders", "schedule": 300.0}

# Groups: group SMS applications still at the hall after the day they were taken are flagged (processes.md 8).
app.conf.beat_schedule["group-sms-handover-overdue"] = {
    "task": "groups.tasks.group_sms_handover_overdue_flag", "schedule": crontab(hour=0, minute=5)}
# The VPMN archive goes to the big-customer room every month on the 25th; the group SMS qualification
# documents every week (Monday).
app.conf.beat_schedule["vpmn-archive"] = {
    "task": "groups.tasks.vpmn_archive_build", "schedule": crontab(day_of_month=25, hour=1, minute=0)}
app.conf.beat_schedule["group-sms-documents"] = {
    "task": "groups.tasks.group_sms_documents_build", "schedule": crontab(day_of_week=1, hour=1, minute=15)}

# Portal: expired sign-in codes, failures past the lockout window, dead customer API tokens and expired
# sessions are deleted every hour (portal/services/cleanup.py).
app.conf.beat_schedule["portal-records-prune"] = {
    "task": "portal.tasks.portal_records_prune", "schedule": crontab(minute=25)}
