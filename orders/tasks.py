"""Timed jobs of the counter processes (architecture decision 6). Each is safe to run twice and beside the
counters: rows locked right now are skipped and picked up by the next run."""

from celery import shared_task

from boss.permissions import system_actor
from orders.services.drafts import line_drafts_expire
from orders.services.plan_change import plan_changes_apply
from orders.services.precancel import lines_mark_cancellation_due


@shared_task(name="orders.tasks.lines_cancellation_due")
def lines_cancellation_due() -> int:
    """Mark pre-cancelled lines whose window has ended as due for formal cancellation."""
    return lines_mark_cancellation_due(actor=system_actor())




@shared_task(name="orders.tasks.plan_changes_apply")
def plan_changes_due() -> int:
    """Apply the plan changes whose day has come (the month's turn); once each, however often it runs."""
    return plan_changes_apply(actor=system_actor())


@shared_task(name="orders.tasks.line_drafts_expire")
def line_drafts_expired() -> int:
    """Cancel the drafts of processes on a line never committed (issue 16): they took nothing; their input
    is erased."""
    return line_drafts_expire(actor=system_actor())
