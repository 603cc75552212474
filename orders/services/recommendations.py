"""Recommendations at the counter (C1-F2/F4): the offers that fit a customer, and the record of whether
they took one. Every counter screen for a customer shows them (processes.md section 0)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.selectors import customer_average_monthly_spend
from boss.audit import audit_record
from boss.models import Staff
from boss.money import format_yuan
from boss.tariffs import tariff
from catalog.models import Offer, in_force_q
from orders.errors import OfferUnavailableError
from orders.models import RecommendationOutcome


@dataclass(frozen=True)
class CustomerProfile:
    """What the rules look at: classes in force, plans held on live lines, average spend (or None)."""

    blacklisted: bool
    vip_level: int | None        # None: not a big customer
    plan_ids: frozenset[int]
    spend: Decimal | None


@dataclass(frozen=True)
class Recommendation:
    offer: Offer
    reasons: tuple[str, ...]


def customer_profile(*, customer, on_date: date) -> CustomerProfile:
    from customers.models import CustomerClass, Line

    classes = list(CustomerClass.objects.filter(customer=customer, since__lte=on_date)
                   .filter(Q(until__isnull=True) | Q(until__gte=on_date)).values_list("kind", "vip_level"))
    vip_levels = [level or 0 for kind, level in classes if kind == CustomerClass.Kind.VIP]
    plan_ids = frozenset(Line.objects.filter(customer=customer).exclude(status=Line.Status.CANCELLED)
                         .values_list("plan_id", flat=True))
    spend = customer_average_monthly_spend(customer=customer, months=tariff("recommendation.spend_months"),
                                                 on_date=on_date)
    return CustomerProfile(
        blacklisted=any(kind == CustomerClass.Kind.BLACKLIST for kind, _level in classes),
        vip_level=max(vip_levels) if vip_levels else None, plan_ids=plan_ids, spend=spend)


def _fit(offer: Offer, profile: CustomerProfile) -> tuple[str, ...] | None:
    """Why the offer fits this customer, or None when it does not."""
    reasons: list[str] = []
    if offer.product_id in profile.plan_ids:
        return None
    if offer.audience == Offer.Audience.VIP:
        if profile.vip_level is None or (offer.min_vip_level and profile.vip_level < offer.min_vip_level):
            return None
        reasons.append(_("Big customer, level %(level)s") % {"level": profile.vip_level})
    elif offer.audience == Offer.Audience.ORDINARY and profile.vip_level is not None:
        return None
    from_plans = {p.pk: p for p in offer.from_plans.all()}
    if from_plans:
        held = [from_plans[pk] for pk in profile.plan_ids if pk in from_plans]
        if not held:
            return None
        reasons.append(_("Holds %(plan)s") % {"plan": held[0].name})
    if offer.spend_min is not None or offer.spend_max is not None:
        if profile.spend is None:
            return None  # unknown spend: do not guess
        if (offer.spend_min is not None and profile.spend < offer.spend_min) or \
                (offer.spend_max is not None and profile.spend > offer.spend_max):
            return None
        reasons.append(_("Average monthly spend %(amount)s") % {"amount": format_yuan(profile.spend)})
    return tuple(reasons)


def recommendation_list(*, customer, on_date: date | None = None, limit: int | None = None) -> list[Recommendation]:
    """The offers that fit a customer on a date, best first (priority, then code). A blacklisted
    customer gets none. A fixed, small number of queries whatever the number of offers."""
    on_date = on_date or timezone.localdate()
    profile = customer_profile(customer=customer, on_date=on_date)
    if profile.blacklisted:
        return []
    offers = (Offer.objects.filter(in_force_q(on_date), active=True, product__active=True)
              .filter(in_force_q(on_date, prefix="product__"))
              .select_related("product").prefetch_related("from_plans").order_by("-priority", "code"))
    limit = tariff("recommendation.max_offers") if limit is None else limit
    out = []
    for offer in offers:
        reasons = _fit(offer, profile)
        if reasons is not None:
            out.append(Recommendation(offer, reasons))
            if len(out) >= limit:
                break
    return out


@transaction.atomic
def recommendation_record(*, actor: Staff, customer, offer: Offer, accepted: bool, business: str = "",
                          order_reference: str = "") -> RecommendationOutcome:
    """Record that an offer was made to a customer and whether they accepted it (C1-F4).

    Raises OfferUnavailableError when the offer is not in force today.
    """
    today = timezone.localdate()
    if not Offer.objects.filter(in_force_q(today), pk=offer.pk, active=True).exists():
        raise OfferUnavailableError(offer=offer.code)
    outcome = RecommendationOutcome.objects.create(
        offer=offer, customer=customer, accepted=accepted, business=business,
        order_reference=order_reference[:40], staff=actor, hall=actor.hall)
    audit_record(actor=actor, action="recommendation.accept" if accepted else "recommendation.decline",
                 target=outcome, after={"offer": offer.code, "customer": customer.pk, "business": business})
    return outcome
