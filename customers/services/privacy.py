"""Revealing masked personal data (domain-rules A8, ASVS 8.3.5).

Screens, PDFs, the API and logs carry masked values. A role that needs a full value (see roles.py)
reveals one field of one customer at a time: it asks for a reason, is limited per user and hour (tariff
privacy.reveals_per_hour), and writes an audit event with the user, hall, time, client IP, customer,
field and reason, never the value itself.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from boss.audit import audit_record
from boss.errors import NotPermitted
from boss.locks import lock
from boss.models import AuditEvent, Staff
from boss.tariffs import tariff
from customers.errors import ReasonRequiredError, RevealFieldError, RevealLimitError
from customers.models import Customer
from customers.selectors import customers_visible

REVEAL_ACTION = "identity.reveal"

# field name → (label, how to read it)
REVEALABLE_FIELDS = {
    "number": (gettext_lazy("document number"), lambda c: c.identity.number),
    "address": (gettext_lazy("address on the document"), lambda c: c.identity.address),
    "contact_phone": (gettext_lazy("contact number"), lambda c: c.contact_phone),
    "contact_address": (gettext_lazy("contact address"), lambda c: c.contact_address),
}


@transaction.atomic
def identity_reveal(*, actor: Staff, customer: Customer, field: str, reason: str) -> str:
    """Return one full personal value of a customer and audit that it was shown (without the value).

    Rules: the actor holds `customers.reveal_identity`; a reason of at least tariff
    privacy.reveal_reason_min_length characters; at most tariff privacy.reveals_per_hour reveals by
    the actor in the last hour (the actor's row is locked so that parallel requests cannot pass it).

    Raises NotPermitted, RevealFieldError, ReasonRequiredError, RevealLimitError.
    """
    if not actor.has_perm("customers.reveal_identity"):
        raise NotPermitted(_("Your role may not see full personal data."))
    if field not in REVEALABLE_FIELDS:
        raise RevealFieldError()
    reason = (reason or "").strip()
    if len(reason) < max(tariff("privacy.reveal_reason_min_length"), 1):
        raise ReasonRequiredError(_("Say why you need to see the full value."))

    lock(Staff.objects.filter(pk=actor.pk)).first()
    limit = tariff("privacy.reveals_per_hour")
    recent = AuditEvent.objects.filter(actor=actor, action=REVEAL_ACTION,
                                       occurred_at__gte=timezone.now() - timedelta(hours=1)).count()
    if recent >= limit:
        raise RevealLimitError(limit=limit)

    # Another hall's customer is revealed only to the rep serving them (looked up exactly, issue 12 item 9).
    if not customers_visible(Customer.objects.filter(pk=customer.pk), actor=actor).exists():
        raise NotPermitted(_("Full personal data of another hall's customer is shown only to the rep who "
                             "looked the customer up by mobile or identity number."))
    customer = Customer.objects.select_related("identity").get(pk=customer.pk)
    value = REVEALABLE_FIELDS[field][1](customer)
    audit_record(actor=actor, action=REVEAL_ACTION, target=customer, reason=reason, after={"field": field})
    return value
