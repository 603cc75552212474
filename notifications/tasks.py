from celery import shared_task

from notifications.services import notifications_run, notifications_sweep


@shared_task(name="notifications.tasks.notifications_dispatch")
def notifications_dispatch() -> int:
    """Send every queued text message (nudged after each commit; also on the beat schedule)."""
    return notifications_run()


@shared_task(name="notifications.tasks.notifications_sweep")
def notifications_sweep_task() -> int:
    return notifications_sweep()
