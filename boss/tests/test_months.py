from datetime import date

from boss.months import month_add, month_end, months_after, months_before


def test_months_after_keeps_the_day_or_clamps_it_to_the_months_last_day():
    assert months_after(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert months_after(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert months_after(date(2026, 8, 31), 1) == date(2026, 9, 30)
    assert months_after(date(2026, 1, 15), 3) == date(2026, 4, 15)
    assert months_after(date(2026, 10, 31), 3) == date(2027, 1, 31)


def test_months_before_clamps_the_same_way_across_the_year():
    assert months_before(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert months_before(date(2028, 5, 31), 3) == date(2028, 2, 29)
    assert months_before(date(2026, 1, 15), 2) == date(2025, 11, 15)


def test_month_add_and_month_end_work_on_periods():
    assert month_add(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert month_add(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
