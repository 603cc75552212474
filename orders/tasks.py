"""Timed jobs of the number pool (architecture decision 6). Each is safe to run twice and beside the
counters: rows locked right now are skipped and picked up by the next run."""

from celery import shared_task

from boss.permissions import system_actor
from orders.services.numbers import number_reservations_expire_due, numbers_thaw_due
from orders.services.precancel import lines_mark_cancellation_due


@shared_task(name="orders.tasks.number_reservations_expire")
def number_reservations_expire() -> int:
    """Close lapsed reservations (reads already treat them as free; this tidies the rows)."""
    return number_reservations_expire_due(actor=system_actor())


@shared_task(name="orders.tasks.numbers_thaw")
def numbers_thaw() -> int:
    """Return numbers whose cool-down is over to the free pool."""
    return numbers_thaw_due(actor=system_actor())


@shared_task(name="orders.tasks.lines_cancellation_due")
def lines_cancellation_due() -> int:
    """Mark pre-cancelled lines whose window has ended as due for formal cancellation."""
    return lines_mark_cancellation_due(actor=system_actor())


@shared_task(name="orders.tasks.numbers_regrade")
def numbers_regrade_task() -> int:
    """Grade the free numbers again after a change to the grade table (started from the admin)."""
    from orders.services.stock import numbers_regrade

    return numbers_regrade(actor=system_actor()).changed
