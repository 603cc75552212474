"""The audit trail: one event per service call, in the same transaction as the change."""

from typing import Any

from django.db import models

from boss.context import client_ip_var, request_id_var
from boss.models import AuditEvent


def _target_fields(target: Any) -> dict:
    if target is None:
        return {"target_type": "", "target_id": "", "target_repr": ""}
    if isinstance(target, models.Model):
        label = target._meta.label_lower
        # Models that hold personal data define audit_repr() with masked values.
        text = target.audit_repr() if hasattr(target, "audit_repr") else str(target)
        return {"target_type": label, "target_id": str(target.pk), "target_repr": text[:200]}
    return {"target_type": type(target).__name__.lower(), "target_id": "", "target_repr": str(target)[:200]}


def audit_record(*, actor, action: str, target: Any = None, before: dict | None = None,
                 after: dict | None = None, reason: str = "", hall=None, hall_id: int | None = None) -> AuditEvent:
    """Write one audit event. `before`/`after` must hold masked or non-personal values only. The hall is `hall`, or
    the hall of key `hall_id` (no row to read), else the actor's."""
    # The hall's key, not the row: reading actor.hall would cost a query when it is not loaded yet.
    if hall is not None:
        hall_id = hall.pk
    elif hall_id is None:
        hall_id = getattr(actor, "hall_id", None)
    return AuditEvent.objects.create(
        actor=actor if (actor is not None and actor.pk) else None,
        hall_id=hall_id,
        action=action,
        before=before,
        after=after,
        reason=(reason or "")[:500],
        request_id=request_id_var.get(),
        client_ip=client_ip_var.get(),
        **_target_fields(target),
    )


# The audit trail is never rewritten, so events keep the label their target's model had then. When a model
# moves to another app (the catalog and the inventory left orders, the account left billing), its former
# label is recorded here so that a target's history still finds its older events.
FORMER_LABELS: dict[str, tuple[str, ...]] = {
    **{f"catalog.{m}": (f"orders.{m}",) for m in (
        "plan", "feature", "onetimefee", "discount", "offer", "numbergrade", "numbergraderule")},
    **{f"inventory.{m}": (f"orders.{m}",) for m in (
        "numbersegment", "stockimport", "numberresource", "numberreservation", "simcard", "handsetmodel", "handset",
        "rechargecard")},
    "customers.account": ("billing.account",),
}


def audit_target_labels(label: str) -> tuple[str, ...]:
    """A model's label and the labels it had before (for reading its history)."""
    return (label, *FORMER_LABELS.get(label, ()))


def audit_list_for_target(target: models.Model):
    return AuditEvent.objects.filter(target_type__in=audit_target_labels(target._meta.label_lower),
                                     target_id=str(target.pk))
