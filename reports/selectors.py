"""The figures of the reports, each one grouped query (a fixed number of queries whatever the period).

Scope: `halls` is None for every hall (managers) or a list of hall ids; `staff` narrows to one rep. Days are
business days: orders by the local day they were paid, money by the ledger's booking day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDay, TruncMonth
from django.utils import timezone

from billing.models import LedgerAccount, LedgerEntry, Payment
from boss.labels import label
from boss.money import ZERO
from orders.models import Order

# Orders that did business: paid (or done) and not cancelled afterwards.
DONE_STATES = (Order.State.PAID, Order.State.PROVISIONING, Order.State.COMPLETED)


@dataclass(frozen=True)
class Scope:
    date_from: date
    date_to: date
    halls: list[int] | None = None   # None: every hall
    staff_id: int | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_current_timezone()
        return (datetime.combine(self.date_from, time.min, tzinfo=tz),
                datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz))


def _orders(scope: Scope):
    start, end = scope.bounds()
    qs = Order.objects.filter(state__in=DONE_STATES, paid_at__gte=start, paid_at__lt=end)
    if scope.halls is not None:
        qs = qs.filter(hall_id__in=scope.halls)
    if scope.staff_id:
        qs = qs.filter(actor_id=scope.staff_id)
    return qs.order_by()


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int = 0
    amount: Decimal = ZERO


def orders_by_kind(scope: Scope) -> list[Row]:
    """Business volume by business type: orders and the money they took (one query)."""
    labels = dict(Order.Kind.choices)
    rows = _orders(scope).values_list("kind").annotate(n=Count("id"), s=Sum("amount_due")).order_by("-n", "kind")
    return [Row(k, str(labels.get(k, k)), n, _money(s)) for k, n, s in rows]


def orders_by(scope: Scope, field: str, label_field: str) -> list[Row]:
    """Business volume grouped by hall or rep (one query)."""
    rows = (_orders(scope).values_list(field, label_field).annotate(n=Count("id"), s=Sum("amount_due"))
            .order_by("-n", field))
    return [Row(str(pk), str(label), n, _money(s)) for pk, label, n, s in rows]


def orders_by_period(scope: Scope, *, monthly: bool) -> list[Row]:
    trunc = TruncMonth("paid_at") if monthly else TruncDay("paid_at")
    rows = _orders(scope).annotate(p=trunc).values_list("p").annotate(n=Count("id"), s=Sum("amount_due")).order_by("p")
    fmt = "%Y-%m" if monthly else "%Y-%m-%d"
    return [Row(timezone.localtime(p).strftime(fmt) if isinstance(p, datetime) else p.strftime(fmt),
                timezone.localtime(p).strftime(fmt) if isinstance(p, datetime) else p.strftime(fmt), n, _money(s))
            for p, n, s in rows]


def payments_by_method(scope: Scope) -> list[Row]:
    """Money taken at the counters by payment method, by the ledger's business day (one query)."""
    qs = Payment.objects.filter(ledger_transaction__booked_on__gte=scope.date_from,
                                ledger_transaction__booked_on__lte=scope.date_to)
    if scope.halls is not None:
        qs = qs.filter(hall_id__in=scope.halls)
    if scope.staff_id:
        qs = qs.filter(actor_id=scope.staff_id)
    rows = qs.order_by().values_list("method").annotate(n=Count("id"), s=Sum("amount")).order_by("method")
    return [Row(m, label("billing.PaymentMethod", m), n, _money(s)) for m, n, s in rows]


def revenue_by_fee_type(scope: Scope) -> list[Row]:
    """Revenue by fee type: credits to the revenue accounts less debits (discounts), by booking day. The
    hall is the posting's hall (bills have none: they count for every hall's total only)."""
    qs = LedgerEntry.objects.filter(account__kind=LedgerAccount.Kind.REVENUE,
                                    transaction__booked_on__gte=scope.date_from,
                                    transaction__booked_on__lte=scope.date_to)
    if scope.halls is not None:
        qs = qs.filter(transaction__hall_id__in=scope.halls)
    if scope.staff_id:
        qs = qs.filter(transaction__actor_id=scope.staff_id)
    rows = (qs.order_by().values_list("account__subtype").annotate(n=Count("id"), s=Sum("amount"))
            .order_by("account__subtype"))
    return [Row(t, str(fee_type_label(t)), n, -_money(s)) for t, n, s in rows]


def fee_type_label(code: str) -> str:
    return label("billing.FeeType", code)


def total(rows: list[Row]) -> Row:
    return Row("total", "", sum(r.count for r in rows), sum((r.amount for r in rows), ZERO))
