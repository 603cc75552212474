"""What a line costs in a month: the monthly fee, features, discounts and rated usage, as charge items.

The bill run, the real-time charges of prepaid lines and the amount-due query all compute a line's
month here, from state loaded for many lines at once (a fixed number of queries per batch, whatever
its size). The rules (proration, plan of a month) are in billing/rating_rules.py.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum

from billing import rating_rules as rules
from billing.models import FeeType, LinePlanPeriod, PrepaidCharge, RatedRecord
from billing.selectors import ids_q
from boss.money import ZERO
from boss.months import month_end
from boss.tariffs import tariff
from catalog.models import Plan
from catalog.services.quote import discount_amount

log = logging.getLogger(__name__)
USAGE_TYPES = (FeeType.VOICE, FeeType.SMS, FeeType.DATA, FeeType.ROAMING, FeeType.LONG_DISTANCE)


@dataclass(frozen=True)
class ChargeItem:
    fee_type: str
    amount: Decimal
    name: str = ""
    days: int | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class LineInfo:
    """What billing reads of a line: plain values, no model (a chunk has thousands of lines)."""

    pk: int
    msisdn: str
    account_id: int
    customer_id: int
    plan_id: int
    activated_at: datetime | None
    cancelled_at: datetime | None
    realtime_prepaid: bool

    FIELDS = ("pk", "msisdn", "account_id", "customer_id", "plan_id", "activated_at", "cancelled_at",
              "account__realtime_prepaid")

    @classmethod
    def of(cls, line) -> "LineInfo":
        """From a customers.Line (its account loaded)."""
        return cls(line.pk, line.msisdn, line.account_id, line.customer_id, line.plan_id, line.activated_at,
                   line.cancelled_at, line.account.realtime_prepaid)


@dataclass
class LineMonth:
    """Everything about one line in one month that its charges depend on."""

    line: LineInfo
    period: date
    plan: Plan                        # the plan in force on the month's last day
    span: tuple[date, date] | None    # live days (first, last) or None
    plans: list = field(default_factory=list)       # [(Plan, first, last)]: the plan of each day
    features: list = field(default_factory=list)    # [(Feature, since, until)]
    discounts: list = field(default_factory=list)   # [(Discount, since, until)]
    usage: dict = field(default_factory=dict)       # fee_type -> (charge, records)
    commitments: list = field(default_factory=list)  # [(monthly minimum, since, last day or None)]
    secondary_cards: list = field(default_factory=list)  # [(add-on Plan, secondary msisdn, since, until)]
    charged: dict = field(default_factory=dict)     # fee_type -> already taken in real time

    @property
    def live_days(self) -> int:
        return rules.overlap_days(self.span, None, None)


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


def plan_segments_for_month(lines: Iterable, period: date) -> dict[int, list[tuple[Plan, date, date]]]:
    """The plans in force on each day of the month, per line: [(plan, first day, last day)] in day order,
    covering the whole month. A day's plan is the newest LinePlanPeriod covering it, else the line's plan
    (rating_rules: "Months, days and proration"). Two queries."""
    lines = list(lines)
    first, last = period, month_end(period)
    catalog = Plan.objects.in_bulk({ln.plan_id for ln in lines})
    rows: dict[int, list] = defaultdict(list)
    for row in (LinePlanPeriod.objects.filter(ids_q("line_id", [ln.pk for ln in lines]), since__lte=last)
                .filter(Q(until__isnull=True) | Q(until__gte=first)).order_by("line_id", "created_at", "pk")
                .select_related("plan")):
        rows[row.line_id].append(row)
    out: dict[int, list[tuple[Plan, date, date]]] = {}
    for ln in lines:
        own = rows.get(ln.pk)
        if not own:
            out[ln.pk] = [(catalog[ln.plan_id], first, last)]
            continue
        segments: list[tuple[Plan, date, date]] = []
        day = first
        while day <= last:
            plan = catalog[ln.plan_id]
            for row in own:  # oldest first: a newer row (a correction, a later change) wins
                if row.since <= day and (row.until is None or row.until >= day):
                    plan = row.plan
            if segments and segments[-1][0].pk == plan.pk:
                segments[-1] = (plan, segments[-1][1], day)
            else:
                segments.append((plan, day, day))
            day += timedelta(days=1)
        out[ln.pk] = segments
    return out


def plans_for_month(lines: Iterable, period: date) -> dict[int, Plan]:
    """The plan of each line for the month as a whole: the plan in force on its last day (its rates rate
    the month's usage). Two queries."""
    return {line_id: segments[-1][0] for line_id, segments in plan_segments_for_month(lines, period).items()}


def secondary_card_addon(*, first: date, last: date | None = None) -> Plan | None:
    """The catalogue add-on each secondary card costs (tariff `billing.secondary_card_addon`), if it is on sale
    and in force on some day from `first` to `last` (default: `first` alone; the caller clips the cards' days to
    its validity), or None: the tariff names none, the add-on is off sale or out of force then (the cards are
    then free), or the catalogue lacks the code (logged). The bill, the counter's quote, the agreement and the
    portal all read the fee here."""
    code = tariff("billing.secondary_card_addon")
    addon = Plan.objects.filter(code=code).first() if code else None
    if code and addon is None:
        log.warning("billing.secondary_card_addon %r is not in the catalogue: secondary cards cost nothing", code)
    if (addon is None or not addon.active or addon.valid_from > (last or first)
            or (addon.valid_until is not None and addon.valid_until < first)):
        return None
    return addon


def line_months_load(lines: Iterable[LineInfo], period: date, *, usage: bool = True,
                     charged: bool = True) -> dict[int, LineMonth]:
    """LineMonth for each line, in at most eleven queries whatever the number of lines."""
    from catalog.models import Discount
    from customers.models import LineCommitment, LineDiscount, LineFeature, SecondaryCard

    lines = list(lines)
    ids = [ln.pk for ln in lines]
    first, last = period, month_end(period)
    segments = plan_segments_for_month(lines, period)
    out = {
        ln.pk: LineMonth(line=ln, period=period, plan=segments[ln.pk][-1][0], plans=segments[ln.pk],
                         span=rules.live_range(period, ln.activated_at, ln.cancelled_at))
        for ln in lines
    }
    if not ids:
        return out
    for lf in (LineFeature.objects.filter(ids_q("line_id", ids), since__lte=last)
               .filter(Q(until__isnull=True) | Q(until__gte=first)).select_related("feature").order_by("pk")):
        if lf.line_id in out:
            out[lf.line_id].features.append((lf.feature, lf.since, lf.until))
    for ld in (LineDiscount.objects.filter(ids_q("line_id", ids), since__lte=last)
               .filter(Q(until__isnull=True) | Q(until__gte=first)).select_related("discount").order_by("pk")):
        d = ld.discount
        if ld.line_id in out:
            out[ld.line_id].discounts.append((d, _later(ld.since, d.valid_from), _earlier(ld.until, d.valid_until)))
    # Minimum spend commitments covering some day of the month (one query for the whole chunk).
    for line_id, amount, since, until, ended_on in (
            LineCommitment.objects.filter(ids_q("line_id", ids), since__lte=last)
            .filter(Q(until__isnull=True) | Q(until__gte=first))
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=first))
            .order_by("pk").values_list("line_id", "monthly_amount", "since", "until", "ended_on")):
        if line_id in out:
            stop = ended_on - timedelta(days=1) if ended_on is not None else None
            out[line_id].commitments.append((amount, since, _earlier(until, stop)))
    # The secondary cards each line carried as a primary on some day of the month (one query, and one for the
    # add-on's fee when there are any).
    cards = [row for row in (SecondaryCard.objects.filter(ids_q("primary_id", ids), since__lte=last)
                             .filter(Q(until__isnull=True) | Q(until__gte=first)).order_by("since", "pk")
                             .values_list("primary_id", "secondary__msisdn", "since", "until"))
             if row[0] in out]
    addon = secondary_card_addon(first=first, last=last) if cards else None
    if addon is not None:       # charged on the days the add-on is in force only
        for primary_id, msisdn, since, until in cards:
            out[primary_id].secondary_cards.append((addon, msisdn, _later(since, addon.valid_from),
                                                    _earlier(until, addon.valid_until)))
    # Standing catalog discounts on the monthly fee: for every business (not an opening offer), every
    # line of their plan (or of any plan), within their own validity.
    standing = list(Discount.objects.filter(active=True, business="", target=Discount.Target.MONTHLY_FEE,
                                            valid_from__lte=last)
                    .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first)).order_by("code"))
    if standing:
        for lm in out.values():
            own = {d.pk for d, _s, _u in lm.discounts}
            lm.discounts += [(d, d.valid_from, d.valid_until) for d in standing
                             if d.pk not in own and (d.plan_id is None or d.plan_id == lm.plan.pk)]
    if usage:
        for line_id, fee_type, total, count in (
                RatedRecord.objects.filter(ids_q("line_id", ids), period=period).values_list("line_id", "fee_type")
                .annotate(s=Sum("charge"), n=Count("pk")).order_by()):
            if line_id in out:
                out[line_id].usage[fee_type] = (Decimal(total or 0).quantize(rules.CENT), count)
    if charged:
        for line_id, fee_type, total in (
                PrepaidCharge.objects.filter(ids_q("line_id", ids), period=period).values_list("line_id", "fee_type")
                .annotate(s=Sum("amount")).order_by()):
            if line_id in out:
                out[line_id].charged[fee_type] = Decimal(total or 0).quantize(rules.CENT)
    return out


def _later(a, b):
    return max(x for x in (a, b) if x is not None) if (a or b) else None


def _earlier(a, b):
    values = [x for x in (a, b) if x is not None]
    return min(values) if values else None


# --------------------------------------------------------------------------------------------------
# Computing
# --------------------------------------------------------------------------------------------------


def line_month_items(lm: LineMonth) -> list[ChargeItem]:
    """The charges of a line-month, in bill order. Zero amounts are left out."""
    period, span, plan = lm.period, lm.span, lm.plan
    items: list[ChargeItem] = []
    plan_fee = ZERO
    for each, since, until in lm.plans or [(plan, None, None)]:
        days = rules.overlap_days(span, since, until)
        fee = rules.prorate_money(each.monthly_fee, days, period) if days else ZERO
        if fee > 0:
            plan_fee += fee
            items.append(ChargeItem(FeeType.MONTHLY, fee, each.name, days))
    for feature, since, until in lm.features:
        days = rules.overlap_days(span, since, until)
        amount = rules.prorate_money(feature.monthly_fee, days, period) if days else ZERO
        if amount > 0:
            items.append(ChargeItem(FeeType.FEATURE, amount, feature.name, days))
    for addon, msisdn, since, until in lm.secondary_cards:     # prorated like a feature, for each card
        days = rules.overlap_days(span, since, until)
        amount = rules.prorate_money(addon.monthly_fee, days, period) if days else ZERO
        if amount > 0:
            items.append(ChargeItem(FeeType.FEATURE, amount, f"{addon.name}（{msisdn}）", days))
    left = plan_fee
    for discount, since, until in sorted(lm.discounts, key=lambda d: d[0].code):
        days = rules.overlap_days(span, since, until)
        if not days or left <= 0:
            continue
        # A full month's discount as quoted and signed (catalog's one rounding), prorated like the fee.
        full = discount_amount(discount, plan.monthly_fee)
        off = min(rules.prorate_money(full, days, period), left)
        if off > 0:
            left -= off
            items.append(ChargeItem(FeeType.DISCOUNT, -off, discount.name, days))
    for fee_type in USAGE_TYPES:
        amount, count = lm.usage.get(fee_type, (ZERO, 0))
        if amount > 0:
            items.append(ChargeItem(fee_type, amount, "", None, count))
    return items


def minimum_spend_top_up(lm: LineMonth, items: list[ChargeItem]) -> list[ChargeItem]:
    """The minimum spend top-up (保底消费补足) of a month that is over: [item] or [].

    Only the month's close knows it (later usage lowers it), so only the bill run (and the screens, for a
    month that has ended and is not billed yet) add it; the real-time charges of prepaid lines never do.

    - The minimum of the month: each commitment's monthly amount prorated like the plan's monthly fee,
      by the days it covers within the line's live days / days in the month (half up to the fen). In the
      opening month these are the live days from activation, exactly as the monthly fee; after a number
      change the old number's minimum covers the days before the change, the new one's the days from it.
    - What counts toward it: every charge of the line's month as the bill shows it — plan fee, feature
      fees and all rated usage, **net of discounts** (what the customer really pays). One-time counter
      fees and deposits are not monthly charges and do not count.
    - The top-up is the minimum minus those charges when they fall short; none otherwise.
    """
    minimum, covered = ZERO, 0
    for amount, since, last in lm.commitments:
        days = rules.overlap_days(lm.span, since, last)
        if days:
            minimum += rules.prorate_money(amount, days, lm.period)
            covered += days
    if minimum <= 0:
        return []
    short = minimum - sum((i.amount for i in items), ZERO)
    if short <= 0:
        return []
    return [ChargeItem(FeeType.MINIMUM_SPEND, short, f"{minimum:.2f}", covered)]


def month_charge_items(lm: LineMonth, *, month_over: bool) -> list[ChargeItem]:
    """The charges of a line-month as its bill shows them: `line_month_items`, plus the minimum spend
    top-up once the month is over (only then is it known)."""
    items = line_month_items(lm)
    return items + minimum_spend_top_up(lm, items) if month_over else items


def by_fee_type(items: Iterable[ChargeItem]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for item in items:
        sums[item.fee_type] += item.amount
    return dict(sums)


def still_to_charge(lm: LineMonth, items: list[ChargeItem]) -> dict[str, Decimal]:
    """Per fee type, what the month costs minus what was already taken in real time (may be negative)."""
    owed = by_fee_type(items)
    delta = {}
    for fee_type in set(owed) | set(lm.charged):
        value = owed.get(fee_type, ZERO) - lm.charged.get(fee_type, ZERO)
        if value != ZERO:
            delta[fee_type] = value
    return delta


def postings_for(customer_account, delta: dict[str, Decimal], revenue_accounts: dict) -> list:
    """The customer's balance pays the difference; each fee type's revenue account takes its part
    (discounts are a revenue account of their own, on the debit side)."""
    from billing.services.ledger import Posting

    total = sum(delta.values(), ZERO)
    postings = [Posting(revenue_accounts[fee_type], -amount) for fee_type, amount in sorted(delta.items())]
    if total != ZERO:
        postings.insert(0, Posting(customer_account, total))
    return postings


def revenue_accounts() -> dict:
    from billing.services.ledger import ledger_account_revenue

    return {fee_type: ledger_account_revenue(fee_type=fee_type) for fee_type in FeeType.values}
