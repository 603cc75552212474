"""A rep selects a premium number in a real browser: searches by ending, walks the results with the
keyboard, reserves the number and sees the live quote with the selection fee (Chinese screens)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from boss.permissions import system_actor
from boss.tests.factories import TEST_PASSWORD
from conftest import e2e

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pool(db):
    from datetime import date

    from catalog.models import Plan
    from inventory.reference import reference_data_ensure
    from inventory.services.stock import stock_import

    reference_data_ensure()
    stock_import(actor=system_actor(), kind="number",
                 data="msisdn\n13912358888\n13812348888\n13912345670\n13912351122\n")
    Plan.objects.create(code="5G-ZX-128", name="5G智享套餐 128元档", network="5g", monthly_fee=Decimal("128.00"),
                        voice_minutes=500, data_mb=30720, valid_from=date(2024, 1, 1))


def test_rep_reserves_a_premium_number_and_sees_the_quote(live_server, page, make_staff, pool, shot):
    from inventory.models import NumberReservation

    rep = make_staff("sales_rep", username="e2e_numbers")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", rep.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")

    page.locator(".sidenav").get_by_text("选号").click()
    page.wait_for_url("**/orders/numbers/")
    assert page.locator("h1").inner_text() == "选号"
    page.fill("#id_ending", "8888")  # htmx swaps the results while the rep types
    results = page.get_by_test_id("number-results")
    expect(results.locator("a[data-hit]")).to_have_count(2)
    assert "特级靓号" in results.inner_text() and "¥2,000.00" in results.inner_text()
    shot(page, "search-by-ending")

    page.locator("#id_ending").focus()
    page.keyboard.press("ArrowDown")  # the first result: 138 1234 8888
    page.keyboard.press("ArrowDown")  # the second: 139 1235 8888
    expect(results.locator("a[data-hit]").nth(1)).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/orders/numbers/13912358888/reserve/")
    assert page.get_by_test_id("selection-fee").inner_text() == "¥2,000.00"
    shot(page, "number-detail")

    page.get_by_role("button", name="预占该号码").click()
    page.wait_for_url("**/orders/quote/**")
    assert "13912358888 已为您预占至" in page.locator(".messages").inner_text()
    assert NumberReservation.objects.filter(number__msisdn="13912358888", reserved_by=rep, state="active").exists()

    page.select_option("#id_product", "5G-ZX-128")
    page.select_option("#id_sim_capacity", "usim")
    lines = page.get_by_test_id("quote-lines")
    lines.get_by_text("选号费（特级靓号）").wait_for()
    assert "¥2,000.00" in lines.inner_text() and "靓号预存话费（特级靓号）" in lines.inner_text()
    page.get_by_test_id("quote-total").filter(has_text="¥5,130.00").wait_for()
    shot(page, "quote-with-selection-fee")
