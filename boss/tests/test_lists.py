"""The list screens' shared pieces (boss/lists.py, templates/tables/table.html, the signature cache in
boss/apps.py, the frame's context computed once per request)."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import django_tables2 as tables
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import format_html
from django_tables2 import utils

from boss.lists import DateTimeColumn


class _Table(tables.Table):
    name = tables.Column(linkify=lambda record: f"/x/{record['pk']}/")
    amount = tables.Column(attrs={"td": {"class": "num"}})
    count = tables.Column(localize=False)
    when = DateTimeColumn(format="Y-m-d H:i")
    badge = tables.Column(empty_values=())
    flag = tables.Column(attrs={"td": {"class": lambda record: "hot" if record["pk"] == 1 else "cold"}})

    class Meta:
        row_attrs = {"class": lambda record: "vip" if record["pk"] == 1 else ""}

    def render_badge(self, record):
        return format_html("<b>{}</b>", record["name"])


ROWS = [{"pk": 1, "name": "张<三>", "amount": "1.50", "count": 12345, "flag": "a",
         "when": datetime(2026, 1, 2, 3, 4, tzinfo=ZoneInfo("UTC"))},
        {"pk": 2, "name": "李四", "amount": None, "count": 7, "when": None, "flag": "b"}]


def _tbody(html: str) -> str:
    return re.sub(r">\s+<", "><", re.search(r"<tbody.*?</tbody>", html, re.S).group(0))


def test_rows_written_in_one_pass_are_what_the_library_template_writes():
    request = RequestFactory().get("/")
    ours = _Table(ROWS).as_html(request)
    library = _Table(ROWS, template_name="django_tables2/table.html").as_html(request)
    assert _tbody(ours) == _tbody(library)
    assert '<tr class="vip even">' in ours and '<td class="num">1.50</td>' in ours and "张&lt;三&gt;" in ours
    assert "<b>李四</b>" in ours and "2026-01-02 11:04" in ours   # local time (Asia/Shanghai)
    assert '<td class="hot">a</td>' in ours and '<td class="cold">b</td>' in ours   # computed for each row


def test_date_time_column_formats_dates_and_local_times_and_leaves_empties_to_the_default():
    class T(tables.Table):
        on = DateTimeColumn(format="Y-m")
        at = DateTimeColumn(format="Y-m-d H:i:s")

    table = T([{"on": date(2026, 3, 1), "at": datetime(2026, 3, 1, 16, 0, tzinfo=ZoneInfo("UTC"))},
               {"on": None, "at": None}])
    rows = list(table.rows)
    assert [rows[0].get_cell("on"), rows[0].get_cell("at")] == ["2026-03", "2026-03-02 00:00:00"]
    assert [rows[1].get_cell("on"), rows[1].get_cell("at")] == ["—", "—"]


def test_the_signature_of_a_render_method_is_kept_per_function_and_right_for_every_instance():
    assert getattr(utils, "_boss_signature_cached", False)
    first, second = _Table(ROWS), _Table(ROWS[1:])
    assert utils.signature(first.render_badge) == (("record",), None)
    assert utils.signature(second.render_badge) is utils.signature(first.render_badge)

    def plain(value, **kwargs):
        return value

    assert utils.signature(plain) == (("value",), "kwargs")
    assert [row.get_cell("badge") for row in second.rows] == ["<b>李四</b>"]


@pytest.mark.django_db
def test_the_frame_context_is_computed_once_per_request(client, make_staff, monkeypatch):
    from boss import context_processors

    calls = []
    nav_for = context_processors.nav_for
    monkeypatch.setattr(context_processors, "nav_for", lambda user: calls.append(user) or nav_for(user))
    client.force_login(make_staff("store_manager", username="sm"))
    assert client.get(reverse("provisioning:work_order_list")).status_code == 200
    assert len(calls) == 1   # the page, render_table and each TemplateColumn cell share it


def _views(patterns):
    from django.urls import URLPattern, URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "view_class", None)
            if view is not None:
                yield pattern, view


def test_every_list_screen_pages_the_one_way():
    """A django-tables2 list screen pages with LazyListMixin (no COUNT of the whole filtered set) and the view
    does not page the queryset a second time (paginate_by)."""
    from django.urls import get_resolver
    from django_tables2 import SingleTableMixin

    from boss.lists import LazyListMixin

    lists = [(str(p.pattern), v) for p, v in _views(get_resolver().url_patterns) if issubclass(v, SingleTableMixin)]
    assert len(lists) >= 15
    assert [route for route, v in lists if not issubclass(v, LazyListMixin)] == []
    assert [route for route, v in lists if getattr(v, "paginate_by", None)] == []
