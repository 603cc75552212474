"""The hall's self-service terminal in a real browser (a 1080×1920 touch screen, kiosk mode), with
screenshots: sign-in on the on-screen number pad (no keyboard), the balance, a recharge card, the bill and
the itemised bill printed, and the sign-out after 90 s without use (the page's clock run forward)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from conftest import e2e, page_wait_until
from inventory.models import RechargeCard
from inventory.services.stock import recharge_pin_hash
from notifications.services import notifications_run
from portal.tests.conftest import PASSWORD

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]

SERIAL, PIN = "10000000000000017", "1234567890123456"


def _pad(page, field: str, digits: str) -> None:
    """Type on the terminal's number pad (its fields are read-only: no system keyboard)."""
    page.click(f"input[name={field}]")
    expect(page.get_by_test_id("numpad")).to_be_visible()
    for digit in digits:
        page.locator(f".p-numpad button[data-key='{digit}']").click()
    expect(page.locator(f"input[name={field}]")).to_have_value(digits)
    page.locator(".p-numpad button[data-key='done']").click()


def test_kiosk_sign_in_balance_recharge_itemised_print_and_idle_sign_out(live_server, browser, live, shot):
    RechargeCard.objects.create(serial=SERIAL, face_value="50.00", hall=live.rep.hall,
                                pin_hash=recharge_pin_hash(serial=SERIAL, pin=PIN),
                                valid_until=date.today() + timedelta(days=30))
    line = live.line
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.clock.install()
    page.add_init_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
    page.goto(f"{live_server.url}/portal/kiosk/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert page.locator("input[name=msisdn]").get_attribute("readonly") is not None
    _pad(page, "msisdn", line.msisdn)
    _pad(page, "password", PASSWORD)
    shot(page, "kiosk-sign-in")
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_role("heading", name="输入短信验证码")).to_be_visible()
    notifications_run()
    page.reload()
    sms = page.get_by_test_id("simulated-sms").inner_text()
    code = next(word for word in sms.replace("，", " ").split() if word.isdigit() and len(word) == 6)
    _pad(page, "code", code)
    page.get_by_test_id("code-submit").click()
    expect(page.get_by_test_id("line-card")).to_contain_text(line.msisdn)

    page.get_by_test_id("line-card").click()
    expect(page.get_by_test_id("balance")).to_be_visible()
    before = page.get_by_test_id("balance").inner_text()
    for hidden in ("go-plan", "go-secondary", "go-forwarding"):
        expect(page.get_by_test_id(hidden)).to_have_count(0)
    shot(page, "kiosk-balance")

    page.get_by_test_id("go-recharge").click()
    _pad(page, "serial", SERIAL)
    _pad(page, "pin", PIN)
    shot(page, "kiosk-recharge")
    page.get_by_test_id("recharge-submit").click()
    expect(page.get_by_test_id("done-title")).to_have_text("充值成功")
    shot(page, "kiosk-recharged")

    page.goto(f"{live_server.url}/portal/lines/{line.pk}/")
    assert page.get_by_test_id("balance").inner_text() != before
    page.get_by_test_id("go-bills").click()
    shot(page, "kiosk-bills")
    page.get_by_test_id("this-month").click()
    expect(page.get_by_test_id("bill-summary")).to_be_visible()
    page.get_by_test_id("itemised-print").click()
    page_wait_until(page, "window.__printed === 1")
    shot(page, "kiosk-itemised-bill")

    # 90 s without a touch: the page signs out by itself and shows the sign-in again.
    page.clock.fast_forward(89_000)
    expect(page.get_by_test_id("bill-summary")).to_be_visible()
    page.clock.fast_forward(2_000)
    page.wait_for_url("**/portal/signin/**")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_test_id("expired")).to_have_text("您因长时间未操作已退出，请重新登录。")
    shot(page, "kiosk-signed-out")
    page.goto(f"{live_server.url}/portal/lines/{line.pk}/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()   # really signed out
    context.close()
