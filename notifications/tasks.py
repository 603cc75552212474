from celery import shared_task
from django.conf import settings

from boss.outbox import nudge_taken
from notifications.services import notifications_receive_receipts, notifications_run, notifications_sweep


@shared_task(name="notifications.tasks.notifications_dispatch")
def notifications_dispatch() -> int:
    """Send every queued text message (nudged after each commit; also on the beat schedule)."""
    nudge_taken(notifications_dispatch)
    return notifications_run()


@shared_task(name="notifications.tasks.notifications_sweep")
def notifications_sweep_task() -> int:
    return notifications_sweep()


@shared_task(name="notifications.tasks.notifications_receipts")
def notifications_receipts() -> int:
    """Listen for the SMS centre's delivery receipts for a while (BOSS_SMS_RECEIPT_SECONDS; beat every minute)."""
    return notifications_receive_receipts(seconds=settings.BOSS_SMS_RECEIPT_SECONDS)
