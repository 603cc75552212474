"""The order's links to the minimum-spend commitments it started and ended."""

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
