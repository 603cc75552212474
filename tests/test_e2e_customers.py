"""A rep searches for a customer, registers them (a mistyped check digit is caught at the field first), and
lands on the 360 page; then finds them again by ID number from the global search box. In Chinese, in a
real browser."""

import re

import pytest
from playwright.sync_api import expect

from boss.tests.factories import TEST_PASSWORD
from conftest import e2e

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]

GOOD = "11010519491231002X"
MISTYPED = "110105194912310021"


def test_rep_registers_a_customer_and_opens_the_360_page(live_server, page, make_staff, shot):
    rep = make_staff("sales_rep", username="e2e_cust_rep")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", rep.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    # The customer is not on record yet: the global search (a POST) says so.
    search = page.locator("header input[name=q]")
    search.fill("张三丰")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search/$"))
    expect(page.locator(".empty")).to_contain_text("未找到")
    shot(page, "search-nothing-found")

    page.locator(".sidenav").get_by_text("新建客户").click()
    page.wait_for_url(re.compile(r"/customers/new/$"))
    expect(page.locator("h1")).to_have_text("新建客户")
    expect(page.locator("#id_number")).to_be_focused()  # keyboard first: the number field has focus

    # A mistyped check digit is caught live, at the number, as soon as the rep leaves the field.
    page.fill("#id_number", MISTYPED)
    page.keyboard.press("Tab")
    live_error = page.get_by_test_id("identity-check-error")
    expect(live_error).to_contain_text("校验位不符")
    expect(live_error).to_have_attribute("data-code", "bad_check_digit")
    page.fill("#id_name", "张三丰")
    page.fill("#id_address", "北京市朝阳区建国路1号院2号楼301")
    page.fill("#id_contact_phone", "+86 139-0000-1111")
    shot(page, "bad-check-digit-live")

    # Submitted anyway, the server refuses at the same field and keeps what was typed.
    page.get_by_role("button", name="登记客户").click()
    page.wait_for_load_state()
    expect(page.locator(".field.has-error #id_number")).to_have_value(MISTYPED)
    expect(page.locator(".field.has-error")).to_contain_text("校验位不符")
    expect(page.locator("#id_name")).to_have_value("张三丰")
    shot(page, "bad-check-digit-refused")

    page.fill("#id_number", GOOD.lower())
    page.keyboard.press("Tab")
    expect(page.get_by_test_id("identity-check-ok")).to_contain_text("1949-12-31")
    page.keyboard.press("Enter")  # Enter submits from the form
    page.wait_for_url(re.compile(r"/customers/\d+/$"))

    banner = page.get_by_test_id("customer-banner")
    expect(banner).to_contain_text("张三丰")
    expect(page.get_by_test_id("banner-identity")).to_have_text("110**************X")
    expect(page.locator(".msg-success")).to_contain_text("客户已登记")
    expect(page.get_by_test_id("history-panel")).to_contain_text("新建客户")
    assert GOOD not in page.content()  # masked everywhere on the page
    shot(page, "customer-360")

    # Found again by ID number from the global search box, masked, and opened with the keyboard.
    search = page.locator("header input[name=q]")
    search.fill(GOOD)
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search/$"))
    hit = page.locator("a[data-hit]").first
    expect(hit).to_have_text("张三丰")
    results = page.locator("#search-results")
    expect(results).to_contain_text("110**************X")
    assert GOOD not in results.inner_html() and GOOD not in page.url  # masked, and never in a URL
    shot(page, "search-by-id")
    hit.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/customers/\d+/$"))
    expect(page.get_by_test_id("customer-banner")).to_contain_text("张三丰")


def test_store_manager_reveals_an_identity_number_with_a_reason(live_server, page, make_staff, shot):
    from customers.tests.factories import CustomerFactory

    manager = make_staff("store_manager", username="e2e_store_mgr")
    customer = CustomerFactory(identity__number=GOOD, identity__name="李四")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", manager.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    expect(page.get_by_test_id("identity-number")).to_have_text("110**************X")

    reveal = page.locator("#reveal")
    reveal.get_by_role("button", name="查看明文").click()  # no reason yet: refused at the reason
    expect(reveal.locator(".has-error")).to_contain_text("请说明查看明文的原因")
    reveal.locator("input[name=reason]").fill("客户对实名登记有异议，核对原件")
    reveal.get_by_role("button", name="查看明文").click()
    expect(page.get_by_test_id("revealed")).to_contain_text(GOOD)
    assert "/reveal/" not in page.url  # swapped in place by htmx: no URL carries the value
    shot(page, "revealed")
