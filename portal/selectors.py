"""Everything the portal shows, looked up through the signed-in customer: another customer's id is a 404."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from billing.models import Bill, Payment
from billing.selectors import accounts_money
from customers.models import Customer, Line
from customers.money import AccountMoney

SHOWN_STATES = (Line.Status.ACTIVE, Line.Status.SUSPENDED_REQUEST, Line.Status.SUSPENDED_LOSS,
                Line.Status.SUSPENDED_ARREARS, Line.Status.PENDING_CANCELLATION, Line.Status.PENDING_ACTIVATION)


def _only_line(customer: Customer) -> int | None:
    """An organization's line is used by its staff: who signs in with one line's password sees that line
    only, never the organization's other lines or their complaints (portal.session sets it)."""
    return getattr(customer, "portal_only_line_id", None)


def customer_lines(customer: Customer) -> QuerySet:
    qs = Line.objects.filter(customer=customer, status__in=SHOWN_STATES)
    if _only_line(customer) is not None:
        qs = qs.filter(pk=_only_line(customer))
    return qs.select_related("plan", "account").order_by("pk")


def customer_line(customer: Customer, line_id: int) -> Line:
    """One of the customer's own lines; any other id (another customer's, a cancelled line) is a 404."""
    line = customer_lines(customer).filter(pk=line_id).first()
    if line is None:
        raise Http404
    return line


@dataclass(frozen=True)
class LineRow:
    line: Line
    money: AccountMoney


def customer_overview(customer: Customer) -> list[LineRow]:
    """The customer's lines with their accounts' balances (two queries)."""
    lines = list(customer_lines(customer))
    money = accounts_money({ln.account_id for ln in lines})
    return [LineRow(ln, money[ln.account_id]) for ln in lines]


def line_payments(line: Line, *, limit: int = 30) -> list[Payment]:
    """The recent payments of the line's account (the customer's own account)."""
    return list(Payment.objects.filter(account_id=line.account_id).order_by("-pk")[:limit])


def line_bills(line: Line, *, limit: int = 12) -> list[Bill]:
    return list(Bill.objects.filter(line=line).select_related("settlement").order_by("-period")[:limit])


def line_bill_period_allowed(line: Line, period: date, *, today: date) -> bool:
    """A month of the line's own life, not in the future."""
    from boss.months import month_start

    opened = line.activated_at.date() if line.activated_at else line.created_at.date()
    return month_start(opened) <= period <= month_start(today)


def customer_complaints(customer: Customer) -> QuerySet:
    from complaints.models import Complaint

    qs = Complaint.objects.filter(customer=customer)
    if _only_line(customer) is not None:
        qs = qs.filter(line_id=_only_line(customer))
    return qs.select_related("category").order_by("-received_at", "-pk")


def customer_complaint(customer: Customer, pk: int):
    complaint = customer_complaints(customer).filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def customer_overview_line(line: Line) -> AccountMoney:
    return accounts_money([line.account_id])[line.account_id]


def announcements_for(customer: Customer, line_id: int | None) -> list:
    """Announcements and campaigns in force for customers of the hall that keeps the signed-in line."""
    from hall.selectors import announcements_for_customers

    line = Line.objects.filter(pk=line_id, customer=customer).select_related("hall").first()
    return announcements_for_customers(hall=line.hall) if line is not None else []


# --------------------------------------------------------------------------------------------------
# Points gifts ordered online (loyalty's redemptions, channel web)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GiftOffer:
    gift: object
    halls: list   # the redemption halls holding it today


def gift_offers(*, today: date) -> list[GiftOffer]:
    """The gifts redeemable today with the redemption halls that hold at least one (one query)."""
    from catalog.models import in_force_q
    from inventory.models import GiftStock

    offers: dict[int, GiftOffer] = {}
    rows = (GiftStock.objects.filter(in_force_q(today, prefix="gift__"), gift__active=True, quantity__gt=0,
                                     hall__redemption_hall=True)
            .select_related("gift", "hall").defer("gift__picture").order_by("gift__points", "gift__code", "hall__name"))
    for stock in rows:
        offers.setdefault(stock.gift_id, GiftOffer(gift=stock.gift, halls=[])).halls.append(stock.hall)
    return list(offers.values())


def customer_redemptions(customer: Customer) -> QuerySet:
    from loyalty.models import Redemption

    qs = Redemption.objects.filter(customer=customer)
    if _only_line(customer) is not None:
        qs = qs.filter(line_id=_only_line(customer))
    return qs.select_related("gift", "hall").defer("gift__picture").order_by("-created_at", "-pk")


def customer_redemption(customer: Customer, pk: int):
    redemption = customer_redemptions(customer).filter(pk=pk).first()
    if redemption is None:
        raise Http404
    return redemption
