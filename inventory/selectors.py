"""Reads of the number pool and the stock, for screens, the API and the services above."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property, reduce
from operator import or_

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Reverse, Right
from django.utils import timezone

from boss.permissions import actor_spans_halls, restrict_to_actor
from boss.prepared import Prepared
from catalog.grading import SHAPE_DIGITS, endings_shapes, rule_endings
from catalog.models import NumberGrade, NumberGradeRule, SimCapacity, in_force_q
from inventory.errors import NumberNotFoundError
from inventory.models import (
    Gift,
    GiftStock,
    GiftStockMovement,
    Handset,
    NumberReservation,
    NumberResource,
    RechargeCard,
    SimCard,
)

Status = NumberResource.Status

# A pattern search becomes one index range scan per ending it stands for (AABB: 90). Rules that stand
# for more endings than this still grade numbers but are not offered as search patterns.
PATTERN_MAX_ENDINGS = 100
# Counting every match of a broad search over a million numbers costs more than the rep gains from the
# exact figure (50 pages is more than anyone reads): counts stop here and the screen says "1,000+".
# A search's count stops here (the screen: "more than 200 free numbers match: narrow the search"). Ten pages
# are more than a customer looks through at the counter; counting to 1,000 read five times the rows and was
# most of a broad search's time over a pool of a million numbers (issue 20: 12-17 ms against 5-6 ms).
SEARCH_COUNT_CAP = 200


# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------


def number_free_q(now=None) -> Q:
    """Free, or reserved with the time up: every read sees a lapsed reservation as free (unless the number
    was reserved during its cool-down, which then goes on: see `NumberResource.effective_status`)."""
    now = now or timezone.now()
    return Q(status=Status.FREE) | (Q(status=Status.RESERVED, reserved_until__lte=now)
                                    & (Q(frozen_until__isnull=True) | Q(frozen_until__lte=now)))


def number_list_free(*, now=None) -> QuerySet:
    return (NumberResource.objects.filter(number_free_q(now)).select_related("grade", "segment")
            .order_by("msisdn"))


def _reversed_index_usable(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "postgresql"


def _endings_q(qs: QuerySet, endings: tuple[str, ...]) -> tuple[QuerySet, Q]:
    """Numbers ending with any of `endings`, in conditions that one index range in number order answers
    where it can.

    - Endings that are exactly the numbers of some narrow shapes (AABB: the 90 endings are the shape AABB):
      the stored shape (the shape index; AAA is two shapes).
    - One ending of four digits with a narrow shape (8888): the shape and the last four digits (the
      narrow-ending index). A longer ending (18888) is rare enough for the reversed index below.
    - Otherwise, on PostgreSQL each ending is a prefix range of reverse(msisdn), one scan of the reversed-text
      index each (a BitmapOr for several); the planner reads the number index in order instead when matches
      are dense (ending 8). Elsewhere (SQLite): the last digits compared in C (LIKE, or an IN list of the
      tails), since reverse() there is a Python function called on every row.
    """
    tail = endings_shapes(endings)
    if tail.narrow and tail.exact:
        return qs, Q(ending_shape__in=tail.shapes) if len(tail.shapes) > 1 else Q(ending_shape=tail.shapes[0])
    if tail.narrow and len(endings) == 1 and len(endings[0]) == SHAPE_DIGITS:
        qs = qs.alias(msisdn_last4=Right("msisdn", SHAPE_DIGITS))
        return qs, Q(ending_shape=tail.shapes[0], msisdn_last4=endings[0])
    if _reversed_index_usable(qs):
        qs = qs.alias(msisdn_reversed=Reverse("msisdn"))
        return qs, reduce(or_, (Q(msisdn_reversed__startswith=e[::-1]) for e in endings))
    if len(endings) == 1:
        return qs, Q(msisdn__endswith=endings[0])
    by_length: dict[int, list[str]] = {}
    for ending in endings:
        by_length.setdefault(len(ending), []).append(ending)
    for length in by_length:
        qs = qs.alias(**{f"msisdn_tail{length}": Right("msisdn", length)})
    return qs, reduce(or_, (Q(**{f"msisdn_tail{length}__in": tails}) for length, tails in by_length.items()))


def numbers_ending(qs: QuerySet, ending: str) -> QuerySet:
    """Numbers ending with `ending` (`ending 8888`)."""
    qs, condition = _endings_q(qs, (ending,))
    return qs.filter(condition)


def numbers_containing(qs: QuerySet, digits: str) -> QuerySet:
    return qs.filter(msisdn__contains=digits)  # LIKE '%168%': the trigram index on PostgreSQL


def number_pattern_rules() -> QuerySet:
    """The grading rules a rep can search by (AABB, ABCD ...), best grades first."""
    return (NumberGradeRule.objects.filter(active=True).exclude(kind=NumberGradeRule.Kind.CONTAINS)
            .order_by("-priority", "code"))


def number_pattern_searchable(rule: NumberGradeRule) -> bool:
    return rule.searchable and len(rule_endings(rule.kind, rule.pattern)) <= PATTERN_MAX_ENDINGS


def numbers_with_pattern(qs: QuerySet, rule: NumberGradeRule) -> QuerySet:
    """Numbers whose ending follows the rule's pattern, whatever grade they were given."""
    endings = rule_endings(rule.kind, rule.pattern)
    if not number_pattern_searchable(rule):
        return qs.none()
    qs, condition = _endings_q(qs, endings)
    return qs.filter(condition)


def number_get(*, msisdn: str) -> NumberResource:
    number = NumberResource.objects.select_related("grade", "segment").filter(msisdn=msisdn).first()
    if number is None:
        raise NumberNotFoundError(msisdn=msisdn)
    return number


def number_grade(*, msisdn: str) -> NumberGrade:
    """The grade of a number in the pool: what a quote prices it by. Raises NumberNotFoundError."""
    number = number_with_grade(msisdn=msisdn)
    if number is None:
        raise NumberNotFoundError(msisdn=msisdn)
    return number.grade


# The counter's reads of one number and of its reservation, compiled once per process (boss/prepared.py): an
# opening reads both at its pre-input and its payment (issue 20).
_NUMBER_WITH_GRADE = Prepared(lambda msisdn: NumberResource.objects.select_related("grade").filter(msisdn=msisdn),
                              str)
_ACTIVE_RESERVATION = Prepared(lambda number: NumberReservation.objects.filter(
    number_id=number, state=NumberReservation.State.ACTIVE).order_by(), int)


# Who holds the live reservations of a rep and of a hall (the reservation quota, at every reservation): at most the
# two caps' rows (number.max_live_reservations_per_rep and _per_hall), counted by the caller.
_LIVE_HELD_BY_REP_OR_HALL = Prepared(lambda rep, hall, now: NumberReservation.objects.filter(
    Q(reserved_by_id=rep) | Q(hall_id=hall), state=NumberReservation.State.ACTIVE, reserved_until__gt=now,
).order_by().values_list("reserved_by_id", "hall_id"), int, int, datetime)
_LIVE_HELD_BY_REP = Prepared(lambda rep, now: NumberReservation.objects.filter(
    reserved_by_id=rep, state=NumberReservation.State.ACTIVE, reserved_until__gt=now,
).order_by().values_list("reserved_by_id", "hall_id"), int, datetime)


def live_reservation_holders(*, rep_id: int, hall_id: int | None, now: datetime) -> list[tuple[int, int | None]]:
    """(holder, hall) of each live reservation the rep holds or, with a hall, the hall holds."""
    return _LIVE_HELD_BY_REP_OR_HALL(rep_id, hall_id, now) if hall_id is not None else _LIVE_HELD_BY_REP(rep_id, now)


def number_with_grade(*, msisdn: str) -> NumberResource | None:
    """The number with its grade read with it, or None."""
    return _NUMBER_WITH_GRADE.first(msisdn)


def number_reservation_active(*, number_id: int) -> NumberReservation | None:
    """The number's reservation in the active state, lapsed or not (the database keeps at most one)."""
    return _ACTIVE_RESERVATION.first(number_id)


def number_live_reservation(*, number: NumberResource, now=None) -> NumberReservation | None:
    now = now or timezone.now()
    return (NumberReservation.objects.select_related("reserved_by", "customer", "hall")
            .filter(number=number, state=NumberReservation.State.ACTIVE, reserved_until__gt=now).first())


def reservation_list_for_actor(*, actor, now=None) -> QuerySet:
    """Live reservations the actor may see and release: their own; a store manager's hall; a manager all."""
    now = now or timezone.now()
    qs = (NumberReservation.objects.filter(state=NumberReservation.State.ACTIVE, reserved_until__gt=now)
          .select_related("number__grade", "reserved_by", "hall", "customer").order_by("reserved_until"))
    if actor.has_perm("inventory.release_any_reservation"):
        if actor_spans_halls(actor):
            return qs
        if actor.hall_id is None:
            return qs.filter(reserved_by=actor)
        return qs.filter(Q(reserved_by=actor) | Q(hall_id=actor.hall_id))
    return qs.filter(reserved_by=actor)


# --------------------------------------------------------------------------------------------------
# A customer who left despite retention and comes back (process 3.2: priority number selection)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReturnPriority:
    """The priority number selection of a customer who left despite the retention attempt.

    It starts on the day they left (the pre-cancellation that recorded the failed retention) and lasts
    `number.return_priority_days` days: it is live up to and including `until`. While it lasts, the
    customer may take back their former numbers still in cool-down (nobody else may), and their
    reservations last `number.return_reservation_factor` times as long.
    """

    left_on: date
    until: date
    msisdn: str  # the line they left with

    def is_live(self, on: date | None = None) -> bool:
        return (on or timezone.localdate()) <= self.until


# Retention attempts are kept by orders (a layer above); it answers through this hook, set once at start-up
# (orders/apps.py). A customer's latest priority, live or expired, or None.
_return_priority_source = None


def return_priority_source_set(source) -> None:
    """`source(customer=...) -> ReturnPriority | None`, registered by the app that records retention."""
    global _return_priority_source
    _return_priority_source = source


def return_priority_latest(*, customer) -> ReturnPriority | None:
    if _return_priority_source is None:
        raise RuntimeError("No return-priority source is registered (orders registers one at start-up).")
    return _return_priority_source(customer=customer)


def returning_customer_priority(*, customer, on: date | None = None) -> ReturnPriority | None:
    """The customer's priority number selection if it is live today, else None."""
    priority = return_priority_latest(customer=customer)
    return priority if priority is not None and priority.is_live(on) else None


def return_priority_numbers(*, customer, now=None) -> list[NumberResource]:
    """The customer's former numbers in cool-down and held by nobody: numbers of their cancelled lines whose
    last line was theirs (a number resold and cancelled again is its last owner's), that are cooling down
    with an end set (a pending cancellation's number is still its line's: the line is re-opened instead)
    and not under a live reservation."""
    from customers.models import Line

    now = now or timezone.now()
    msisdns = set(Line.objects.filter(customer__identity_id=customer.identity_id, status=Line.Status.CANCELLED)
                  .values_list("msisdn", flat=True))
    if not msisdns:
        return []
    last = {}
    for msisdn, identity_id, status in (Line.objects.filter(msisdn__in=msisdns).order_by("msisdn", "pk")
                                        .values_list("msisdn", "customer__identity_id", "status")):
        last[msisdn] = (identity_id, status)
    mine = [m for m, (identity_id, status) in last.items()
            if identity_id == customer.identity_id and status == Line.Status.CANCELLED]
    return list(NumberResource.objects.filter(msisdn__in=mine, frozen_until__gt=now)
                .filter(Q(status=Status.FROZEN) | Q(status=Status.RESERVED, reserved_until__lte=now))
                .select_related("grade", "segment").order_by("msisdn"))


class CappedPaginator(Paginator):
    """A paginator whose count stops at SEARCH_COUNT_CAP (`capped` tells when there were more).

    The count reads the matching ids (at most the cap and one). When they are all there (a narrow search, such as
    five digits anywhere in the number), a page is read by those ids: otherwise PostgreSQL may walk the number
    index in order for its 20 rows and, when it thinks the matches more common than they are, read a good part of
    a million numbers to find them (`contains` of five digits: 37 ms at p95, issue 20)."""

    cap = SEARCH_COUNT_CAP
    capped = False
    _ids: list[int] | None = None

    def count_queryset(self) -> QuerySet:
        # Without the ordering: counting in number order would walk the whole number index. Nor the joins of
        # the page: the count needs the numbers only.
        return self.object_list.order_by().select_related(None).values_list("pk", flat=True)[: self.cap + 1]

    @cached_property
    def count(self) -> int:
        ids = list(self.count_queryset())
        self.capped = len(ids) > self.cap
        if not self.capped:
            self._ids = ids
        return min(len(ids), self.cap)

    def page(self, number):
        number = self.validate_number(number)   # counts first
        if self._ids is None:
            return super().page(number)
        bottom = (number - 1) * self.per_page   # as Paginator.page, on the matches read by their ids
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.object_list.filter(pk__in=self._ids)[bottom:top], number, self)


# --------------------------------------------------------------------------------------------------
# Stock (hall-scoped)
# --------------------------------------------------------------------------------------------------


def sim_list_for_actor(*, actor) -> QuerySet:
    return restrict_to_actor(SimCard.objects.select_related("hall"), actor).order_by("hall__code", "iccid")


def handset_list_for_actor(*, actor) -> QuerySet:
    return restrict_to_actor(Handset.objects.select_related("hall", "model"), actor).order_by("hall__code", "imei")


def recharge_card_list_for_actor(*, actor) -> QuerySet:
    return restrict_to_actor(RechargeCard.objects.select_related("hall"), actor).order_by("hall__code", "serial")


def stock_summary_for_actor(*, actor) -> dict[str, list[dict]]:
    """Counts per hall, item type and status: three grouped queries, whatever the stock's size."""
    def grouped(qs, *fields):
        labels = dict(qs.model.Status.choices)
        rows = list(restrict_to_actor(qs, actor).values("hall__code", "hall__name", *fields, "status")
                    .annotate(n=Count("pk")).order_by("hall__code", *fields, "status"))
        for row in rows:
            row["status_label"] = labels.get(row["status"], row["status"])
            if "capacity" in row:
                row["capacity_label"] = dict(SimCapacity.choices).get(row["capacity"], row["capacity"])
        return rows

    return {
        "sims": grouped(SimCard.objects.all(), "capacity"),
        "handsets": grouped(Handset.objects.all(), "model__brand", "model__name"),
        "recharge_cards": grouped(RechargeCard.objects.all(), "face_value"),
    }


# --------------------------------------------------------------------------------------------------
# Points gifts
# --------------------------------------------------------------------------------------------------


def gift_stock_list_for_actor(*, actor) -> QuerySet:
    """The gift stock rows of the actor's hall (every hall for roles spanning halls), the picture left out."""
    return (restrict_to_actor(GiftStock.objects.select_related("hall", "gift"), actor)
            .defer("gift__picture").order_by("hall__code", "gift__points", "gift__code"))


def gift_stock_movements(*, stock, limit: int = 100) -> list:
    return list(GiftStockMovement.objects.filter(stock=stock).select_related("actor").order_by("-pk")[:limit])


def gifts_in_stock_at(*, hall, today) -> list:
    """The gifts redeemable today with at least one in stock at this hall, cheapest first, each with its
    `in_stock` count (one query; the pictures are served apart)."""
    return list(Gift.objects.filter(in_force_q(today), active=True, stock__hall=hall,
                                    stock__quantity__gt=0)
                .defer("picture").annotate(in_stock=F("stock__quantity")).order_by("points", "code"))
