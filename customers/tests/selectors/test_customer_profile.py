"""customer_profile: the 360 page's reads (issue 20: fast with 1,000,000 customers and lines)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.selectors import customer_profile
from customers.tests.factories import AccountFactory, CustomerFactory, LineFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def test_the_profile_lists_own_accounts_and_those_its_lines_are_billed_to_once_each():
    customer = CustomerFactory()
    own_empty = AccountFactory(customer=customer)          # no line yet
    own = LineFactory(customer=customer).account
    LineFactory(customer=customer, account=own)            # two lines on one account: listed once
    company = AccountFactory(customer=OrganizationFactory())
    LineFactory(customer=customer, account=company)        # billed to another customer's account
    AccountFactory(customer=CustomerFactory())             # someone else's: not shown
    LineFactory()

    profile = customer_profile(customer=customer)

    assert [row.account.pk for row in profile.accounts] == sorted([own_empty.pk, own.pk, company.pk])
    assert {row.account.pk: len(row.lines) for row in profile.accounts} == {own_empty.pk: 0, own.pk: 2,
                                                                           company.pk: 1}


def test_the_accounts_are_read_without_joining_every_line():
    """An OR across a join to the lines (own accounts or those of the customer's lines) defeated both indexes
    and read every account and line: 1 s at 1,000,000 customers. The lines are read already; their
    account ids are enough."""
    customer = CustomerFactory()
    LineFactory(customer=customer)
    with CaptureQueriesContext(connection) as ctx:
        customer_profile(customer=customer)
    accounts = [q["sql"] for q in ctx.captured_queries if 'FROM "customers_account"' in q["sql"]]
    assert accounts and not any('JOIN "customers_line"' in sql for sql in accounts)
