"""Secondary cards (主副卡) as rating sees them: which usage of a month is rated in which allowance pool
(billing/rating_rules.py, "Secondary cards"). The memberships are customers.SecondaryCard rows; the
orders services add and end them. No service here: rating reads them.

A month's memberships never change once the month is over (a card is added from today and ends today at the
earliest), so the lines that share within a past month are a fixed set: the bill run bills them together.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from boss.months import month_end


@dataclass(frozen=True)
class Membership:
    secondary_id: int
    primary_id: int
    first: date    # first shared day within the month
    last: date     # last shared day within the month
    seq: int       # the newer membership wins a day two of them cover (removed and added again that day)


def memberships_for_month(line_ids: Iterable[int], period: date) -> list[Membership]:
    """The memberships of these lines (as primary or secondary) that cover some day of the month (one query)."""
    from customers.models import SecondaryCard

    ids = list(line_ids)
    if not ids:
        return []
    first, last = period, month_end(period)
    rows = (SecondaryCard.objects.filter(Q(primary_id__in=ids) | Q(secondary_id__in=ids), since__lte=last)
            .filter(Q(until__isnull=True) | Q(until__gte=first)).order_by("pk")
            .values_list("pk", "secondary_id", "primary_id", "since", "until"))
    return [Membership(secondary_id=s, primary_id=p, first=max(since, first),
                       last=min(until, last) if until else last, seq=pk) for pk, s, p, since, until in rows]


def rating_group(line_ids: Iterable[int], period: date) -> tuple[set[int], list[Membership]]:
    """The lines whose month must be rated together with these — every line that shared an allowance with
    one of them in the month, and so on (a card moved from one primary to another joins both) — and the
    memberships that join them. One query per step of the chain (usually one: no line shares)."""
    group = set(line_ids)
    todo = set(group)
    memberships: dict[int, Membership] = {}
    while todo:
        found = set()
        for m in memberships_for_month(todo, period):
            memberships[m.seq] = m
            found |= {m.secondary_id, m.primary_id}
        todo = found - group
        group |= found
    return group, list(memberships.values())


def rating_group_ids(line_ids: Iterable[int], period: date) -> set[int]:
    return rating_group(line_ids, period)[0]


def pools_by_day(memberships: Iterable[Membership]) -> dict[int, list[Membership]]:
    """Secondary line -> its memberships of the month, newest first (the first one covering a day wins)."""
    out: dict[int, list[Membership]] = defaultdict(list)
    for m in sorted(memberships, key=lambda m: -m.seq):
        out[m.secondary_id].append(m)
    return dict(out)


def pool_of(line_id: int, day: date | None, pools: dict[int, list[Membership]]) -> int:
    """The line whose allowance a record of `line_id` on `day` uses: the primary while the line is its
    secondary card that day, else the line itself."""
    for m in pools.get(line_id, ()):
        if day is not None and m.first <= day <= m.last:
            return m.primary_id
    return line_id
