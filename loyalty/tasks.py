from celery import shared_task

from boss.permissions import system_actor
from loyalty.services.redemptions import redemptions_expire


@shared_task(name="loyalty.tasks.redemptions_expire")
def redemptions_expire_task() -> int:
    """Beat job (boss/celery.py): close the room's confirmations past their deadline and cancel the online
    orders not collected in time. Safe to run twice."""
    return redemptions_expire(actor=system_actor())
