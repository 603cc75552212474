"""The partners demo: two partners, a joint-blacklist entry that an opening meets, a night with
spammers on the tracing screen; loading twice changes nothing."""

import io

import pytest

from boss.demo import load as load_kernel
from customers.demo import load as load_customers
from customers.models import Customer
from customers.services import customer_ensure_not_blacklisted
from customers.tests.factories import LineFactory
from partners.demo import load, load_history
from partners.models import BlacklistEntry, Partner, PartnerKey, Suspect

pytestmark = pytest.mark.django_db


def test_demo_partners_entry_and_tracing_are_idempotent(rep):
    load_kernel()
    load_customers()
    out = io.StringIO()
    load(stdout=out)
    assert Partner.objects.count() == 2 and PartnerKey.objects.count() == 1 and "bpk_" in out.getvalue()
    entry = BlacklistEntry.objects.get()
    customer = Customer.objects.get(pk=int(out.getvalue().split("(customer ")[1].split(")")[0]))
    with pytest.raises(Exception) as exc:
        customer_ensure_not_blacklisted(actor=rep, customer=customer)
    assert exc.value.code == "customer_blacklisted"
    LineFactory(), LineFactory()
    load_history(stdout=out)
    assert set(Suspect.objects.values_list("rule", flat=True)) == {"sms_bulk", "one_ring"}
    again = io.StringIO()
    load(stdout=again)
    load_history()
    assert (Partner.objects.count(), PartnerKey.objects.count(), BlacklistEntry.objects.get().pk,
            Suspect.objects.count()) == (2, 1, entry.pk, 2)
    assert "bpk_" not in again.getvalue()
