"""Complaint statistics against known data (process 11.6): four complaints in March with known times."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from complaints.figures import complaint_statistics, statistics_charts, statistics_csv, statistics_xlsx
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



def test_escalations_are_counted_by_level(march, manager):
    from boss.permissions import system_actor
    from complaints.services.timelimits import complaint_steps_escalate_overdue

    # D's review step is the only open late step of March (E's is February's: outside the period)
    assert complaint_steps_escalate_overdue(actor=system_actor(), now=NOW) == 2
    with translation.override("en"):
        stats = complaint_statistics(actor=manager, now=NOW, **MARCH)
    assert [(r.label, r.count, r.total) for r in stats.escalations] == [("Department head", 1, 1), ("Manager", 0, 1)]


def test_the_printed_charts_are_svg_with_the_chinese_labels(march, manager):
    import base64

    stats = complaint_statistics(actor=manager, now=NOW, **MARCH)
    svgs = [base64.b64decode(uri.removeprefix("data:image/svg+xml;base64,")).decode()
            for uri in statistics_charts(stats)]
    by_title = {svg.split("<title>", 1)[1].split("</title>", 1)[0]: svg for svg in svgs if "<title>" in svg}
    assert all(svg.lstrip().startswith("<svg") and "Noto Sans CJK SC" in svg for svg in svgs)
    assert {"按类别", "按部门", "各环节及时率 (%)", "满意度"} <= set(by_title), sorted(by_title)
    assert "网络信号差" in by_title["按类别"] and "话费争议" in by_title["按类别"]
    assert "计费部" in by_title["按部门"] and "回访" in by_title["各环节及时率 (%)"]
    assert "不满意" in by_title["满意度"]
    assert "超时督办" not in by_title   # no escalation in March before the job: no empty chart


def test_the_xlsx_has_each_table_with_its_chart(march, manager):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(statistics_xlsx(complaint_statistics(actor=manager, now=NOW, **MARCH))))
    assert book.sheetnames[:2] == ["1 按类别", "2 按部门"]
    category = book["1 按类别"]
    assert [[c.value for c in row] for row in category.iter_rows(min_row=1)] == [
        ["项目", "数量", "占比（%）"], ["网络信号差", 3, 75], ["话费争议", 1, 25]]
    charts = {name: book[name]._charts for name in book.sheetnames}
    assert all(len(found) == 1 for found in charts.values()), {k: len(v) for k, v in charts.items()}
    assert type(charts["1 按类别"][0]).__name__ == "BarChart"
    assert type(charts[book.sheetnames[-1]][0]).__name__ == "PieChart" and book.sheetnames[-1].endswith("满意度")
    stage = [[c.value for c in row] for row in book[book.sheetnames[4]].iter_rows(min_row=2)]
    assert ["部门处理", 66.7, 2, 3] in stage


def test_the_screen_draws_the_charts_of_the_print_from_the_same_figures(march, manager, client):
    import json

    from django.urls import reverse

    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("complaints:statistics"), {"date_from": "2026-03-01", "date_to": "2026-03-31"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        printed = statistics_charts(complaint_statistics(actor=manager, **MARCH))
    specs = json.loads(html.split('<script id="complaint-charts" type="application/json">', 1)[1]
                       .split("</script>", 1)[0])
    by_title = {spec["title"]: spec for spec in specs}
    assert by_title["按类别"] == {"title": "按类别", "kind": "bar", "labels": ["网络信号差", "话费争议"],
                                  "values": [3, 1]}
    assert by_title["满意度"]["kind"] == "pie" and "不满意" in by_title["满意度"]["labels"]
    assert "超时督办" not in by_title and len(specs) == len(printed)   # no empty chart, the print's charts
    assert 'data-charts="complaint-charts"' in html
    assert "boss/vendor/echarts-6.1.0.min.js" in html and "boss/charts.js" in html


def test_suggestions_are_counted_apart_from_the_complaints(march, manager, file_complaint, client):
    from complaints.models import ComplaintCategory

    suggestion = ComplaintCategory.objects.get(code="SUGGESTION")   # made by the migration
    assert suggestion.kind == ComplaintCategory.Kind.SUGGESTION and suggestion.name == "建议"
    at(12, 9, lambda: file_complaint(category=suggestion))
    stats = complaint_statistics(actor=manager, now=NOW, **MARCH)
    assert stats.total == 4 and stats.suggestions == 1
    assert "建议" not in [r.label for r in stats.by_category] and sum(r.count for r in stats.by_channel) == 4
    rows_ = list(csv.reader(io.StringIO(statistics_csv(stats).lstrip("\ufeff"))))
    assert ["建议（单独统计）", "", "1", "", ""] in rows_
    from django.urls import reverse

    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("complaints:statistics"), {"date_from": "2026-03-01", "date_to": "2026-03-31"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-testid="total">4<' in html and 'data-testid="suggestions">1<' in html
    assert "同期收到的建议（单独统计，不计入以下各项）" in html
