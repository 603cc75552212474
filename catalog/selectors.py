"""Reads of the catalog: what is on sale on a date, and the fees in force."""

import time
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from boss.prepared import Prepared
from catalog.errors import FeatureUnavailableError, ProductUnavailableError
from catalog.models import Business, Discount, Feature, OneTimeFee, Plan, in_force_q

# The number lists show each number's selection fee, read for every search: a query and its compilation, a tenth
# of a search's server time (issue 20). A process keeps them BOSS_SELECTION_FEE_CACHE_SECONDS: a fee changed in
# the admin shows in the lists within that time. The quote, and so the payment, read the fees afresh.
_selection_fees: dict[date, tuple[float, Mapping[int, Decimal]]] = {}


def selection_fees_in_force(*, on_date: date | None = None) -> Mapping[int, Decimal]:
    """Number selection fee of each grade at opening on a date: {grade id: amount} (one query, or none while
    this process holds the day's fees)."""
    on_date = on_date or timezone.localdate()
    seconds = settings.BOSS_SELECTION_FEE_CACHE_SECONDS
    hit = _selection_fees.get(on_date) if seconds > 0 else None
    now = time.monotonic()
    if hit is not None and hit[0] > now:
        return hit[1]
    in_force = MappingProxyType(_selection_fees_read(on_date))
    if seconds > 0:
        _selection_fees.clear()   # one day kept: today's
        _selection_fees[on_date] = (now + seconds, in_force)
    return in_force


def selection_fee_cache_clear() -> None:
    _selection_fees.clear()


def _selection_fees_read(on_date: date) -> dict[int, Decimal]:
    fees: dict[int, tuple] = {}
    rows = (OneTimeFee.objects.filter(in_force_q(on_date), business=Business.OPEN_ACCOUNT,
                                      kind=OneTimeFee.Kind.NUMBER_SELECTION)
            .values_list("grade_id", "valid_from", "pk", "amount"))
    for grade_id, valid_from, pk, amount in rows:
        if grade_id not in fees or (valid_from, pk) > fees[grade_id][:2]:
            fees[grade_id] = (valid_from, pk, amount)
    return {grade_id: value[2] for grade_id, value in fees.items()}


def plan_list(*, on_date: date | None = None, on_sale_only: bool = False, kind: str | None = None) -> QuerySet:
    """Plans, main plans first; `kind="main"` only the main plans (an opening's product)."""
    qs = Plan.objects.all().order_by("kind", "monthly_fee", "code")
    if kind:
        qs = qs.filter(kind=kind)
    if on_sale_only:
        qs = qs.filter(in_force_q(on_date or timezone.localdate()), active=True)
    return qs


def feature_list(*, on_date: date | None = None, on_sale_only: bool = False) -> QuerySet:
    qs = Feature.objects.all()
    if on_sale_only:
        qs = qs.filter(in_force_q(on_date or timezone.localdate()), active=True)
    return qs


# Compiled once per process (boss/prepared.py): every opening and plan change prices its plan (issue 20).
_PLAN_IN_FORCE = Prepared(lambda code, day: Plan.objects.filter(in_force_q(day), code=code, active=True)
                          .order_by("pk"), str, date)


def plan_in_force(*, code: str, on_date: date) -> Plan:
    plan = _PLAN_IN_FORCE.first(code, on_date)
    if plan is None:
        raise ProductUnavailableError(product_code=code, date=on_date.isoformat())
    return plan


_DISCOUNTS_BY_CODES: dict[int, Prepared] = {}


def discounts_by_codes(codes: Sequence[str]) -> list[Discount]:
    """The discounts of these codes, whatever their dates (a quote signed names them), by a read compiled once per
    process for each count of codes (boss/prepared.py): every opening's payment grants its quote's (issue 20)."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return []
    read = _DISCOUNTS_BY_CODES.get(len(codes))
    if read is None:
        read = _DISCOUNTS_BY_CODES[len(codes)] = Prepared(
            lambda *wanted: Discount.objects.filter(code__in=wanted), *([str] * len(codes)))
    return read(*codes)


def features_in_force(*, codes: Sequence[str], on_date: date) -> list[Feature]:
    codes = list(dict.fromkeys(codes or ()))
    if not codes:  # most orders add none: no query to build (an empty IN is compiled before it is skipped)
        return []
    found = {f.code: f for f in Feature.objects.filter(in_force_q(on_date), code__in=codes, active=True)}
    for code in codes:
        if code not in found:
            raise FeatureUnavailableError(_("The feature %(code)s is not on sale on that date.") % {"code": code},
                                     feature=code)
    return [found[c] for c in codes]
