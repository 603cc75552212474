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
