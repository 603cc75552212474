"""Reads of the catalog: what is on sale on a date, and the fees in force."""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import FeatureUnavailableError, ProductUnavailableError
from catalog.models import Business, Feature, OneTimeFee, Plan, in_force_q


def selection_fees_in_force(*, on_date: date | None = None) -> dict[int, Decimal]:
    """Number selection fee of each grade at opening on a date: {grade id: amount} (one query)."""
    on_date = on_date or timezone.localdate()
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


def plan_in_force(*, code: str, on_date: date) -> Plan:
    plan = Plan.objects.filter(in_force_q(on_date), code=code, active=True).first()
    if plan is None:
        raise ProductUnavailableError(product_code=code, date=on_date.isoformat())
    return plan


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
