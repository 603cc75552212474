"""Customer classification (M3.x, process 14): big customers (VIP with level), blacklist, redlist.

A customer may be in several classes, each with a reason, who set it, since and until; a class is
revoked, never deleted. The blacklist refuses opening and transfer unless a manager approves
(`customer_ensure_not_blacklisted`, called by those processes inside their own transaction).
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock_by_key
from boss.models import Staff
from boss.prepared import Prepared
from boss.tariffs import tariff
from customers.errors import (
    ClassAlreadyActiveError,
    ClassAlreadyRevokedError,
    ClassConflictError,
    ClassInvalidError,
    CustomerBlacklistedError,
    OverrideNotPermittedError,
    ReasonRequiredError,
)
from customers.external_blacklist import ExternalBlacklistHit, external_blacklist_hits
from customers.models import Customer, CustomerClass
from customers.selectors import active_class_q

Kind = CustomerClass.Kind
_CONFLICTS = {Kind.BLACKLIST: Kind.REDLIST, Kind.REDLIST: Kind.BLACKLIST}


def _ensure_may_classify(actor, kind: str) -> None:
    perm = "customers.blacklist_customer" if kind == Kind.BLACKLIST else "customers.classify_customer"
    if not actor.has_perm(perm):
        raise NotPermitted(_("Your role may not change this customer class."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequiredError()
    return reason


def _overlapping(qs, since: date, until: date | None):
    """Classes not revoked whose period meets [since, until]."""
    qs = qs.filter(revoked_at__isnull=True).filter(Q(until__isnull=True) | Q(until__gte=since))
    return qs if until is None else qs.filter(since__lte=until)


@transaction.atomic
def customer_classify(*, actor: Staff, customer: Customer, kind: str, reason: str, vip_level: int | None = None,
                      since: date | None = None, until: date | None = None) -> CustomerClass:
    """Put a customer in a class from `since` (default today) until `until` (open-ended by default).

    Rules: the blacklist needs `customers.blacklist_customer`, the other classes
    `customers.classify_customer`; a reason is given; a VIP has a level from 1 to tariff
    customer.vip_max_level and other classes none; the period ends on or after it starts and not in
    the past; no overlapping class of the same kind; never blacklist and redlist at once.

    Raises NotPermitted, ReasonRequiredError, ClassInvalidError, ClassAlreadyActiveError,
    ClassConflictError.
    """
    if kind not in Kind.values:
        raise ClassInvalidError(_("Unknown customer class."), field="kind")
    _ensure_may_classify(actor, kind)
    reason = _reason(reason)
    today = timezone.localdate()
    since = since or today
    max_level = tariff("customer.vip_max_level")
    if kind == Kind.VIP:
        if vip_level is None or not 1 <= int(vip_level) <= max_level:
            raise ClassInvalidError(_("Choose a VIP level from 1 to %(max)s.") % {"max": max_level},
                                    field="vip_level", max=max_level)
    elif vip_level is not None:
        raise ClassInvalidError(_("Only big customers (VIP) have a level."), field="vip_level")
    if until is not None and until < max(since, today):
        raise ClassInvalidError(_("The end date must be today or later, and not before the start."), field="until")

    customer = lock_by_key(Customer, customer.pk)
    classes = CustomerClass.objects.filter(customer=customer)
    if _overlapping(classes.filter(kind=kind), since, until).exists():
        raise ClassAlreadyActiveError(kind=kind)
    conflicting = _CONFLICTS.get(CustomerClass.Kind(kind))
    if conflicting and _overlapping(classes.filter(kind=conflicting), since, until).exists():
        raise ClassConflictError(kind=kind)

    klass = CustomerClass.objects.create(customer=customer, kind=kind, reason=reason, since=since, until=until,
                                         vip_level=vip_level if kind == Kind.VIP else None,
                                         set_by=actor if actor.pk else None)
    audit_record(actor=actor, action="customer.classify", target=customer, reason=reason, after={
        "class_id": klass.pk, "kind": kind, "vip_level": klass.vip_level, "since": str(since),
        "until": str(until) if until else None,
    })
    return klass


@transaction.atomic
def customer_class_revoke(*, actor: Staff, customer_class: CustomerClass, reason: str) -> CustomerClass:
    """End a class now (it stays in the history with who ended it and why).

    Raises NotPermitted, ReasonRequiredError, ClassAlreadyRevokedError.
    """
    _ensure_may_classify(actor, customer_class.kind)
    reason = _reason(reason)
    customer = lock_by_key(Customer, customer_class.customer_id)
    klass = lock_by_key(CustomerClass, customer_class.pk)
    if klass.revoked_at is not None:
        raise ClassAlreadyRevokedError()
    klass.revoked_at = timezone.now()
    klass.revoked_by = actor if actor.pk else None
    klass.revoke_reason = reason
    klass.save(update_fields=["revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    audit_record(actor=actor, action="customer.class_revoke", target=customer, reason=reason,
                 before={"class_id": klass.pk, "kind": klass.kind, "vip_level": klass.vip_level})
    return klass


# Every opening and transfer asks (customer_ensure_not_blacklisted): compiled once per process, boss/prepared.py.
_BLACKLIST_CLASSES = Prepared(lambda customer, day: CustomerClass.objects.filter(
    active_class_q(day), customer_id=customer, kind=Kind.BLACKLIST).order_by("since", "pk"), int, date)


@dataclass(frozen=True)
class BlacklistCheck:
    blacklisted: bool
    overridden_by: Staff | None = None
    warnings: tuple[ExternalBlacklistHit, ...] = ()   # joint-blacklist entries that only warn


@transaction.atomic
def customer_ensure_not_blacklisted(*, actor: Staff, customer: Customer, override_by=None,
                                    reason: str = "") -> BlacklistCheck:
    """Refuse business for a customer on the blacklist unless a manager approves it (process 1.3, 5).

    For opening and transfer, inside their transaction. Our own blacklist and the joint blacklist's
    refusing entries (customers.external_blacklist: what partners sent, process 13) refuse; the joint
    blacklist's warning entries come back in `warnings`. A customer not on either passes and nothing is
    written; an approved override is audited (who asked, which manager approved, why).
    `override_by` is the approving staff user, authenticated by the caller (the manager's own login
    or their password typed at the counter); they need `customers.override_blacklist`.

    Raises CustomerBlacklistedError, OverrideNotPermittedError, ReasonRequiredError.
    """
    entries = _BLACKLIST_CLASSES(customer.pk, timezone.localdate())
    hits = external_blacklist_hits(doc_type=customer.identity.doc_type, number=customer.identity.number)
    refusing = [h for h in hits if h.refuses]
    warnings = tuple(h for h in hits if not h.refuses)
    if not entries and not refusing:
        return BlacklistCheck(blacklisted=False, warnings=warnings)
    if override_by is None:
        if entries:
            raise CustomerBlacklistedError(
                _("The customer is on the blacklist (%(reason)s). Only a manager can approve this business.")
                % {"reason": entries[0].reason}, reason=entries[0].reason)
        raise CustomerBlacklistedError(
            _("%(source)s lists this identity on the joint blacklist (%(reason)s). Only a manager can approve "
              "this business.") % {"source": refusing[0].source, "reason": refusing[0].reason},
            reason=refusing[0].reason, source=refusing[0].source)
    if not (override_by.is_active and override_by.has_perm("customers.override_blacklist")):
        raise OverrideNotPermittedError()
    reason = _reason(reason)
    audit_record(actor=actor, action="customer.blacklist_override", target=customer, reason=reason,
                 after={"override_by": override_by.username, "classes": [e.pk for e in entries],
                        "joint": [h.source for h in refusing]})
    return BlacklistCheck(blacklisted=True, overridden_by=override_by, warnings=warnings)
