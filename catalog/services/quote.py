"""Price quote (报价, C1-F6): product, business type and date in, itemised price out.

A pure read: the same input on the same date always gives the same lines in the same order (catalog rows
in force on that date, the grade the caller read off the number, the tariff parameters in force now). It writes
nothing and needs no actor, so the counter screen can ask for it on every change of the form.

What is due at the counter (`lines`, `total`): one-time fees of the business (SIM card fee for the
capacity, number selection fee for the number's grade ...), deposits (prepaid deposit at opening,
premium-number pre-deposit, deposits that features require, minimum deposit after transfer) and the
discounts on them. What the line will cost every month (`monthly_lines`, `monthly_total`): the plan's
fee, the features' fees and the discounts on them. Deposits are waived for corporate bank accounts
(对公帐号) while the tariff parameter `deposit.corporate_exempt` says so.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.money import CENT, ZERO
from boss.prepared import Prepared
from boss.tariffs import tariff
from catalog.errors import ProductUnavailableError
from catalog.models import Business, Discount, Feature, NumberGrade, OneTimeFee, PaymentMethod, Plan, in_force_q
from catalog.selectors import features_in_force, plan_in_force


@dataclass(frozen=True)
class QuoteLine:
    code: str
    item: str
    amount: Decimal
    kind: str  # fee | deposit | discount | monthly
    fee_type: str = ""  # a fee's kind of one-time fee (OneTimeFee.Kind): the revenue account it is booked to


@dataclass(frozen=True)
class Quote:
    business: str
    product: Plan
    on_date: date
    lines: tuple[QuoteLine, ...]
    total: Decimal
    monthly_lines: tuple[QuoteLine, ...]
    monthly_total: Decimal
    monthly_discounts: tuple[Discount, ...]
    grade: NumberGrade | None
    min_monthly_spend: Decimal
    agreement_months: int


@dataclass(frozen=True)
class MonthlyPrice:
    """What a line costs every full month before usage: the plan's and features' fees, the discounts on the
    plan's fee, the net total. The quote, the confirm screen, the agreement and the first bill show it."""

    lines: tuple[QuoteLine, ...]
    total: Decimal
    discounts: tuple[Discount, ...]  # the monthly-fee discounts in the total (granted to the line)


def discounts_applicable(*, business: str, plan: Plan, on_date: date,
                         customer_kind: str | None = None) -> list[Discount]:
    """The discounts whose conditions hold: in force and active on the date, for this business (or every
    one), this plan (or every plan), the plan's network and family, and the customer's kind (a discount for
    one kind of customer needs the kind known)."""
    if customer_kind:
        return _DISCOUNTS_FOR_KIND(on_date, business, plan.pk, plan.network, plan.brand, customer_kind)
    return _DISCOUNTS(on_date, business, plan.pk, plan.network, plan.brand)


def _discounts(day: date, business: str, plan: int, network: str, brand: str, kind: str | None = None):
    kinds = Q(customer_kind="") | Q(customer_kind=kind) if kind is not None else Q(customer_kind="")
    return (Discount.objects.filter(in_force_q(day), active=True)
            .filter(Q(business="") | Q(business=business)).filter(Q(plan__isnull=True) | Q(plan_id=plan))
            .filter(Q(network="") | Q(network=network)).filter(Q(brand="") | Q(brand=brand))
            .filter(kinds).order_by("code"))


# The quote's catalog reads, compiled once per process (boss/prepared.py): every opening prices itself at its
# pre-input and again at its confirmation (issue 20).
_DISCOUNTS = Prepared(_discounts, date, str, int, str, str)
_DISCOUNTS_FOR_KIND = Prepared(_discounts, date, str, int, str, str, str)


def _fees(day: date, business: str, capacity: str, grade: int | None):
    """One-time fees of a business that apply to what was chosen."""
    return OneTimeFee.objects.filter(in_force_q(day), business=business).filter(
        Q(kind=OneTimeFee.Kind.SERVICE)
        | Q(kind=OneTimeFee.Kind.SIM_CARD, sim_capacity=capacity)
        | Q(kind=OneTimeFee.Kind.NUMBER_SELECTION, grade_id=grade)).order_by()


_FEES = Prepared(lambda day, business, capacity: _fees(day, business, capacity, None), date, str, str)
_FEES_FOR_GRADE = Prepared(_fees, date, str, str, int)


def monthly_net_price(*, plan: Plan, features: Sequence[Feature] = (),
                      discounts: Sequence[Discount] = ()) -> MonthlyPrice:
    """The one monthly net price (issue 11): the plan's fee, the features' fees, the monthly-fee discounts
    among `discounts` (from `discounts_applicable`), never below zero."""
    monthly = [QuoteLine(plan.code, _("Monthly fee: %(plan)s") % {"plan": plan.name}, plan.monthly_fee, "monthly")]
    monthly += [QuoteLine(f.code, _("Monthly fee: %(feature)s") % {"feature": f.name}, f.monthly_fee, "monthly")
                for f in features if f.monthly_fee > 0]
    on_fee = [d for d in discounts if d.target == Discount.Target.MONTHLY_FEE]
    _apply_discounts(monthly, {Discount.Target.MONTHLY_FEE: plan.monthly_fee}, on_fee)
    applied = {line.code for line in monthly if line.kind == "discount"}
    return MonthlyPrice(lines=tuple(monthly), total=sum((line.amount for line in monthly), ZERO),
                        discounts=tuple(d for d in on_fee if d.code in applied))


def _latest_per_key(fees) -> list[OneTimeFee]:
    """Of overlapping rows for the same charge, the one that started last wins (then the newest row)."""
    best: dict[tuple, OneTimeFee] = {}
    for fee in sorted(fees, key=lambda f: (f.valid_from, f.pk)):
        best[(fee.kind, fee.sim_capacity, fee.grade_id)] = fee
    return sorted(best.values(), key=lambda f: (list(OneTimeFee.Kind.values).index(f.kind), f.code))


def discount_amount(discount: Discount, base: Decimal) -> Decimal:
    """What a discount takes off a charge of `base` (a full month for a monthly fee): the one rounding the
    quote, the agreement and the bill share."""
    return _discount_amount(discount, base)


def _discount_amount(discount: Discount, base: Decimal) -> Decimal:
    if discount.percent_off is not None:
        off = (base * discount.percent_off / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        off = discount.amount_off or ZERO
    return min(off, base)


def _apply_discounts(lines: list[QuoteLine], bases: dict[str, Decimal], discounts: list[Discount]) -> None:
    """Append a negative line per discount; together they never take a charge below zero."""
    left = dict(bases)
    for discount in discounts:
        base = left.get(discount.target, ZERO)
        off = _discount_amount(discount, bases.get(discount.target, ZERO)) if base > 0 else ZERO
        off = min(off, base)
        if off > 0:
            left[discount.target] = base - off
            lines.append(QuoteLine(discount.code, discount.name, -off, "discount"))


def quote_price(*, business: str, product_code: str, on_date: date | None = None, grade: NumberGrade | None = None,
                sim_capacity: str | None = None, features: Sequence[str] = (),
                payment_method: str = PaymentMethod.CASH, held: Sequence[str] = (),
                customer_kind: str | None = None) -> Quote:
    """The itemised price of a business for a product on a date (today by default).

    For a business on an existing line (anything but opening and plan change) the product is the line's
    own plan, priced whatever its sale dates; `held` names the features the line already has (read
    whatever their sale dates), `features` the ones being added (on sale on that date).

    `customer_kind` ("individual" | "organization") lets the discounts for one kind of customer apply;
    unknown (None), only the discounts for every customer do.

    Raises ProductUnavailableError, FeatureUnavailableError, NumberNotFoundError.
    """
    on_date = on_date or timezone.localdate()
    if business in (Business.OPEN_ACCOUNT, Business.PLAN_CHANGE):
        plan = plan_in_force(code=product_code, on_date=on_date)
    else:
        held_plan = Plan.objects.filter(code=product_code).first()
        if held_plan is None:
            raise ProductUnavailableError(product_code=product_code, date=on_date.isoformat())
        plan = held_plan
    chosen = features_in_force(codes=features, on_date=on_date)
    kept = [c for c in held if c not in features]
    chosen += list(Feature.objects.filter(code__in=kept).order_by("code")) if kept else []
    exempt = payment_method == PaymentMethod.CORPORATE and tariff("deposit.corporate_exempt")

    fees = (_FEES_FOR_GRADE(on_date, business, sim_capacity or "-", grade.pk) if grade is not None
            else _FEES(on_date, business, sim_capacity or "-"))
    lines: list[QuoteLine] = []
    bases: dict[str, Decimal] = {}
    for fee in _latest_per_key(fees):
        if fee.amount > 0:
            lines.append(QuoteLine(fee.code, fee.name, fee.amount, "fee", fee.kind))
            bases[fee.kind] = bases.get(fee.kind, ZERO) + fee.amount

    # Deposits (tariff parameters; the premium number's pre-deposit from its grade).
    if business == Business.OPEN_ACCOUNT:
        if not exempt and tariff("open.deposit") > 0:
            lines.append(QuoteLine("open.deposit", _("Prepaid deposit"), tariff("open.deposit"), "deposit"))
        if grade is not None and grade.pre_deposit > 0:
            lines.append(QuoteLine("grade.pre_deposit", _("Premium number pre-deposit (%(grade)s)")
                                   % {"grade": grade.name}, grade.pre_deposit, "deposit"))
    if business == Business.TRANSFER and not exempt:
        international = any(f.kind == Feature.Kind.LONG_DISTANCE and f.level >= 2 for f in chosen)
        key = "transfer.min_deposit_international" if international else "transfer.min_deposit"
        lines.append(QuoteLine(key, _("Minimum deposit after transfer"), tariff(key), "deposit"))
    if business in (Business.OPEN_ACCOUNT, Business.FEATURE_CHANGE) and not exempt:
        for param in dict.fromkeys(f.deposit_param for f in chosen if f.deposit_param and f.code not in held):
            amount = tariff(param)
            if amount > 0:
                label = next(f.name for f in chosen if f.deposit_param == param)
                lines.append(QuoteLine(param, _("Deposit for %(feature)s") % {"feature": label}, amount, "deposit"))

    discounts = discounts_applicable(business=business, plan=plan, on_date=on_date, customer_kind=customer_kind)
    _apply_discounts(lines, bases, [d for d in discounts if d.target != Discount.Target.MONTHLY_FEE])
    monthly = monthly_net_price(plan=plan, features=chosen, discounts=discounts)

    return Quote(
        business=business, product=plan, on_date=on_date, lines=tuple(lines),
        total=sum((line.amount for line in lines), ZERO), monthly_lines=monthly.lines,
        monthly_total=monthly.total, monthly_discounts=monthly.discounts, grade=grade,
        min_monthly_spend=grade.min_monthly_spend if grade else ZERO,
        agreement_months=grade.agreement_months if grade else 0,
    )
