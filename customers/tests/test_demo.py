"""The demo customers: a few hundred, valid numbers, some classes, and loading twice changes nothing."""

import io

import pytest

from boss.demo import load as load_kernel
from customers.demo import load
from customers.identity import identity_validate
from customers.models import Customer, CustomerClass, CustomerIdentity

pytestmark = pytest.mark.django_db


def test_demo_customers_are_valid_classified_and_idempotent():
    load_kernel()
    out = io.StringIO()
    created = load(stdout=out)
    assert 300 <= created == Customer.objects.count() and "customers:" in out.getvalue()
    for identity in CustomerIdentity.objects.all():
        assert identity_validate(identity.doc_type, identity.number).number == identity.number
    organizations = Customer.objects.filter(kind="organization")
    assert organizations.count() >= 20
    assert set(organizations.values_list("identity__doc_type", flat=True)) == {"uscc"}
    kinds = set(CustomerClass.objects.values_list("kind", flat=True))
    assert kinds == {"vip", "blacklist", "redlist"}
    assert CustomerClass.objects.filter(kind="vip").values("vip_level").distinct().count() > 1
    assert all(len(c.name) >= 2 for c in Customer.objects.filter(kind="individual"))
    counts = (Customer.objects.count(), CustomerClass.objects.count())
    assert load() == 0
    assert (Customer.objects.count(), CustomerClass.objects.count()) == counts
