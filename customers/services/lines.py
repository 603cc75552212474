"""Creating a line under the per-identity limit (一证五号, process 1.3, domain-rules A2).

The count and the insert happen under one lock on the owner's CustomerIdentity row (unique per type
and number), so openings for one identity at different halls queue behind each other and the limit
cannot be passed by two counters that both saw "4". The group's national count (other provinces, other
operators) is asked before the lock: it is network I/O, and it fails closed.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.locks import lock_by_key
from boss.models import Staff
from boss.permissions import ensure_same_hall
from boss.tariffs import tariff
from customers.errors import (
    IdentityLineLimitError,
    NationalCapError,
    NationalCountUnavailableError,
    NumberInUseError,
    PlanNotAvailableError,
)
from customers.identity import iccid_normalize, msisdn_normalize
from customers.models import CustomerIdentity, Line
from customers.national import NationalCount, identity_national_count
from customers.passwords import (
    service_password_check,
    service_password_hash,
    service_password_rehash,
    service_password_stale,
)
from customers.selectors import line_count_for_identity

log = logging.getLogger(__name__)


def counted_line_states() -> tuple[str, ...]:
    """The line states that count towards the limit (tariff identity.counted_line_states).

    A name that is not a line state is ignored and logged: it cannot count anything.
    """
    configured = tariff("identity.counted_line_states")
    known = tuple(s for s in configured if s in Line.Status.values)
    if len(known) != len(configured):
        log.warning("identity.counted_line_states names unknown states: %s", set(configured) - set(known))
    return known


@transaction.atomic
def line_create(*, actor: Staff, customer, account, plan, msisdn: str, hall, iccid: str = "",
                service_password: str = "",
                national: NationalCount | None = None) -> Line:
    """Create a line (awaiting activation) for a customer, within the per-identity limit.

    Called by the opening process inside its own commit transaction. Rules: the actor acts for `hall`;
    the plan is on sale today; the identity holds fewer than tariff identity.max_lines lines in the
    states of tariff identity.counted_line_states, counting this province (under the identity lock) and
    the group's other provinces; with tariff identity.national_cap_enabled, fewer than
    identity.national_cap across all operators; the number has no other live line; a service password,
    when given, is not trivial (it is stored hashed).

    `national` is the group's answer when the caller asked already (`identity_national_count`, before
    taking its own locks); otherwise it is asked here, before this service's lock.

    Raises BadMobileNumberError, BadIccidError, NotPermitted, PlanNotAvailableError,
    NationalCountUnavailableError, IdentityLineLimitError, NationalCapError, NumberInUseError,
    ServicePasswordError.
    """
    msisdn = msisdn_normalize(msisdn)
    iccid = iccid_normalize(iccid) if iccid else ""
    ensure_same_hall(actor=actor, hall_id=hall.pk)
    today = timezone.localdate()
    if plan.valid_from > today or (plan.valid_until is not None and plan.valid_until < today):
        raise PlanNotAvailableError(plan=plan.code)
    password_hash = (service_password_hash(service_password, identity_number=customer.identity.number)
                     if service_password else "")
    if national is None:
        national = identity_national_count(identity=customer.identity)

    identity = lock_by_key(CustomerIdentity, customer.identity_id)
    local = line_count_for_identity(identity=identity, states=counted_line_states())
    limit = tariff("identity.max_lines")
    held = local + national.other_provinces
    if held >= limit:
        raise IdentityLineLimitError(
            _("This identity already holds %(held)s lines with this operator (at most %(limit)s): no new line "
              "can be opened. Lines in other provinces count too.") % {"held": held, "limit": limit},
            held=held, limit=limit, local=local, other_provinces=national.other_provinces)
    if tariff("identity.national_cap_enabled"):
        if national.other_operators is None:
            raise NationalCountUnavailableError()
        cap = tariff("identity.national_cap")
        if held + national.other_operators >= cap:
            raise NationalCapError(held=held + national.other_operators, limit=cap)

    line = Line(msisdn=msisdn, customer=customer, account=account, plan=plan, iccid=iccid, hall=hall,
                service_password=password_hash)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError:
        # one_live_line_per_msisdn: the number is live on another line.
        raise NumberInUseError(msisdn=msisdn) from None
    audit_record(actor=actor, action="line.create", target=line, hall=hall, after={
        "customer": customer.pk, "account": account.pk, "plan": plan.code, "status": line.status,
        "identity_lines": held + 1, "limit": limit,
    })
    return line


def line_service_password_set(*, line: Line, password: str) -> None:
    """Set the line's service password (6 digits, not trivial, stored hashed with the owner's identity), in
    the CALLER's transaction (the counter process locks the line, checks the documents and audits).
    Raises ServicePasswordError."""
    line.service_password = service_password_hash(password, identity_number=line.customer.identity.number)
    line.save(update_fields=["service_password", "updated_at"])


def line_service_password_check(*, line: Line, password: str) -> bool:
    """Whether `password` is the line's service password. A hash from before the keyed hash (PBKDF2) or
    under a rotated-out key is replaced by one under the current key on a successful check (its own
    statement, no audit: the password itself did not change)."""
    if not service_password_check(password, line.service_password):
        return False
    if service_password_stale(line.service_password):
        line.service_password = service_password_rehash(password)
        Line.objects.filter(pk=line.pk).update(service_password=line.service_password)
    return True
