"""Registering customers and identities (real-name registration, C1-F3, domain-rules A1)."""

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.masking import mask, mask_address, mask_msisdn, mask_name
from boss.models import Staff
from boss.prepared import Prepared
from boss.tariffs import tariff
from customers.errors import (
    AgentMinorError,
    AgentNotPersonError,
    BadContactNumberError,
    CustomerIncompleteError,
    FieldError,
    GuardianRequiredError,
    IdentityInUseError,
    IdentityNameMismatchError,
    KindMismatchError,
)
from customers.identity import IdentityInfo, contact_phone_normalize, identity_validate
from customers.models import Customer, CustomerIdentity

_SPACES = re.compile(r"\s+")


def _clean_text(value: str | None) -> str:
    return _SPACES.sub(" ", (value or "").strip())


def _identity_checked(identity: CustomerIdentity, *, actor, check_method: str) -> None:
    identity.check_method = check_method
    identity.checked_by = actor if actor.pk else None
    identity.checked_hall = getattr(actor, "hall", None)
    identity.checked_at = timezone.now()


# Every registration locks the identity row of its document (one at most: the type and number are unique), compiled
# once per process (boss/prepared.py; issue 20).
_IDENTITY_LOCKED = Prepared(lambda doc_type, number: lock(CustomerIdentity.objects.filter(
    doc_type=doc_type, number=number).order_by("pk"))[:1], str, str)


@transaction.atomic(savepoint=False)   # its callers (services) refuse as a whole: no savepoint of its own
def _identity_bind(*, actor: Staff, info: IdentityInfo, name: str, address: str, check_method: str,
                   for_customer: bool) -> tuple[CustomerIdentity, dict | None]:
    """The identity row of (type, number): reused when it exists, created otherwise.

    Returns the row and, for a reused one, its masked state before. Raises IdentityInUseError (already a
    customer's, when `for_customer`), IdentityNameMismatchError.
    """
    identity = _IDENTITY_LOCKED.first(info.doc_type, info.number)
    if identity is None:
        identity = CustomerIdentity(doc_type=info.doc_type, number=info.number, name=name, address=address)
        _identity_checked(identity, actor=actor, check_method=check_method)
        try:
            with transaction.atomic():
                identity.save()
        except IntegrityError:
            # Another counter registered the same document a moment ago.
            raise IdentityInUseError() from None
        return identity, None
    existing = Customer.objects.filter(identity=identity).values_list("pk", flat=True).first() if for_customer else None
    if existing is not None:
        raise IdentityInUseError(customer=existing)     # the screens link to it
    if identity.name != name:
        raise IdentityNameMismatchError()
    before = {"address": mask_address(identity.address), "checked_at": str(identity.checked_at or "")}
    if address:
        identity.address = address
    _identity_checked(identity, actor=actor, check_method=check_method)
    identity.save()
    return identity, before


@transaction.atomic
def customer_create(*, actor: Staff, doc_type: str, number: str, name: str, address: str, contact_phone: str,
                    contact_address: str = "", check_method: str = CustomerIdentity.CheckMethod.CARD_READER,
                    kind: str | None = None) -> Customer:
    """Register a customer with their identity document (C1-F3).

    Rules: the data is complete (name, address, a valid document number, a contact number) before
    anything is saved; the type follows from the document; an identity is created, or reused by
    (type, number) when it is on record without a customer (an agent's, a bank holder's) and the name
    matches; one identity belongs to one customer.

    Raises every IdentityError (bad_format, bad_check_digit, bad_birth_date, unknown_region,
    legacy_number ...), BadContactNumberError, CustomerIncompleteError (with `fields` for every problem),
    KindMismatchError, IdentityInUseError, IdentityNameMismatchError.
    """
    name, address, contact_address = _clean_text(name), _clean_text(address), _clean_text(contact_address)
    problems: dict[str, str] = {}
    first: FieldError | None = None
    info = None
    try:
        info = identity_validate(doc_type, number, for_registration=True)
    except FieldError as exc:
        problems[exc.field or "number"] = str(exc.message)
        first = exc
    phone = ""
    if (contact_phone or "").strip():
        try:
            phone = contact_phone_normalize(contact_phone)
        except BadContactNumberError as exc:
            problems[exc.field or "contact_phone"] = str(exc.message)
            first = first or exc
    required = {
        "name": (name, _("Enter the name exactly as on the document.")),
        "address": (address, _("Enter the address as on the document.")),
        "contact_phone": ((contact_phone or "").strip(), _("Enter a contact number.")),
    }
    for field_name, (value, message) in required.items():
        if not value:
            problems[field_name] = str(message)
    if problems:
        error = first or CustomerIncompleteError(missing=sorted(problems))
        error.fields = {key: [msg] for key, msg in problems.items()}
        raise error
    assert info is not None  # a document that did not validate is a problem above
    derived = info.customer_kind
    if kind and kind != derived:
        raise KindMismatchError(expected=derived)

    identity, _before = _identity_bind(actor=actor, info=info, name=name, address=address,
                                       check_method=check_method, for_customer=True)
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                kind=derived, name=name, identity=identity, contact_phone=phone, contact_address=contact_address,
                created_hall=getattr(actor, "hall", None), created_by=actor if actor.pk else None,
            )
    except IntegrityError:
        raise IdentityInUseError() from None
    audit_record(actor=actor, action="customer.create", target=customer, after={
        "kind": derived, "doc_type": identity.doc_type, "number": mask(identity.number),
        "identity_reused": _before is not None, "check_method": check_method,
    })
    return customer


@transaction.atomic
def customer_update(*, actor: Staff, customer: Customer, contact_phone: str | None = None,
                    contact_address: str | None = None) -> Customer:
    """Change a customer's contact data (the identity stays as on the document). None keeps a value.

    Rules: the contact number cannot be removed (C1-F3) and is a valid mobile or landline.

    Raises CustomerIncompleteError (contact number emptied), BadContactNumberError.
    """
    if contact_phone is not None and not contact_phone.strip():
        raise CustomerIncompleteError(_("Enter a contact number."), field="contact_phone", missing=["contact_phone"])
    phone = contact_phone_normalize(contact_phone) if contact_phone is not None else None
    customer = lock_by_key(Customer, customer.pk)
    before = {"contact_phone": mask_msisdn(customer.contact_phone),
              "contact_address": mask_address(customer.contact_address)}
    if phone is not None:
        customer.contact_phone = phone
    if contact_address is not None:
        customer.contact_address = _clean_text(contact_address)
    customer.save(update_fields=["contact_phone", "contact_address", "updated_at"])
    audit_record(actor=actor, action="customer.update_contact", target=customer, before=before,
                 after={"contact_phone": mask_msisdn(customer.contact_phone),
                        "contact_address": mask_address(customer.contact_address)})
    return customer


@transaction.atomic
def customer_rename(*, actor: Staff, customer: Customer, name: str) -> Customer:
    """The owner's new name as on the document presented (改名): a person renamed, an organization renamed by
    its licence; the identity's number stays. The caller (a counter process) has checked the documents.

    Raises CustomerIncompleteError (an empty name).
    """
    name = " ".join((name or "").split())[:100]
    if not name:
        raise CustomerIncompleteError(_("Enter the name exactly as on the document."), field="name",
                                      missing=["name"])
    customer = lock_by_key(Customer, customer.pk)
    identity = lock_by_key(CustomerIdentity, customer.identity_id)
    before = mask_name(customer.name)
    customer.name = identity.name = name
    customer.save(update_fields=["name", "updated_at"])
    identity.save(update_fields=["name", "updated_at"])
    audit_record(actor=actor, action="customer.rename", target=customer, before={"name": before},
                 after={"name": mask_name(name)})
    return customer


def guardian_ensure(*, customer: Customer, agent_present: bool) -> None:
    """A minor (under tariff identity.minor_age, from the birth date of their document) signs up or takes
    over a line only with a guardian present, recorded as the agent, who is an adult by
    `agent_identity_record` (domain-rules A1/A3). That the agent is the minor's guardian is what the rep
    checks on the household register; the system records who it was.

    Raises GuardianRequiredError.
    """
    if agent_present or customer.kind != Customer.Kind.INDIVIDUAL:
        return
    identity = customer.identity
    age = identity_validate(identity.doc_type, identity.number, for_registration=False).age()
    if age is not None and age < tariff("identity.minor_age"):
        limit = tariff("identity.minor_age")
        raise GuardianRequiredError(_("The customer is under %(minor_age)s: a guardian comes with them, shows their "
                                      "own ID and is recorded as the agent.") % {"minor_age": limit}, minor_age=limit)


@transaction.atomic
def agent_identity_record(*, actor: Staff, doc_type: str, number: str, name: str, address: str = "",
                          check_method: str = CustomerIdentity.CheckMethod.CARD_READER) -> CustomerIdentity:
    """Record the identity of an agent (代办人) who acts for a customer at the counter (A1: both
    identities are registered). The order of the process stores the returned row.

    Rules: a valid personal document (not an organization's code, not a 15-digit legacy number), the
    agent is an adult (tariff identity.minor_age), the name matches the identity on record.

    Raises every IdentityError, AgentNotPersonError, AgentMinorError, CustomerIncompleteError,
    IdentityNameMismatchError.
    """
    name, address = _clean_text(name), _clean_text(address)
    info = identity_validate(doc_type, number, for_registration=True)
    if info.customer_kind != Customer.Kind.INDIVIDUAL:
        raise AgentNotPersonError()
    if not name:
        raise CustomerIncompleteError(_("Enter the agent's name as on the document."), field="name", missing=["name"])
    age = info.age()
    if age is not None and age < tariff("identity.minor_age"):
        raise AgentMinorError(minor_age=tariff("identity.minor_age"))
    identity, before = _identity_bind(actor=actor, info=info, name=name, address=address,
                                      check_method=check_method, for_customer=False)
    audit_record(actor=actor, action="identity.record_agent", target=identity, before=before,
                 after={"doc_type": identity.doc_type, "number": mask(identity.number), "check_method": check_method})
    return identity
