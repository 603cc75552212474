"""Timed jobs of the number pool (architecture decision 6). Each is safe to run twice and beside the
counters: rows locked right now are skipped and picked up by the next run."""

from celery import shared_task

from boss.permissions import system_actor
from inventory.services.numbers import number_reservations_expire_due, numbers_thaw_due
from inventory.services.stock import numbers_regrade


@shared_task(name="inventory.tasks.number_reservations_expire")
def number_reservations_expire() -> int:
    """Close lapsed reservations (reads already treat them as free; this tidies the rows)."""
    return number_reservations_expire_due(actor=system_actor())


@shared_task(name="inventory.tasks.numbers_thaw")
def numbers_thaw() -> int:
    """Return numbers whose cool-down is over to the free pool."""
    return numbers_thaw_due(actor=system_actor())


@shared_task(name="inventory.tasks.numbers_regrade")
def numbers_regrade_task() -> int:
    """Grade the free numbers again after a change to the grade table (started from the admin)."""
    return numbers_regrade(actor=system_actor()).changed


# The names these jobs had while the number pool lived in orders: a message queued under one of them before
# an upgrade is still run by a worker of this version (a regrade the admin asked for is not lost).
for _old_name, _task in (("orders.tasks.number_reservations_expire", number_reservations_expire),
                         ("orders.tasks.numbers_thaw", numbers_thaw),
                         ("orders.tasks.numbers_regrade", numbers_regrade_task)):
    shared_task(name=_old_name)(_task.run)
