from celery import shared_task

from boss.outbox import nudge_taken
from provisioning.services import work_orders_run, work_orders_sweep


@shared_task(name="provisioning.tasks.provisioning_dispatch")
def provisioning_dispatch() -> int:
    """Execute every ready work order (nudged after each commit; also on the beat schedule)."""
    nudge_taken(provisioning_dispatch)
    return work_orders_run()


@shared_task(name="provisioning.tasks.provisioning_sweep")
def provisioning_sweep() -> int:
    return work_orders_sweep()
