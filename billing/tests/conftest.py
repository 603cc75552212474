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


@pytest.fixture
def make_line(make_account, hall):
    """make_line(msisdn, **line_fields) → an active line of a new customer (activated a year ago)."""
    from datetime import date, timedelta

    from django.utils import timezone

    from customers.models import Line
    from orders.models import Plan

    plan = Plan.objects.get_or_create(code="TEST58", defaults={"name": "测试套餐58", "monthly_fee": "58.00",
                                                              "valid_from": date(2020, 1, 1)})[0]

    def make(msisdn, **fields):
        account = fields.pop("account", None) or make_account()
        fields.setdefault("activated_at", timezone.now() - timedelta(days=365))
        status = fields.pop("status", Line.Status.ACTIVE)
        line = Line.objects.create(msisdn=msisdn, customer=account.customer, account=account, plan=plan, hall=hall,
                                   **fields)
        Line.objects.filter(pk=line.pk).update(status=status)  # the FSM field is protected
        line.refresh_from_db()
        return line

    return make
