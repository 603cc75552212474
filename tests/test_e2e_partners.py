"""The joint blacklist end to end in a real browser: the admin sees the partner's page with its key, the
partner's system pushes an entry with that key over HTTP, and the rep who opens a line for that customer
meets it on the banner of the opening screen; the agent's commission statement prints. Screenshots."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import e2e
from partners.models import BlacklistEntry
from partners.services import partner_create, partner_key_issue
from tests.test_e2e_complaints import login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def test_a_pushed_entry_meets_the_rep_at_the_opening(browser, live_server, make_staff, customer, rep, shot):
    admin = make_staff("admin", username="e2e_padmin", hall=None)
    partner = partner_create(actor=admin, name="中国联通广州分公司", category="operator",
                             interface_number="OP-GZ-UNICOM", receives_blacklist=True)
    _key, raw = partner_key_issue(actor=admin, partner=partner, scopes=["blacklist.push"])

    page = login(browser, live_server, admin)
    response = page.request.post(f"{live_server.url}/api/v1/partner/blacklist/entries", headers={
        "Authorization": f"PartnerKey {raw}"}, data={"entries": [{
            "identity_type": customer.identity.doc_type, "number": customer.identity.number,
            "reason": "异网恶意欠费", "since": str(timezone.localdate())}]})
    assert response.status == 200 and response.json()["created"] == 1
    assert BlacklistEntry.objects.count() == 1
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    expect(page.get_by_test_id("interface-number")).to_have_text("OP-GZ-UNICOM")
    expect(page.get_by_test_id("keys")).to_contain_text("可用")
    shot(page, "partner-page")
    page.goto(f"{live_server.url}/partners/blacklist/")
    expect(page.locator("table")).to_contain_text("异网恶意欠费")
    shot(page, "joint-blacklist")

    counter = login(browser, live_server, rep)
    counter.goto(f"{live_server.url}/orders/open-account/{customer.pk}/")
    expect(counter.get_by_test_id("joint-blacklist")).to_contain_text("联合黑名单：中国联通广州分公司（异网恶意欠费）")
    shot(counter, "opening-banner")


def test_an_agents_commission_statement_shows_and_prints(browser, live_server, make_staff, shot):
    from boss.models import Hall
    from boss.tests.factories import HallFactory
    from partners.services import partner_hall_link

    admin = make_staff("admin", username="e2e_padmin2", hall=None)
    partner = partner_create(actor=admin, name="天河代办商", category="agent", interface_number="AG-TH-01")
    agent_hall = HallFactory(code="AG1", name="天河石牌代办点", kind=Hall.Kind.PARTNER)
    partner_hall_link(actor=admin, partner=partner, hall=agent_hall)
    agent = make_staff("store_manager", username="e2e_agent", hall=agent_hall)
    page = login(browser, live_server, agent)
    page.goto(f"{live_server.url}/partners/{partner.pk}/")
    page.get_by_test_id("statement-link").click()
    expect(page.get_by_test_id("statement")).to_contain_text("天河石牌代办点")
    expect(page.get_by_test_id("statement-total")).to_have_text("¥0.00")
    shot(page, "statement")
    pdf = page.request.get(page.url.rstrip("/") + ".pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    # the agent records a dispute on the statement; the marketing manager resolves it (partly)
    page.get_by_label("争议金额").fill("30.00")
    page.get_by_label("争议内容").fill("少算了2笔开户")
    page.get_by_role("button", name="登记争议").click()
    expect(page.get_by_test_id("disputes")).to_contain_text("处理中")
    expect(page.get_by_test_id("statement-payable").locator("..")).to_contain_text("尚未处理的争议：1 项")
    shot(page, "dispute-recorded")
    marketing = login(browser, live_server, make_staff("manager", username="e2e_mkt", hall=None))
    marketing.goto(page.url)
    form = marketing.locator("[data-testid^=resolve-form-]")
    form.get_by_label("部分认可").check()
    form.get_by_label("认可金额").fill("20.00")
    form.get_by_label("处理理由").fill("核实1笔开户在本月")
    form.get_by_role("button", name="处理").click()
    expect(marketing.get_by_test_id("statement-payable")).to_have_text("¥20.00")
    shot(marketing, "dispute-resolved")


def test_a_discount_request_is_asked_approved_and_granted_at_the_counter(browser, live_server, live, make_staff,
                                                                        shot):
    from boss.models import Hall
    from catalog.tests.factories import DiscountFactory
    from customers.models import LineDiscount
    from partners.services import partner_hall_link

    admin = make_staff("admin", username="e2e_padmin3", hall=None)
    partner = partner_create(actor=admin, name="天河代办商", category="agent", interface_number="AG-TH-02")
    hall = live.rep.hall
    Hall.objects.filter(pk=hall.pk).update(kind=Hall.Kind.PARTNER)
    hall.refresh_from_db()
    partner_hall_link(actor=admin, partner=partner, hall=hall)
    DiscountFactory(code="AGENT-10", name="代理商九折", percent_off="10")
    agent = login(browser, live_server, make_staff("store_manager", username="e2e_agent3", hall=hall))
    agent.goto(f"{live_server.url}/partners/discount-requests/new/")
    agent.get_by_label("合作伙伴").select_option(label="天河代办商")
    agent.get_by_label("优惠").select_option(label="代理商九折")
    agent.get_by_label("手机号码").fill(live.line.msisdn)
    agent.get_by_label("原因").fill("老客户续约")
    shot(agent, "discount-request-form")
    agent.get_by_role("button", name="提交申请").click()
    expect(agent.get_by_test_id("request-status")).to_have_text("待审批")

    marketing = login(browser, live_server, make_staff("manager", username="e2e_mkt3", hall=None))
    marketing.goto(agent.url)
    marketing.get_by_label("批准").check()
    marketing.get_by_label("审核意见").fill("同意")
    shot(marketing, "discount-request-decision")
    marketing.get_by_role("button", name="保存结论").click()
    expect(marketing.get_by_test_id("request-status")).to_have_text("已批准")

    counter = login(browser, live_server, live.rep)
    counter.goto(agent.url)
    counter.get_by_role("button", name="为号码执行优惠").click()
    expect(counter.get_by_test_id("request-status")).to_have_text("已执行")
    shot(counter, "discount-request-applied")
    assert LineDiscount.objects.filter(line=live.line, discount__code="AGENT-10").exists()
