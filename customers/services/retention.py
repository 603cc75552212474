"""Retention of identity data (domain-rules A1, A8; PIPL Art. 19/47): identity records are kept while the
customer is served and for tariff identity.retention_years after their last line ended, then the personal
data are erased by a timed job. The rows stay (orders, documents and the ledger point to them); what made
them personal goes: name, document number and address, contact data, bank account numbers."""

from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from boss.audit import audit_record
from boss.locks import lock, lock_by_key
from boss.models import Staff
from boss.tariffs import tariff
from customers.models import Account, Customer, CustomerIdentity, Line

ERASED_NAME = "（已清除）"


def identities_due_for_purge(*, now=None):
    """Customers with lines, none of them live, the last one ended before the retention period."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=365 * tariff("identity.retention_years"))
    live = Line.objects.filter(customer=OuterRef("pk")).exclude(status=Line.Status.CANCELLED)
    return (Customer.objects.filter(identity__purged_at__isnull=True, lines__isnull=False)
            .annotate(ended=Max("lines__cancelled_at")).filter(~Exists(live), ended__lt=cutoff)
            .values_list("pk", flat=True).distinct())


@transaction.atomic
def customer_identity_purge(*, actor: Staff, customer_id: int, now=None) -> Customer | None:
    """Erase one customer's personal data once the retention period is over (the timed job, item by item;
    safe to run twice: a purged or again-served customer is skipped). Audited without any value."""
    now = now or timezone.now()
    customer = lock(Customer.objects.filter(pk=customer_id), skip_locked=True).first()
    if customer is None or customer.identity.purged_at is not None:
        return None
    if customer_id not in set(identities_due_for_purge(now=now).filter(pk=customer_id)):
        return None
    identity = lock_by_key(CustomerIdentity, customer.identity_id)
    identity.number = f"PURGED{identity.pk:012d}"  # stays unique per type; no longer a person's number
    identity.name, identity.address, identity.purged_at = ERASED_NAME, "", now
    identity.save(update_fields=["number", "name", "address", "purged_at", "updated_at"])
    customer.name, customer.contact_phone, customer.contact_address = ERASED_NAME, "", ""
    customer.save(update_fields=["name", "contact_phone", "contact_address", "updated_at"])
    Account.objects.filter(customer=customer).exclude(Q(bank_account_number="")).update(
        bank_account_number="", bank_account_holder=ERASED_NAME)
    audit_record(actor=actor, action="identity.purge", target=customer,
                 after={"retention_years": tariff("identity.retention_years")})
    return customer


def identities_purge_due(*, actor: Staff, now=None, limit: int = 1000) -> int:
    """The nightly job: purge every customer due, each in its own transaction."""
    due = list(identities_due_for_purge(now=now)[:limit])
    return sum(1 for pk in due if customer_identity_purge(actor=actor, customer_id=pk, now=now) is not None)
