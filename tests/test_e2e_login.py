"""A demo rep logs in through a real browser and lands on the Chinese counter home."""

import pytest

from boss.tests.factories import TEST_PASSWORD
from conftest import e2e

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def test_rep_logs_in_and_sees_the_chinese_counter_home(live_server, page, make_staff, shot):
    rep = make_staff("sales_rep", username="e2e_rep")
    page.goto(f"{live_server.url}/")
    assert "/login/" in page.url
    shot(page, "login")
    page.fill("#id_username", rep.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "今日工作"
    assert page.get_by_test_id("workplace").inner_text() == rep.hall.name
    assert page.locator(".sidenav").get_by_text("我的钱箱", exact=True).is_visible()
    shot(page, "counter-home")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Today's work"
    shot(page, "counter-home-en")
