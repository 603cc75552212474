from celery import shared_task

from boss.permissions import system_actor
from customers.services.retention import identities_purge_due


@shared_task(name="customers.tasks.identities_purge")
def identities_purge() -> int:
    """Nightly: erase the personal data of customers whose retention period after service is over."""
    return identities_purge_due(actor=system_actor())
