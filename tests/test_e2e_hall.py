"""The hall floor in a real browser: a customer and a big customer take tickets at the touch machine, the
display shows the call live, the rep calls the big customer first, serves and finishes; the store manager
sees the waiting and service times; an announcement shows on the counter home and the display."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from boss.tests.factories import TEST_PASSWORD
from conftest import e2e, page_wait_until
from customers.models import CustomerClass
from hall.models import Announcement, HallDevice
from hall.tests.conftest import make_device

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_ticket_vip_first_display_and_statistics(live_server, browser, make_staff, live, shot):
    hall = live.rep.hall
    machine = make_device(hall, HallDevice.Kind.TICKET_MACHINE, "取号机", "e2e-tm")
    screen = make_device(hall, HallDevice.Kind.DISPLAY, "显示屏", "e2e-display")
    CustomerClass.objects.create(customer=live.line.customer, kind=CustomerClass.Kind.VIP, vip_level=2, reason="测试",
                                 since=date(2020, 1, 1))
    store = make_staff("store_manager", username="e2e_store")
    now = timezone.now()
    Announcement.objects.create(title="春节营业时间", body="除夕营业至 16:00", kind=Announcement.Kind.NOTICE,
                                audience=Announcement.Audience.EVERYONE, valid_from=now - timedelta(hours=1),
                                valid_until=now + timedelta(hours=1), mandatory=True, created_by=store)

    kiosk = browser.new_page(viewport={"width": 1080, "height": 1600})
    # The printed ticket calls window.print() from a static script (an inline one is blocked by the CSP).
    kiosk.add_init_script("window.__printed = 0; window.print = function () { window.__printed += 1; };")
    kiosk.goto(f"{live_server.url}/hall/d/{machine.token}/")
    shot(kiosk, "ticket-machine")
    kiosk.get_by_test_id("business-counter").click()
    assert kiosk.get_by_test_id("ticket-number").inner_text() == "A001"
    page_wait_until(kiosk, "window.__printed === 1")
    shot(kiosk, "ticket-ordinary")
    kiosk.goto(f"{live_server.url}/hall/d/{machine.token}/")
    for digit in live.line.msisdn:
        kiosk.locator(f".numpad button[data-key='{digit}']").click()
    kiosk.get_by_test_id("business-vip").click()
    assert kiosk.get_by_test_id("ticket-number").inner_text() == "V001"
    assert "前面还有 0 人" in kiosk.get_by_test_id("ahead").inner_text()
    shot(kiosk, "ticket-vip")

    display = browser.new_page(viewport={"width": 1920, "height": 1080})
    display.goto(f"{live_server.url}/hall/d/{screen.token}/display/")
    assert "欢迎光临" in display.get_by_test_id("now-calling").inner_text()
    assert "春节营业时间" in display.get_by_test_id("display-announcements").inner_text()

    counter = browser.new_page()
    _login(counter, live_server, live.rep)
    assert "春节营业时间" in counter.get_by_test_id("announcements").inner_text()
    counter.fill("#id_window", "3")
    counter.get_by_test_id("call-next").click()
    counter.get_by_test_id("serving").wait_for()
    assert "V001" in counter.get_by_test_id("serving").inner_text()   # the big customer first
    shot(counter, "counter-serving")
    # The display updates itself (no reload).
    display.get_by_text("请 V001 号到 3 号窗口").wait_for(timeout=10000)
    shot(display, "display-calling")
    counter.get_by_role("button", name="办结").click()
    counter.get_by_test_id("call-next").wait_for()

    manager = browser.new_page()
    _login(manager, live_server, store)
    manager.goto(f"{live_server.url}/hall/statistics/")
    assert "大客户" in manager.content() and "平均等候（分钟）" in manager.content()
    shot(manager, "statistics")
