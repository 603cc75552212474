"""The portal on a phone-sized browser (390×844, touch), with screenshots: a demo customer signs in with the
SMS code, reads the bill, recharges with a card, changes the plan for next month and files a complaint that
the complaint queue receives; another customer's line is a 404."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from boss.models import Department
from complaints.models import Complaint
from complaints.tests.factories import ComplaintCategoryFactory, department
from conftest import e2e, page_wait_until
from inventory.models import RechargeCard
from inventory.services.stock import recharge_pin_hash
from notifications.services import notifications_run
from orders.models import PlanChange
from portal.tests.conftest import PASSWORD

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]

SERIAL, PIN = "10000000000000009", "9876543210987654"


def test_phone_sign_in_bill_recharge_plan_change_complaint(live_server, browser, live, theirs, shot):
    from catalog.tests.factories import PlanFactory

    PlanFactory(code="5G58", name="5G畅享58元", monthly_fee="58.00", valid_from=date(2024, 1, 1))
    RechargeCard.objects.create(serial=SERIAL, face_value="100.00", hall=live.rep.hall,
                                pin_hash=recharge_pin_hash(serial=SERIAL, pin=PIN),
                                valid_until=date.today() + timedelta(days=30))
    department("CS", Department.Kind.CUSTOMER_SERVICE, name="客服中心")
    ComplaintCategoryFactory(code="NET-SIGNAL", name="网络信号差")
    line = live.line
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.fill("input[name=msisdn]", line.msisdn)
    page.fill("input[name=password]", PASSWORD)
    shot(page, "sign-in")
    page.get_by_test_id("signin-submit").click()
    expect(page.get_by_role("heading", name="输入短信验证码")).to_be_visible()
    notifications_run()          # the worker sends it through the simulated gateway
    page.reload()
    sms = page.get_by_test_id("simulated-sms").inner_text()
    code = next(word for word in sms.replace("，", " ").split() if word.isdigit() and len(word) == 6)
    page.fill("input[name=code]", code)
    shot(page, "sms-code")
    page.get_by_test_id("code-submit").click()
    expect(page.get_by_test_id("line-card")).to_contain_text(line.msisdn)
    shot(page, "my-lines")

    page.get_by_test_id("line-card").click()
    page.get_by_test_id("go-bills").click()
    page.get_by_test_id("this-month").click()
    expect(page.get_by_test_id("bill-summary")).to_be_visible()
    shot(page, "bill")

    page.goto(f"{live_server.url}/portal/lines/{line.pk}/recharge/")
    page.fill("input[name=serial]", SERIAL)
    page.fill("input[name=pin]", PIN)
    page.get_by_test_id("recharge-submit").click()
    expect(page.get_by_test_id("done-title")).to_have_text("充值成功")
    shot(page, "recharged")

    page.goto(f"{live_server.url}/portal/lines/{line.pk}/plan/")
    page.select_option("select[name=plan]", "5G58")
    page.check("input[name=agreed]")
    shot(page, "plan-change")
    page.get_by_test_id("plan-submit").click()
    expect(page.get_by_test_id("done-title")).to_have_text("套餐变更已受理")
    assert PlanChange.objects.get(line=line).new_plan.code == "5G58"

    page.goto(f"{live_server.url}/portal/complaints/")
    page.get_by_test_id("go-complaint").click()
    page.select_option("select[name=category]", label="网络信号差")
    page.fill("textarea[name=description]", "小区里信号时有时无")
    page.get_by_test_id("complaint-submit").click()
    expect(page.get_by_test_id("complaint-status")).to_be_visible()
    shot(page, "complaint")
    complaint = Complaint.objects.get()
    assert complaint.channel == "web" and complaint.status == "to_review"

    response = page.goto(f"{live_server.url}/portal/lines/{theirs.pk}/")
    assert response.status == 404
    context.close()


def test_chat_answer_appears_without_reload(live_server, browser, live, make_staff, shot):
    from django.test import Client

    from portal.services.chat import chat_staff_answer
    from portal.tests.conftest import sign_in

    # Sign in through the real flow in a test client, then hand its cookie to the phone's browser.
    client = sign_in(Client(), live.line)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    context.add_cookies([{"name": "boss_portal", "value": client.cookies["boss_portal"].value,
                          "url": f"{live_server.url}/portal/"}])
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/chat/")
    page.fill("textarea[name=text]", "请问怎么查流量？")
    page.get_by_test_id("chat-send").click()
    expect(page.get_by_test_id("chat")).to_contain_text("请问怎么查流量")
    chat_staff_answer(actor=make_staff("complaint_reviewer", username="cs9"), customer=live.line.customer,
                      text="您好，请在“我的号码”里查看详单。")
    expect(page.get_by_test_id("chat")).to_contain_text("查看详单", timeout=10000)   # polled, no reload
    shot(page, "chat-answered")
    context.close()


def test_phone_gift_order_then_the_hall_hands_it_over(live_server, browser, live, make_staff, shot):
    """On a phone: the points page, a gift ordered for pick-up at a redemption hall, the order on the points
    page; then at the hall (the counter's screen): the order in the list of orders to collect, handed over."""
    from django.test import Client

    from inventory.models import Gift
    from loyalty.demo import _picture
    from portal.tests.conftest import sign_in
    from portal.tests.test_gift_order import gift_world

    line = live.line
    w = gift_world(line)
    Gift.objects.filter(pk=w.mug.pk).update(picture=_picture((200, 60, 60)), picture_type="image/png")
    client = sign_in(Client(), line)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                  locale="zh-CN")
    context.add_cookies([{"name": "boss_portal", "value": client.cookies["boss_portal"].value,
                          "url": f"{live_server.url}/portal/"}])
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/points/")
    page.get_by_test_id("go-gift-order").click()
    page.get_by_label("保温杯 · 500 积分").check()
    page.select_option("select[name=hall]", label=w.hall.name)
    picture = page.get_by_test_id("gifts").locator("img")
    expect(picture).to_have_count(1)
    # The picture was served (read once it has loaded: the list is shown before its pictures arrive).
    page_wait_until(page, "document.querySelector('[data-testid=gifts] img').complete")
    assert picture.evaluate("img => img.naturalWidth") == 160
    shot(page, "gift-order")
    page.get_by_test_id("gift-order-submit").click()
    expect(page.get_by_test_id("done-title")).to_have_text("礼品已预约")
    shot(page, "gift-ordered")
    page.goto(f"{live_server.url}/portal/points/")
    expect(page.get_by_test_id("gift-order")).to_contain_text("网上已下单，待领取")
    shot(page, "points-with-order")
    context.close()

    from loyalty.models import Redemption

    order = Redemption.objects.get()
    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    staff_page = staff.new_page()
    rep = live.rep
    rep.set_password("Counter-Demo-2026")
    rep.save()
    staff_page.goto(f"{live_server.url}/login/")
    staff_page.fill("input[name=username]", rep.username)
    staff_page.fill("input[name=password]", "Counter-Demo-2026")
    staff_page.keyboard.press("Enter")
    staff_page.wait_for_url(f"{live_server.url}/")
    staff_page.goto(f"{live_server.url}/loyalty/redemptions/")
    expect(staff_page.get_by_test_id("orders-to-collect")).to_contain_text(order.number)
    shot(staff_page, "hall-orders-to-collect")
    staff_page.goto(f"{live_server.url}/loyalty/redeem/?msisdn={line.msisdn}")
    expect(staff_page.get_by_test_id("orders-here")).to_contain_text(order.number)
    shot(staff_page, "hall-redeem-screen-points-to-the-order")
    staff_page.goto(f"{live_server.url}/loyalty/redemptions/{order.pk}/")
    staff_page.get_by_label("身份证件原件").check()
    staff_page.locator("input[name=receipt_signed]").check()
    shot(staff_page, "hall-pickup")
    staff_page.get_by_test_id("pickup").click()
    expect(staff_page.get_by_test_id("redemption-status")).to_have_attribute("data-state", "completed")
    shot(staff_page, "hall-handed-over")
    staff.close()
