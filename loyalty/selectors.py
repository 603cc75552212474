"""Reads of the redemption screens, scoped to the actor's hall (the big-customer room sees every hall)."""

from django.db.models import QuerySet

from boss.permissions import get_for_actor, restrict_to_actor
from loyalty.models import Redemption

_RELATED = ("hall", "actor", "customer__identity", "line", "gift", "agent", "answered_by")


def redemption_list_for_actor(*, actor) -> QuerySet:
    return restrict_to_actor(Redemption.objects.select_related(*_RELATED).defer("gift__picture"), actor)


def redemption_get_for_actor(*, actor, pk: int) -> Redemption:
    return get_for_actor(Redemption.objects.select_related(*_RELATED).defer("gift__picture"), actor, pk=pk)


def confirmations_open(*, actor) -> list[Redemption]:
    """The big-customer room's worklist: requests waiting for its answer, the most urgent first."""
    return list(redemption_list_for_actor(actor=actor).filter(state=Redemption.State.AWAITING_ROOM)
                .order_by("confirm_deadline", "pk"))


def orders_to_collect(*, actor, customer=None) -> list[Redemption]:
    """Gifts ordered online waiting at the actor's hall (every hall for the big-customer room), the soonest
    due first; `customer`: that customer's only."""
    rows = redemption_list_for_actor(actor=actor).filter(state=Redemption.State.ORDERED)
    if customer is not None:
        rows = rows.filter(customer=customer)
    return list(rows.order_by("pickup_until", "pk")[:100])
