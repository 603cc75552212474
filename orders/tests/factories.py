"""Factories of the orders tests. Customers are made here minimally (the customers app owns their
validation); numbers enter the pool through the import service, graded like real ones."""

from datetime import date

from customers.models import CustomerClass
from customers.tests.factories import CustomerFactory, IdentityFactory  # noqa: F401  (one set of customer factories)


def classify(customer, kind: str, *, level=None, since=date(2020, 1, 1), until=None):
    return CustomerClass.objects.create(customer=customer, kind=kind, vip_level=level, reason="测试", since=since,
                                        until=until)


