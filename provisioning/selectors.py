from boss.permissions import get_for_actor, restrict_to_actor
from provisioning.models import WorkOrder


def work_order_list_for_actor(*, actor):
    return restrict_to_actor(WorkOrder.objects.select_related("hall", "line"), actor)


def work_order_get_for_actor(*, actor, pk: int) -> WorkOrder:
    return get_for_actor(WorkOrder.objects.select_related("hall", "line"), actor, pk=pk)
