import itertools

import pytest

from billing.models import Account

_seq = itertools.count(1)


@pytest.fixture
def make_account(db):
    """make_account(**account_fields) → a billing Account of a new individual customer."""
    from customers.models import Customer, CustomerIdentity

    def make(**fields):
        n = next(_seq)
        identity = CustomerIdentity.objects.create(doc_type="passport", number=f"E{n:08d}", name=f"客户{n}")
        customer = Customer.objects.create(kind="individual", name=f"客户{n}", identity=identity)
        return Account.objects.create(customer=customer, **fields)

    return make
