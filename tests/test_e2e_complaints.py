"""A complaint's whole life in a real browser: a rep files it and finds it again, the reviewer dispatches
it, the department replies (with an answer template from the knowledge base), the dispatcher rejects
the reply once and accepts the second, and the callback is recorded. Screenshots at every step."""

import re

import pytest
from playwright.sync_api import expect

from boss.models import Department
from boss.tests.factories import TEST_PASSWORD
from complaints.models import Complaint, ComplaintStep
from complaints.services import article_create
from complaints.tests.factories import (
    ArticleCategoryFactory,
    ComplaintCategoryFactory,
    LineFactory,
    department,
    make_vip,
)
from conftest import e2e

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_staff, hall):
    cs = department("CS", Department.Kind.CUSTOMER_SERVICE, name="分公司客服中心")
    net = department("NET", name="网络部")
    ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差", default_department=net)
    manager = make_staff("manager", username="e2e_manager", hall=None)
    article_create(actor=manager, title="信号差投诉答复模板", kind="answer_template", category=ArticleCategoryFactory(),
                   body="您好！您反映的信号问题我公司已安排优化，目前信号已明显改善。")
    line = LineFactory(hall=hall, msisdn="13800138000")
    make_vip(line.customer)
    return {
        "rep": make_staff("sales_rep", username="e2e_rep"),
        "reviewer": make_staff("complaint_reviewer", username="e2e_reviewer", hall=None, department=cs),
        "handler": make_staff("department_handler", username="e2e_handler", hall=None, department=net),
        "line": line,
    }


def login(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    return page


def open_from_queue(page, live_server, queue, number):
    page.goto(f"{live_server.url}/complaints/queue/{queue}/")
    page.get_by_role("link", name=number).click()
    page.wait_for_url(re.compile(r"/complaints/\d+/$"))


def submit(page, action):
    with page.expect_navigation():
        page.locator(f"[data-testid=action-{action}] button[type=submit]").click()


def test_a_complaint_from_the_counter_to_the_callback(live_server, browser, people, shot):
    # The rep files the complaint at the counter.
    rep = login(browser, live_server, people["rep"])
    rep.goto(f"{live_server.url}/complaints/new/")
    rep.fill("#id_msisdn", people["line"].msisdn)
    rep.select_option("#id_category", label="网络信号差")
    rep.fill("#id_description", "客户反映家中（天河北路）室内信号差，通话经常中断。")
    shot(rep, "rep-files")
    with rep.expect_navigation():
        rep.locator("[data-testid=complaint-open] button[type=submit]").click()
    number = rep.get_by_test_id("complaint-number").inner_text()
    assert number.startswith("TS")
    expect(rep.get_by_test_id("customer-banner")).to_contain_text("13800138000")
    shot(rep, "rep-filed")

    # ... and finds it again from the complaint list.
    rep.goto(f"{live_server.url}/complaints/")
    rep.fill("#id_q", number)
    rep.keyboard.press("Enter")
    rep.wait_for_url(re.compile(r"q=TS"))
    rep.get_by_role("link", name=number).click()
    expect(rep.get_by_test_id("complaint-number")).to_have_text(number)
    shot(rep, "rep-finds-it")

    # The reviewer classifies it and dispatches it to the network department.
    reviewer = login(browser, live_server, people["reviewer"])
    open_from_queue(reviewer, live_server, "review", number)
    reviewer.select_option("#id_dispatch-department", label="网络部")
    reviewer.fill("#id_dispatch-note", "天河北路片区，请现场测试")
    shot(reviewer, "reviewer-dispatches")
    submit(reviewer, "dispatch")
    expect(reviewer.get_by_test_id("complaint-status")).to_have_text("部门处理中")

    # The department replies, starting from an answer template of the knowledge base.
    handler = login(browser, live_server, people["handler"])
    open_from_queue(handler, live_server, "handle", number)
    handler.fill("#template-search", "信号")
    handler.keyboard.press("Enter")  # searches; never submits the reply
    handler.get_by_role("button", name="信号差投诉答复模板").click()
    expect(handler.locator("#id_reply-reply")).to_have_value(re.compile("已安排优化"))
    shot(handler, "handler-replies")
    submit(handler, "reply")

    # The dispatcher judges the reply not effective and sends it back with a reason.
    open_from_queue(reviewer, live_server, "check", number)
    reviewer.fill("#id_redispatch-reason", "客户回电反映信号仍然很差")
    shot(reviewer, "dispatcher-rejects")
    submit(reviewer, "redispatch")

    # The department replies a second time.
    open_from_queue(handler, live_server, "handle", number)
    handler.fill("#id_reply-reply", "已在客户楼内加装室内分布系统，现场测试信号强度良好。")
    submit(handler, "reply")

    # The dispatcher accepts the second reply and the customer is answered.
    open_from_queue(reviewer, live_server, "check", number)
    reviewer.fill("#id_accept-answer", "已加装室内分布系统，您家中信号已恢复正常。")
    submit(reviewer, "accept")
    expect(reviewer.get_by_test_id("complaint-status")).to_have_text("已答复，待回访")

    # The callback with the satisfaction survey closes it.
    open_from_queue(reviewer, live_server, "callback", number)
    reviewer.get_by_label("满意", exact=True).check()
    reviewer.fill("#id_callback-note", "客户表示满意")
    submit(reviewer, "callback")
    expect(reviewer.get_by_test_id("complaint-status")).to_have_text("已办结")
    expect(reviewer.get_by_test_id("satisfaction")).to_have_text("满意")
    outcomes = reviewer.locator("[data-testid=timeline] li").evaluate_all("els => els.map(e => e.dataset.outcome)")
    assert outcomes == ["filed", "dispatched", "replied", "rejected", "replied", "accepted", "called_back"]
    shot(reviewer, "closed-timeline")

    complaint = Complaint.objects.get(number=number)
    assert complaint.status == Complaint.Status.CLOSED and complaint.round == 2
    assert ComplaintStep.objects.filter(complaint=complaint, template_article__isnull=False).count() == 1
