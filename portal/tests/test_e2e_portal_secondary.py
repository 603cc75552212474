"""Secondary cards on the portal in a phone-sized browser, with screenshots: the customer signs in, opens the
line's secondary cards, is refused without agreeing (nothing written), adds another of their lines, sees it
listed and removes it."""

import pytest
from playwright.sync_api import expect

from conftest import e2e
from customers.models import SecondaryCard
from notifications.services import notifications_run
from portal.tests.conftest import PASSWORD

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def test_phone_adds_and_removes_a_secondary_card(live_server, browser, live, shot):
    live.plan.max_secondary_cards = 1
    live.plan.save(update_fields=["max_secondary_cards"])
    other = live.open_line("13912345671")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/")
    page.fill("input[name=msisdn]", live.line.msisdn)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_role("heading", name="输入短信验证码")).to_be_visible()
    notifications_run()
    page.reload()
    sms = page.get_by_test_id("simulated-sms").inner_text()
    code = next(word for word in sms.replace("，", " ").split() if word.isdigit() and len(word) == 6)
    page.fill("input[name=code]", code)
    page.get_by_test_id("code-submit").click()
    page.get_by_test_id("line-card").first.click()
    page.get_by_test_id("go-secondary").click()
    expect(page.get_by_role("heading", name="副卡", exact=True)).to_be_visible()
    assert page.input_value("select[name=secondary]") == ""      # nothing chosen for the customer
    page.select_option("select[name=secondary]", str(other.pk))
    page.get_by_test_id("secondary-submit").click()               # not agreed: refused at the field
    expect(page.locator(".p-error").first).to_be_visible()
    assert not SecondaryCard.objects.exists()
    shot(page, "secondary-refused")
    page.check("input[name=agreed]")
    page.get_by_test_id("secondary-submit").click()
    expect(page.get_by_text("副卡已增加")).to_be_visible()
    shot(page, "secondary-added")
    page.goto(f"{live_server.url}/portal/lines/{live.line.pk}/secondary/")
    expect(page.get_by_test_id("secondary-cards")).to_contain_text("13912345671")
    shot(page, "secondary-listed")
    page.locator("[data-testid=secondary-cards] input[name=agreed]").check()
    page.get_by_test_id("secondary-remove-13912345671").click()
    expect(page.get_by_text("副卡已取消")).to_be_visible()
    assert SecondaryCard.objects.get().end_reason == "removed"
    context.close()
