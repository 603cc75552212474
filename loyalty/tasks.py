from celery import shared_task

from boss.permissions import system_actor
from loyalty.services.redemptions import redemption_pickup_reminders, redemptions_expire


@shared_task(name="loyalty.tasks.redemptions_expire")
def redemptions_expire_task() -> int:
    """Beat job (boss/celery.py): close the room's confirmations past their deadline and cancel the online
    orders not collected in time. Safe to run twice."""
    return redemptions_expire(actor=system_actor())


@shared_task(name="loyalty.tasks.redemption_pickup_reminders")
def redemption_pickup_reminders_task() -> int:
    """Beat job (boss/celery.py): the reminder SMS of the online orders whose last pick-up time is near. Once per
    order, safe to run twice."""
    return redemption_pickup_reminders(actor=system_actor())
