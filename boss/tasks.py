from celery import shared_task

from boss.idempotency import idempotency_keys_prune as _prune


@shared_task(name="boss.tasks.idempotency_keys_prune")
def idempotency_keys_prune() -> int:
    return _prune()
