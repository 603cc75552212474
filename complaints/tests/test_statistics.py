"""Complaint statistics against known data (process 11.6): four complaints in March with known times."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from complaints.figures import complaint_statistics, statistics_csv
from complaints.services import (
    complaint_accept,
    complaint_callback,
    complaint_dispatch,
    complaint_redispatch,
    complaint_reply,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=TZ)
MARCH = {"date_from": date(2026, 3, 1), "date_to": date(2026, 3, 31)}


def at(day, hour, call):
    with time_machine.travel(datetime(2026, 3, day, hour, 0, tzinfo=TZ), tick=False):
        return call()


@pytest.fixture
def march(file_complaint, make_staff, other_hall, reviewer, handler, handler_bill, net, bill, billing_category):
    rep_b = make_staff("sales_rep", username="rep_b", hall=other_hall)
    # A: counter at hall A, everything on time, satisfied.
    a = at(2, 9, lambda: file_complaint())
    a = at(2, 10, lambda: complaint_dispatch(actor=reviewer, complaint=a, department=net))
    a = at(3, 10, lambda: complaint_reply(actor=handler, complaint=a, reply="已处理"))
    a = at(3, 12, lambda: complaint_accept(actor=reviewer, complaint=a, answer="已答复"))
    a = at(4, 9, lambda: complaint_callback(actor=reviewer, complaint=a, satisfaction="satisfied"))
    # B: hotline billing dispute; the first reply is late (due 03-08 10:00) and ineffective; dissatisfied.
    b = at(5, 9, lambda: file_complaint(actor=reviewer, channel="hotline", category=billing_category,
                                        disputed_on=date(2026, 3, 1)))
    b = at(5, 10, lambda: complaint_dispatch(actor=reviewer, complaint=b, department=bill))
    b = at(9, 11, lambda: complaint_reply(actor=handler_bill, complaint=b, reply="费用正确"))
    b = at(9, 12, lambda: complaint_redispatch(actor=reviewer, complaint=b, reason="客户不认可"))
    b = at(10, 9, lambda: complaint_reply(actor=handler_bill, complaint=b, reply="已退还多收费用"))
    b = at(10, 10, lambda: complaint_accept(actor=reviewer, complaint=b, answer="已退还"))
    b = at(11, 9, lambda: complaint_callback(actor=reviewer, complaint=b, satisfaction="dissatisfied"))
    # C: counter at hall B, solved on the spot.
    at(6, 9, lambda: file_complaint(actor=rep_b, solved_on_the_spot=True, answer="当场解释"))
    # D: counter at hall A, never touched: its review step is late by the end of the month.
    at(20, 9, lambda: file_complaint())
    # E: received in February: not in March's report.
    with time_machine.travel(datetime(2026, 2, 27, 9, 0, tzinfo=TZ), tick=False):
        file_complaint()


def rows(items):
    return [(r.label, r.count) for r in items]


def rates(items):
    return [(r.label, r.hits, r.total) for r in items]


def test_counts_by_channel_category_department_and_hall(march, manager):
    with translation.override("en"):
        stats = complaint_statistics(actor=manager, now=NOW, **MARCH)
    assert stats.total == 4
    assert rows(stats.by_channel) == [("Hall counter", 3), ("Hotline", 1)]
    assert rows(stats.by_category) == [("网络信号差", 3), ("话费争议", 1)]
    assert sorted(rows(stats.by_department)) == [("Not dispatched", 2), ("网络部", 1), ("计费部", 1)]
    assert sorted(rows(stats.by_hall)) == [("No hall (hotline, back office)", 1), ("乙营业厅", 1), ("甲营业厅", 2)]
    assert stats.by_channel[0].share == Decimal("75.0")


def test_on_time_rates_per_stage_and_per_department(march, manager):
    with translation.override("en"):
        stats = complaint_statistics(actor=manager, now=NOW, **MARCH)
    assert rates(stats.on_time_by_stage) == [
        ("Review and dispatch", 2, 3),      # D's review step is open past its due time
        ("Department handling", 2, 3),      # B's first reply came a day late
        ("Check of the reply", 3, 3),
        ("Callback", 2, 2),
    ]
    assert rates(stats.on_time_by_department) == [("计费部", 1, 2), ("网络部", 1, 1)]
    assert stats.on_time_by_stage[0].rate == Decimal("66.7")


def test_regulatory_limit_redispatch_and_satisfaction(march, manager):
    stats = complaint_statistics(actor=manager, now=NOW, **MARCH)
    assert (stats.answered_in_time.hits, stats.answered_in_time.total) == (3, 3)  # D is not due yet
    assert (stats.redispatch.hits, stats.redispatch.total, stats.redispatch.rate) == (1, 2, Decimal("50.0"))
    assert [r.count for r in stats.satisfaction] == [1, 0, 1, 0]
    assert (stats.satisfaction_rate.hits, stats.satisfaction_rate.total) == (1, 2)


def test_a_store_manager_sees_only_their_hall(march, make_staff):
    store = make_staff("store_manager", username="store_a")
    stats = complaint_statistics(actor=store, now=NOW, **MARCH)
    assert stats.total == 2 and rows(stats.by_hall) == [("甲营业厅", 2)]


def test_the_period_is_by_day_received(march, manager):
    stats = complaint_statistics(actor=manager, now=NOW, date_from=date(2026, 3, 5), date_to=date(2026, 3, 6))
    assert stats.total == 2  # B and C
    empty = complaint_statistics(actor=manager, now=NOW, date_from=date(2025, 1, 1), date_to=date(2025, 1, 31))
    assert empty.total == 0 and empty.redispatch.rate is None and empty.by_channel == []


def test_statistics_are_a_fixed_number_of_queries(march, manager, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        complaint_statistics(actor=manager, now=NOW, **MARCH)


def test_the_csv_holds_the_same_figures(march, manager):
    with translation.override("en"):
        stats = complaint_statistics(actor=manager, now=NOW, **MARCH)
        text = statistics_csv(stats)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert table[0] == ["Section", "Item", "Count", "Of", "Rate (%)"]
    assert ["By channel", "Hall counter", "3", "4", "75.0"] in table
    assert ["On time by stage", "Department handling", "2", "3", "66.7"] in table
    assert ["Re-dispatch", "Re-dispatched after an ineffective reply", "1", "2", "50.0"] in table
    assert ["Satisfaction", "Dissatisfied", "1", "2", "50.0"] in table

