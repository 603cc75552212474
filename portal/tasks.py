from celery import shared_task

from portal.services.cleanup import portal_records_prune


@shared_task(name="portal.tasks.portal_records_prune")
def portal_records_prune_task() -> dict[str, int]:
    """Beat job (boss/celery.py): delete expired SMS codes, old sign-in failures, dead API tokens and expired
    sessions. Safe to run twice."""
    pruned = portal_records_prune()
    return {"codes": pruned.codes, "failures": pruned.failures, "tokens": pruned.tokens}
