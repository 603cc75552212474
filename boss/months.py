"""Month arithmetic, the one definition: billing periods, agreement ends, time limits counted in months.

A period is the first day of its month (`date(2026, 2, 1)`); Shanghai is the business time zone.
"""

import calendar
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_add(period: date, months: int) -> date:
    """The first day of the month `months` after (or before, when negative) the month of `period`."""
    index = period.year * 12 + period.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def days_in_month(period: date) -> int:
    return calendar.monthrange(period.year, period.month)[1]


def month_end(period: date) -> date:
    return period.replace(day=days_in_month(period))


def months_after(day: date, months: int) -> date:
    """The same day `months` months later, clamped to the end of a shorter month: 30 November plus three
    months is the last day of February (28 or 29), never 2 March."""
    later = month_add(day, months)
    return later.replace(day=min(day.day, days_in_month(later)))


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier, clamped the same way (31 May minus 3 is 28 or 29 February)."""
    return months_after(day, -months)


def period_bounds(period: date) -> tuple[datetime, datetime]:
    """The month as aware datetimes [start, end) in Shanghai time."""
    start = datetime.combine(period, time.min, tzinfo=SHANGHAI)
    return start, datetime.combine(month_add(period, 1), time.min, tzinfo=SHANGHAI)


def local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(SHANGHAI).date() if moment is not None else None
