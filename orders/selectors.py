"""Reads for the counter processes: orders, the line and documents at the counter, the customer served,
and the returning customer's priority (retention attempts are this app's)."""

from datetime import timedelta

from django.db.models import Prefetch
from django.utils import timezone

from billing.models import Document
from boss.permissions import actor_spans_halls, get_for_actor
from boss.prepared import Prepared
from boss.tariffs import tariff
from customers.models import Line
from customers.selectors import LINE_RELATED, line_get_by_msisdn
from inventory.selectors import ReturnPriority
from orders.models import Order, OrderLine, RetentionAttempt
from provisioning.models import WorkOrder


def return_priority_latest(*, customer) -> ReturnPriority | None:
    """The customer's latest priority, live or expired: a retention attempt that gave it, for a line that
    has since been cancelled or is pending cancellation (a line re-opened since gives none). The customer is
    matched by their identity document (a customer is one document)."""
    attempt = (RetentionAttempt.objects.filter(customer__identity_id=customer.identity_id, priority_on_return=True,
                                               accepted=False,
                                               line__status__in=[Line.Status.PENDING_CANCELLATION,
                                                                 Line.Status.CANCELLED])
               .select_related("line").order_by("-created_at", "-pk").first())
    if attempt is None:
        return None
    left_on = timezone.localdate(attempt.created_at)
    return ReturnPriority(left_on=left_on, until=left_on + timedelta(days=tariff("number.return_priority_days")),
                          msisdn=attempt.line.msisdn)


# --------------------------------------------------------------------------------------------------
# Orders, lines and documents at the counter
# --------------------------------------------------------------------------------------------------


_ORDER_LINES = Prepared(lambda order: OrderLine.objects.filter(order_id=order), int)


def order_lines(*, order_id: int) -> list[OrderLine]:
    """An order's fee lines in their order, by a read compiled once per process (boss/prepared.py): every opening
    reads them at its pre-input's answer and at its payment (issue 20)."""
    return _ORDER_LINES(order_id)


def order_get_for_actor(*, actor, pk: int):
    """An order of the actor's hall (or any hall for roles that span halls), with its fee lines, payment
    documents and work orders loaded (a fixed number of queries)."""
    qs = (Order.objects.select_related("customer__identity", "line", "payment", "hall", "actor", "agent")
          .prefetch_related("lines", Prefetch("payment__documents", queryset=Document.objects.select_related("hall"))))
    order = get_for_actor(qs, actor, pk=pk)
    order.work_orders = list(WorkOrder.objects.filter(reference=order.reference).order_by("id"))
    # Every document the order issued: its payment's, and those of a settlement (refunds, red letters).
    order.documents = list(Document.objects.filter(reference=order.reference).select_related("hall").order_by("id"))
    return order


_ORDER_OF_HALL = Prepared(lambda hall, pk: Order.objects.select_related("customer__identity")
                          .filter(hall_id=hall, pk=pk).order_by(), int, int)


def order_get_to_pay(*, actor, pk: int):
    """An order of the actor's hall (or any hall for roles that span halls) as the payment needs it: its
    customer's identity (asked about before any lock), nothing else (the payment reads the rest under lock).
    A rep's own hall's order is read by a statement compiled once per process (every opening's payment)."""
    if actor.is_authenticated and actor.hall_id is not None and not actor_spans_halls(actor):
        found = _ORDER_OF_HALL(actor.hall_id, int(pk))
        if found:
            return found[0]
    return get_for_actor(Order.objects.select_related("customer__identity"), actor, pk=pk)  # and its refusal


def line_get_by_msisdn_for_actor(*, actor, msisdn: str, related: tuple[str, ...] = LINE_RELATED) -> Line:
    """The line of a number for the counter, at any hall: fees are collected everywhere."""
    return line_get_by_msisdn(msisdn=msisdn, related=related)


def document_get_for_actor(*, actor, pk: int):
    return get_for_actor(Document.objects.select_related("hall", "customer", "actor", "payment", "reversal_of"),
                         actor, pk=pk)
