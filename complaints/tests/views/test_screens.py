"""The complaint screens: intake (PRG, idempotent, errors at the field), scope, the step forms, queues with
VIP first and a fixed number of queries, statistics exports, the knowledge base, escalation notices."""

import csv
import io
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from boss.idempotency import new_key
from boss.models import AuditEvent
from boss.permissions import system_actor
from complaints.models import Article, Complaint, ComplaintStep, Escalation
from complaints.services import (
    article_create,
    complaint_dispatch,
    complaint_redispatch,
    complaint_reply,
    complaint_steps_escalate_overdue,
)
from complaints.tests.factories import ArticleCategoryFactory, CustomerFactory, LineFactory, make_vip
from conftest import require_os

pytestmark = pytest.mark.django_db


def detail(complaint):
    return reverse("complaints:complaint_detail", args=[complaint.pk])


def step_url(name, complaint):
    return reverse(f"complaints:complaint_{name}", args=[complaint.pk])


# --- intake -------------------------------------------------------------------------------------------


@pytest.fixture
def intake(client, rep, category, cs, line):
    client.force_login(rep)

    def post(**overrides):
        data = {"channel": "counter", "msisdn": line.msisdn, "category": category.pk, "severity": "normal",
                "description": "室内信号差", "idempotency_key": new_key(), **overrides}
        return client.post(reverse("complaints:complaint_open"), data)

    return post


def test_the_rep_files_a_complaint_and_lands_on_its_work_order(client, intake, line):
    response = intake()
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == detail(complaint)
    assert complaint.line == line
    page = client.get(response.url).content.decode()
    assert complaint.number in page and line.msisdn in page and 'data-testid="timeline"' in page


def test_a_resent_intake_form_files_one_complaint(intake):
    key = new_key()
    first, second = intake(idempotency_key=key), intake(idempotency_key=key)
    assert first.url == second.url and Complaint.objects.count() == 1


def test_an_out_of_scope_dispute_is_shown_at_its_field_and_the_typed_text_is_kept(intake, billing_category):
    old = timezone.localdate() - timedelta(days=200)
    response = intake(category=billing_category.pk, disputed_on=old.isoformat(), description="去年的话费有问题")
    assert response.status_code == 200 and not Complaint.objects.exists()
    form = response.context["form"]
    assert form.errors["disputed_on"] and "5" in form.errors["disputed_on"][0]
    assert "去年的话费有问题" in response.content.decode()


def test_an_unknown_number_is_refused_at_the_number(intake):
    response = intake(msisdn="13700000000")
    assert response.status_code == 200 and "msisdn" in response.context["form"].errors


# --- scope --------------------------------------------------------------------------------------------


def test_another_halls_rep_gets_404_and_the_attempt_is_audited(client, file_complaint, make_staff, other_hall):
    complaint = file_complaint()
    stranger = make_staff("sales_rep", username="rep_b", hall=other_hall)
    client.force_login(stranger)
    assert client.get(detail(complaint)).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=stranger).exists()


def test_a_department_sees_only_complaints_that_were_with_it(client, walk, handler, handler_bill):
    complaint = walk(Complaint.Status.DISPATCHED)
    client.force_login(handler_bill)
    assert client.get(detail(complaint)).status_code == 404
    assert client.get(reverse("complaints:complaint_list")).context["table"].rows.__len__() == 0
    client.force_login(handler)
    assert client.get(detail(complaint)).status_code == 200


# --- the step forms -------------------------------------------------------------------------------------


def test_each_user_sees_only_the_forms_of_the_steps_they_may_take(client, walk, rep, reviewer, handler):
    complaint = walk(Complaint.Status.TO_REVIEW)
    client.force_login(reviewer)
    assert [a["action"].name for a in client.get(detail(complaint)).context["actions"]] == ["dispatch"]
    client.force_login(rep)
    assert client.get(detail(complaint)).context["actions"] == []
    complaint = walk(Complaint.Status.DISPATCHED, complaint)
    client.force_login(handler)
    assert [a["action"].name for a in client.get(detail(complaint)).context["actions"]] == ["reply", "return"]


def test_the_department_with_units_may_also_pass_down(client, walk, handler, net_th):
    complaint = walk(Complaint.Status.DISPATCHED)
    client.force_login(handler)
    names = [a["action"].name for a in client.get(detail(complaint)).context["actions"]]
    assert names == ["reply", "pass_down", "return"]


def test_dispatch_reply_check_and_callback_through_the_screens(client, file_complaint, reviewer, handler, net):
    complaint = file_complaint()
    client.force_login(reviewer)
    response = client.post(step_url("dispatch", complaint), {
        "dispatch-department": net.pk, "dispatch-category": complaint.category_id, "dispatch-severity": "urgent",
        "dispatch-note": "请尽快", "dispatch-idempotency_key": new_key()})
    assert response.status_code == 302 and response.url == detail(complaint)
    client.force_login(handler)
    response = client.post(step_url("reply", complaint), {"reply-reply": "已处理", "reply-idempotency_key": new_key()})
    assert response.status_code == 302
    client.force_login(reviewer)
    client.post(step_url("redispatch", complaint), {"redispatch-reason": "未解决",
                                                    "redispatch-idempotency_key": new_key()})
    client.force_login(handler)
    client.post(step_url("reply", complaint), {"reply-reply": "已彻底解决", "reply-idempotency_key": new_key()})
    client.force_login(reviewer)
    client.post(step_url("accept", complaint), {"accept-answer": "已答复客户", "accept-idempotency_key": new_key()})
    response = client.post(step_url("callback", complaint), {"callback-satisfaction": "satisfied",
                                                             "callback-idempotency_key": new_key()})
    complaint.refresh_from_db()
    assert response.status_code == 302 and complaint.status == Complaint.Status.CLOSED and complaint.round == 2
    page = client.get(detail(complaint)).content.decode()
    assert page.count('data-outcome="replied"') == 2 and 'data-outcome="rejected"' in page


def test_a_refused_step_is_shown_on_the_work_order_and_changes_nothing(client, walk, reviewer, net):
    complaint = walk(Complaint.Status.CLOSED)
    client.force_login(reviewer)
    response = client.post(step_url("dispatch", complaint), {
        "dispatch-department": net.pk, "dispatch-category": complaint.category_id, "dispatch-severity": "normal",
        "dispatch-idempotency_key": new_key()})
    assert response.status_code == 200
    assert response.context["complaint"].status == Complaint.Status.CLOSED
    assert "form-errors" in response.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.CLOSED


def test_a_handler_of_another_department_cannot_post_a_reply(client, walk, handler_bill):
    complaint = walk(Complaint.Status.DISPATCHED)
    client.force_login(handler_bill)
    response = client.post(step_url("reply", complaint), {"reply-reply": "x", "reply-idempotency_key": new_key()})
    assert response.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.DISPATCHED


def test_a_double_click_on_a_step_replays_instead_of_failing(client, walk, handler):
    complaint = walk(Complaint.Status.DISPATCHED)
    client.force_login(handler)
    data = {"reply-reply": "已处理", "reply-idempotency_key": new_key()}
    first, second = client.post(step_url("reply", complaint), data), client.post(step_url("reply", complaint), data)
    assert first.status_code == second.status_code == 302
    assert ComplaintStep.objects.filter(complaint=complaint, outcome="replied").count() == 1


def test_a_reply_may_carry_an_answer_template(client, walk, handler, manager):
    template = article_create(actor=manager, title="信号答复模板", kind="answer_template",
                              category=ArticleCategoryFactory(), body="您好，已处理。")
    complaint = walk(Complaint.Status.DISPATCHED)
    client.force_login(handler)
    picker = client.get(reverse("complaints:article_templates"), {"q": "信号"}).content.decode()
    assert f'data-insert-template="{template.pk}"' in picker and "您好，已处理。" in picker
    client.post(step_url("reply", complaint), {"reply-reply": "您好，已处理。", "reply-template_article": template.pk,
                                                "reply-idempotency_key": new_key()})
    assert template.uses.count() == 1


# --- queues ---------------------------------------------------------------------------------------------


def test_the_queue_puts_vip_customers_first_then_the_earliest_due(client, file_complaint, reviewer, hall):
    import time_machine

    base = timezone.now()
    complaints = {}
    for name, hours_ago, vip in (("old", 5, False), ("new_vip", 1, True), ("newest", 0, False), ("old_vip", 3, True)):
        line = LineFactory(hall=hall, customer=CustomerFactory())
        if vip:
            make_vip(line.customer)
        with time_machine.travel(base - timedelta(hours=hours_ago), tick=False):
            complaints[name] = file_complaint(msisdn=line.msisdn)
    make_vip(complaints["newest"].customer, until=timezone.localdate() - timedelta(days=1))  # expired VIP
    client.force_login(reviewer)
    url = reverse("complaints:queue_review")

    def numbers(**params):
        return [row.record.complaint.number for row in client.get(url, params).context["table"].rows]

    expected = [complaints[n].number for n in ("old_vip", "new_vip", "old", "newest")]
    assert numbers() == expected
    assert numbers(sort="-due_at") == [complaints[n].number for n in ("new_vip", "old_vip", "newest", "old")]
    html = client.get(url).content.decode()
    assert html.count('class="vip ') == 2


def test_the_queue_marks_steps_overdue_or_due_soon(client, file_complaint, reviewer, hall):
    # review steps are due 24 hours after intake; "due soon" is the last complaint.due_soon_hours (4)
    import time_machine

    base = timezone.now()
    filed = {}
    for name, hours_ago in (("fresh", 1), ("soon", 21), ("late", 25)):
        with time_machine.travel(base - timedelta(hours=hours_ago), tick=False):
            filed[name] = file_complaint(msisdn=LineFactory(hall=hall, customer=CustomerFactory()).msisdn)
    client.force_login(reviewer)
    response = client.get(reverse("complaints:queue_review"))
    cells = {row.record.complaint.number: str(row.get_cell("due_at")) for row in response.context["table"].rows}
    assert "badge" not in cells[filed["fresh"].number]
    assert "即将超时" in cells[filed["soon"].number]
    assert "已超时" in cells[filed["late"].number] and "即将超时" not in cells[filed["late"].number]


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_queue_list_and_work_order_use_a_fixed_number_of_queries(client, file_complaint, reviewer, handler, net, hall,
                                                                django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            line = LineFactory(hall=hall, customer=CustomerFactory())
            make_vip(line.customer)
            complaint_dispatch(actor=reviewer, complaint=file_complaint(msisdn=line.msisdn), department=net)
            file_complaint(msisdn=line.msisdn)

    client.force_login(reviewer)
    urls = [reverse("complaints:queue_review"), reverse("complaints:complaint_list")]
    fill(2)
    small = [_queries(client, url) for url in urls]
    fill(15)
    large = [_queries(client, url) for url in urls]
    assert small == large, "a list screen's query count grows with its rows (N+1)"
    for url in urls:
        with django_assert_max_num_queries(16):
            client.get(url)

    # The work order: the same queries for one round as for three.
    one = complaint_dispatch(actor=reviewer, complaint=file_complaint(), department=net)
    three = complaint_dispatch(actor=reviewer, complaint=file_complaint(), department=net)
    for _ in range(2):
        three = complaint_reply(actor=handler, complaint=three, reply="r")
        three = complaint_redispatch(actor=reviewer, complaint=three, reason="again")
    client.force_login(handler)
    assert _queries(client, detail(one)) == _queries(client, detail(three))
    with django_assert_max_num_queries(22):
        client.get(detail(three))


# --- escalations and the home panel ---------------------------------------------------------------------


def test_the_department_head_gets_the_notice_in_their_queue_and_acknowledges_it(client, walk, head_net):
    complaint = walk(Complaint.Status.DISPATCHED)
    complaint_steps_escalate_overdue(actor=system_actor(), now=timezone.now() + timedelta(days=4))
    client.force_login(head_net)
    queue = client.get(reverse("complaints:queue_handle"))
    assert [e.step.complaint for e in queue.context["notices"]] == [complaint]
    escalation = Escalation.objects.get()
    url = reverse("complaints:queue_handle")
    response = client.post(reverse("complaints:escalation_acknowledge", args=[escalation.pk]), {"next": url})
    assert response.status_code == 302 and response.url == url
    assert client.get(url).context["notices"] == []


def test_the_manager_sees_the_escalations_after_the_head(client, walk, manager, head_net):
    walk(Complaint.Status.DISPATCHED)
    later = timezone.now() + timedelta(days=4)
    complaint_steps_escalate_overdue(actor=system_actor(), now=later)
    complaint_steps_escalate_overdue(actor=system_actor(), now=later + timedelta(days=2))
    client.force_login(manager)
    rows = client.get(reverse("complaints:escalation_list")).context["table"].rows
    assert [row.record.level for row in rows] == [Escalation.Level.MANAGER]


def test_the_home_panel_counts_the_users_queues_and_the_search_finds_complaints(client, walk, reviewer, rep):
    complaint = walk(Complaint.Status.TO_REVIEW)
    client.force_login(reviewer)
    panels = client.get(reverse("home")).context["panels"]
    panel = next(p for p in panels if p.template == "complaints/_home_panel.html")
    assert [row["count"] for row in panel.context["rows"]] == [1, 0, 0]
    client.force_login(rep)
    hits = client.post(reverse("search"), {"q": complaint.number}).context["hits"]
    assert [h.title for h in hits] == [complaint.number]


# --- statistics ------------------------------------------------------------------------------------------


def test_statistics_screen_and_csv(client, walk, manager):
    walk(Complaint.Status.CLOSED)
    client.force_login(manager)
    today = timezone.localdate()
    params = {"date_from": today.replace(day=1).isoformat(), "date_to": today.isoformat()}
    page = client.get(reverse("complaints:statistics"), params)
    assert page.context["stats"].total == 1
    response = client.get(reverse("complaints:statistics_csv"), params, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[1][2] == "1"


def test_an_invalid_period_falls_back_to_this_month(client, manager):
    client.force_login(manager)
    page = client.get(reverse("complaints:statistics"), {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert page.context["form"].errors["date_to"]
    assert page.context["stats"].date_from == timezone.localdate().replace(day=1)


@pytest.mark.needs_os
@require_os(binaries=["pdftotext"])
def test_statistics_print_as_a_chinese_pdf(client, walk, manager, tmp_path):
    walk(Complaint.Status.CLOSED)
    client.force_login(manager)
    response = client.get(reverse("complaints:statistics_pdf"))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    path = tmp_path / "stats.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "投诉统计" in text and "网络信号差" in text and "按渠道" in text
    # the charts (pygal SVG drawn as text in the CJK font): the category in the chart's axis and in the table
    assert text.count("网络信号差") >= 2 and text.count("按类别") >= 2


# --- knowledge base -------------------------------------------------------------------------------------


def test_writing_searching_and_editing_an_article(client, manager):
    kb = ArticleCategoryFactory()
    client.force_login(manager)
    response = client.post(reverse("complaints:article_create"), {
        "title": "携号转网须知", "kind": "technical", "category": kb.pk, "body": "办理携号转网前须结清欠费。"})
    article = Article.objects.get()
    assert response.status_code == 302 and response.url == reverse("complaints:article_detail", args=[article.pk])
    results = client.get(reverse("complaints:article_list"), {"q": "转网"}).context["page"]
    assert [a.title for a in results] == ["携号转网须知"]
    edit = reverse("complaints:article_edit", args=[article.pk])
    data = {"title": "携号转网须知（新）", "kind": "technical", "category": kb.pk, "body": "新正文", "base_version": 1}
    assert client.post(edit, data).status_code == 302
    stale = client.post(edit, {**data, "title": "被覆盖？"})
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    article.refresh_from_db()
    assert (article.version, article.title) == (2, "携号转网须知（新）")
    assert client.get(reverse("complaints:article_detail", args=[article.pk])).context["versions"].count() == 2


def test_a_date_field_is_shown_as_an_iso_date_for_the_browser(client, manager):
    client.force_login(manager)
    html = client.get(reverse("complaints:statistics")).content.decode()
    assert f'value="{timezone.localdate().replace(day=1).isoformat()}"' in html


def test_the_callback_staff_see_the_full_contact_number_others_a_masked_one(client, file_complaint, reviewer, rep):
    complaint = file_complaint(contact_phone="13912345678")
    client.force_login(reviewer)
    assert "13912345678" in client.get(detail(complaint)).content.decode()
    client.force_login(rep)
    page = client.get(detail(complaint)).content.decode()
    assert "13912345678" not in page and "139****5678" in page


def test_the_admin_edits_categories_and_their_time_limits(client, make_staff, category):
    client.force_login(make_staff("admin", username="the_admin", hall=None, is_staff=True))
    assert client.get(reverse("admin:complaints_complaintcategory_change", args=[category.pk])).status_code == 200
    assert client.get(reverse("admin:complaints_articlecategory_changelist")).status_code == 200
