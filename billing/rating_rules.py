"""The rating and billing rules the specification leaves open, decided here and nowhere else.

Both the set-based SQL (PostgreSQL) and the row-by-row Python (SQLite, tests) read their rules from this
module, and a PostgreSQL test checks that the two give identical rated records.

Usage (话单) → fee type, allowance, rate
-----------------------------------------
| record                                   | fee type       | from the allowance  | rate (plan field)            |
|------------------------------------------|----------------|---------------------|------------------------------|
| voice, roaming (in or out)               | roaming        | no                  | roaming_per_minute           |
| voice, incoming, not roaming             | voice          | no                  | free (国内接听免费)            |
| voice, outgoing, long distance           | long_distance  | no                  | long_distance_per_minute     |
| voice, outgoing                          | voice          | voice_minutes       | overage_per_minute           |
| SMS, incoming                            | sms            | no                  | free                         |
| SMS, outgoing, roaming                   | roaming        | no                  | overage_per_sms              |
| SMS, outgoing                            | sms            | sms_count           | overage_per_sms              |
| data, roaming                            | roaming        | no                  | overage_per_mb               |
| data                                     | data           | data_mb             | overage_per_mb               |

- Voice is counted in whole minutes per call, rounded up (a 61-second call is 2 minutes); a call of
  0 seconds (not answered) is 0 minutes. SMS count 1 each. Data is counted in KB as the switch reports
  it and charged per KB at the per-MB rate / 1024.
- Roaming wins over long distance (a call home from abroad is a roaming call). Domestic long distance
  and domestic roaming no longer exist in China (abolished 2017), so the flags mean international.
- Allowances are consumed in time order (then by record id) within a line, month and fee type; the
  record that crosses the end of the allowance is split: the part inside is free, the rest is charged.
- Every record's charge is rounded half up to the fen on its own, so the bill is exactly the sum of the
  itemised bill.

Months, days and proration
--------------------------
- A month is a calendar month in Asia/Shanghai; a record belongs to the month it started in.
- A line is live on a day from its activation day to the day before its cancellation day.
- The plan's monthly fee and its allowances are prorated by live days / days in the month (首月按天
  折算): the fee rounded half up to the fen, allowances rounded down to a whole unit. A full month is
  exactly the plan's fee and allowance. Suspension (for arrears, on request, loss) does not stop the
  monthly fee (停机保号).
- Features are charged for the days they were on within the live days (`since` to `until`, both
  included). Discounts on the monthly fee are prorated the same way and never take it below zero.
- A plan changes from the first of a month (次月生效), or from a day within it where the tariff allows an
  immediate plan change. A line's plan on a day is the newest LinePlanPeriod covering that day, else
  `Line.plan`. The monthly fee is prorated per plan by the live days each plan was in force (each part
  rounded half up to the fen, so a month of two plans may differ by a fen from a single rounding); the
  allowances are the sum of each plan's allowance prorated the same way (each rounded down). Usage beyond
  the allowances is rated at the rates of the plan in force on the month's last day, and percentage
  discounts on the monthly fee are of that plan's fee (never more than the month's fee).

Secondary cards (主副卡)
----------------------
A secondary card (customers.SecondaryCard) shares its primary line's allowance from the day it is added
through the day it is removed (Shanghai dates). Each of its records made on such a day is rated in the
primary's pool: against the primary's allowances of the month (prorated as above, by the primary's plans)
and, beyond them, at the primary's rates; its records of other days use its own plan. The pool is used in
time order over all its lines' records together (then by record id), so whichever line uses the last
minute gets it. While it shares, the secondary's own plan's allowances are not added to the pool; the
secondary still pays its own plan's monthly fee and carries its own charges on its own bill. Each card
costs its primary line the monthly fee of the catalogue add-on the tariff names
(`billing.secondary_card_addon`: FAM-FK-10, 主副卡 副卡10元/张; none, or a code the catalogue lacks: free),
prorated like a feature by the days the card was attached (both ends included) within the primary's live
days and the add-on's own validity (valid_from, valid_until; an add-on off sale costs nothing): a `feature`
item of the primary's bill named with the card's number, taken in advance from a prepaid primary like its
other monthly fees (a card removed gives back its days after the removal). Lines that shared in a month are
rated, and billed, together; a member whose month was billed keeps its rating, and what it took is no longer
in the pool.

Minimum monthly spend (保底消费) of premium numbers
-------------------------------------------------
A month covered by a line's LineCommitment costs at least its minimum: each commitment's monthly amount
prorated like the plan's fee (by the days it covers within the live days), against every charge of the
month net of discounts; the shortfall is a `minimum_spend` item added by the bill run only
(billing.services.charges.minimum_spend_top_up), never by the real-time charges of prepaid lines.

Late fees (滞纳金)
-----------------
Late fees on the previous month's overdue bills are a `late_fee` item of the next bill, added by the bill
run only (billing/services/late_fees.py says how they accrue, are capped and waived); they are not
spending and do not count toward a minimum spend.

Prepaid (real-time) accounts
----------------------------
Real time means: as soon as the BOSS knows a charge, it is taken from the balance. The month's fees
(plan, features, discounts) are taken in advance at the start of the month, or the night after an
opening or a feature change (prorated for the rest of the month); usage is taken when it is rated
(each import is rated and charged the same hour). Each time, only the difference between what the
month costs so far and what was already taken is posted (a cancellation gives the unused days back).
The month-end bill of a prepaid line is then a statement: it posts only what is still missing.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from billing.models import FeeType, UsageRecord
from boss.money import CENT, ZERO
from boss.months import days_in_month, local_date, month_end

KB_PER_MB = 1024
SECONDS_PER_MINUTE = 60


def live_range(period: date, activated_at: datetime | None, cancelled_at: datetime | None) -> tuple[date, date] | None:
    """The first and last live day of a line within the month (both included), or None."""
    if activated_at is None:
        return None
    first = max(period, local_date(activated_at))
    last = month_end(period)
    if cancelled_at is not None:
        last = min(last, local_date(cancelled_at) - timedelta(days=1))
    return (first, last) if first <= last else None


def overlap_days(span: tuple[date, date] | None, since: date | None, until: date | None) -> int:
    """Days of `span` that fall between since and until (both included; None is open)."""
    if span is None:
        return 0
    first = max(span[0], since) if since else span[0]
    last = min(span[1], until) if until else span[1]
    return (last - first).days + 1 if first <= last else 0


def prorate_money(amount: Decimal, days: int, period: date) -> Decimal:
    total = days_in_month(period)
    if days >= total:
        return Decimal(amount).quantize(CENT)
    return (Decimal(amount) * days / total).quantize(CENT, rounding=ROUND_HALF_UP)


def prorate_units(units: int, days: int, period: date) -> int:
    total = days_in_month(period)
    if days >= total:
        return int(units)
    return int((Decimal(units) * days / total).to_integral_value(rounding=ROUND_DOWN))


# --------------------------------------------------------------------------------------------------
# Rating a record
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingParams:
    """What rating needs to know about one line in one month."""

    line_id: int
    plan_id: int
    voice_allowance: int      # minutes
    sms_allowance: int        # messages
    data_allowance_kb: int    # KB
    per_minute: Decimal
    per_sms: Decimal
    per_mb: Decimal
    roaming_per_minute: Decimal
    long_distance_per_minute: Decimal


def rating_params(*, line_id: int, plan, live_days: int, period: date, shares=None) -> RatingParams:
    """`shares`: [(plan, live days)] when the month had several plans (the allowances add up); `plan` rates."""
    shares = shares or [(plan, live_days)]
    return RatingParams(
        line_id=line_id, plan_id=plan.pk,
        voice_allowance=sum(prorate_units(p.voice_minutes, d, period) for p, d in shares),
        sms_allowance=sum(prorate_units(p.sms_count, d, period) for p, d in shares),
        data_allowance_kb=sum(prorate_units(p.data_mb * KB_PER_MB, d, period) for p, d in shares),
        per_minute=plan.overage_per_minute, per_sms=plan.overage_per_sms, per_mb=plan.overage_per_mb,
        roaming_per_minute=plan.roaming_per_minute, long_distance_per_minute=plan.long_distance_per_minute,
    )


@dataclass(frozen=True)
class Classified:
    fee_type: str
    allowance: int | None     # None: not from an allowance
    rate: Decimal
    per_kb: bool              # the rate is per MB and the units are KB


def classify(*, kind: str, direction: str, roaming: bool, long_distance: bool, p: RatingParams) -> Classified:
    """The table in the module docstring. `rating_sql()` below is the same table in SQL."""
    kinds, incoming = UsageRecord.Kind, UsageRecord.Direction.IN
    if kind == kinds.VOICE:
        if roaming:
            return Classified(FeeType.ROAMING, None, p.roaming_per_minute, False)
        if direction == incoming:
            return Classified(FeeType.VOICE, None, ZERO, False)
        if long_distance:
            return Classified(FeeType.LONG_DISTANCE, None, p.long_distance_per_minute, False)
        return Classified(FeeType.VOICE, p.voice_allowance, p.per_minute, False)
    if kind == kinds.SMS:
        if direction == incoming:
            return Classified(FeeType.SMS, None, ZERO, False)
        if roaming:
            return Classified(FeeType.ROAMING, None, p.per_sms, False)
        return Classified(FeeType.SMS, p.sms_allowance, p.per_sms, False)
    if roaming:
        return Classified(FeeType.ROAMING, None, p.per_mb, True)
    return Classified(FeeType.DATA, p.data_allowance_kb, p.per_mb, True)


def units(*, kind: str, duration_seconds: int, volume_kb: int) -> int:
    if kind == UsageRecord.Kind.VOICE:
        return (duration_seconds + SECONDS_PER_MINUTE - 1) // SECONDS_PER_MINUTE
    if kind == UsageRecord.Kind.SMS:
        return 1
    return volume_kb


def charge(*, charged_units: int, rate: Decimal, per_kb: bool) -> Decimal:
    amount = Decimal(charged_units) * Decimal(rate)
    if per_kb:
        amount = amount / KB_PER_MB
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def included(*, units_: int, allowance: int | None, used_before: int) -> int:
    """Units of this record inside the allowance, given what earlier records of the month used."""
    if allowance is None:
        return 0
    return max(0, min(units_, allowance - used_before))


# The same table in SQL, over a usage record `u` joined to its line's parameters `p` (a temporary table
# with the RatingParams columns). Kept beside the Python so the two are read and changed together.
SQL_FEE_TYPE = """CASE
    WHEN u.kind = 'voice' AND u.roaming THEN 'roaming'
    WHEN u.kind = 'voice' AND u.direction = 'in' THEN 'voice'
    WHEN u.kind = 'voice' AND u.long_distance THEN 'long_distance'
    WHEN u.kind = 'voice' THEN 'voice'
    WHEN u.kind = 'sms' AND u.direction = 'in' THEN 'sms'
    WHEN u.kind = 'sms' AND u.roaming THEN 'roaming'
    WHEN u.kind = 'sms' THEN 'sms'
    WHEN u.roaming THEN 'roaming'
    ELSE 'data' END"""
SQL_ALLOWANCE = """CASE
    WHEN u.kind = 'voice' AND NOT u.roaming AND u.direction = 'out' AND NOT u.long_distance THEN p.voice_allowance
    WHEN u.kind = 'sms' AND u.direction = 'out' AND NOT u.roaming THEN p.sms_allowance
    WHEN u.kind = 'data' AND NOT u.roaming THEN p.data_allowance_kb
    ELSE NULL END"""
SQL_RATE = """CASE
    WHEN u.kind = 'voice' AND u.roaming THEN p.roaming_per_minute
    WHEN u.kind = 'voice' AND u.direction = 'in' THEN 0
    WHEN u.kind = 'voice' AND u.long_distance THEN p.long_distance_per_minute
    WHEN u.kind = 'voice' THEN p.per_minute
    WHEN u.kind = 'sms' AND u.direction = 'in' THEN 0
    WHEN u.kind = 'sms' THEN p.per_sms
    ELSE p.per_mb END"""
SQL_UNITS = f"""CASE
    WHEN u.kind = 'voice' THEN (u.duration_seconds + {SECONDS_PER_MINUTE - 1}) / {SECONDS_PER_MINUTE}
    WHEN u.kind = 'sms' THEN 1
    ELSE u.volume_kb END"""
# ROUND(numeric, 2) in PostgreSQL rounds half away from zero: ROUND_HALF_UP for these positive amounts.
SQL_CHARGE = f"""ROUND(CASE WHEN kind = 'data' THEN (units - included) * rate / {KB_PER_MB}
    ELSE (units - included) * rate END, 2)"""
