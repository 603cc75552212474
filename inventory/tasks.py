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
