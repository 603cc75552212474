"""The order's links to what it made: the minimum-spend commitments it started and ended, the work orders
that name it in their reference."""

from boss.locks import lock_by_key
from orders.models import Order


def order_commitments_link(order: Order, *, started=None, ended=()) -> None:
    """Record on the order the minimum-spend commitment it started and the one it ended (customers'
    LineCommitment: the order holds the keys, a layer above)."""
    fields = []
    if started is not None:
        order.commitment_started = started
        fields.append("commitment_started")
    if ended:
        order.commitment_ended = ended[0]   # a line has at most one open commitment
        fields.append("commitment_ended")
    if fields:
        order.save(update_fields=[*fields, "updated_at"])


def order_lock_for_work_order(work_order) -> Order | None:
    """The order a provisioning work order was made for (its reference), locked; None for another kind of
    reference (the callers lock the line first: the one lock order)."""
    pk = Order.pk_from_reference(work_order.reference)
    if pk is None:
        return None
    try:
        return lock_by_key(Order, pk)
    except Order.DoesNotExist:
        return None
