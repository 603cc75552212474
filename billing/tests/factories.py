"""Billing rows for the tests of other apps that read them."""

from datetime import date
from decimal import Decimal

from billing.models import Bill


def bill_record(*, line, period: date, total) -> Bill:
    """A line's bill for a month as the bill run leaves it (for tests of what reads bills: recommendations,
    the pre-cancellation's average)."""
    return Bill.objects.create(line=line, account=line.account, customer=line.customer, plan=line.plan,
                               period=period, total=Decimal(total))
