"""Group business in a real browser (Playwright, Debian's chromium), issue 13: a VPMN application from the
designated counter (a refused member list first), the call-out, the store manager's signature (a wrong password
first), the agreement PDF, the big-customer room's group number from its home worklist, the rep's opening; and a
group SMS pre-acceptance (the letter refused without its seal), handed over, received by the room, the
data-business room's platform account with the password shown once, the notice and the phone confirmation.
Screenshots of every step under test-artifacts/e2e/."""

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from boss.models import Hall
from boss.tests.factories import TEST_PASSWORD
from conftest import e2e
from customers.tests.factories import CustomerFactory, LineFactory, OrganizationFactory
from groups.models import GroupCustomer, GroupSmsApplication, VpmnApplication, VpmnMember
from groups.tests.test_vpmn_race import _vpmn_discount_in_the_catalogue
from notifications.models import SmsMessage
from tests.test_e2e_open_account import _login

pytestmark = [*e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(hall, make_staff):
    _vpmn_discount_in_the_catalogue()
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    rep = make_staff("sales_rep", username="vpmn_rep")
    rep.user_permissions.add(Permission.objects.get(codename="vpmn_counter", content_type__app_label="groups"))

    class W:
        pass

    w = W()
    w.rep, w.manager = rep, make_staff("store_manager", username="store_mgr")
    w.room, w.databiz = (make_staff("big_customer_room", hall=None, username="bigcust_e2e"),
                         make_staff("data_business_room", hall=None, username="databiz_e2e"))
    org = OrganizationFactory(created_hall=hall, name="广州示例物流有限公司")
    w.group = GroupCustomer.objects.create(customer=org, key_contact_name="李四", key_contact_phone="13900001111",
                                           hall=hall)
    w.lines = [LineFactory(customer=org, hall=hall, msisdn=f"1380000{i:04d}") for i in range(2)]
    w.private = LineFactory(customer=CustomerFactory(), hall=hall, msisdn="13900009999")
    return w


def _detail(page, live_server, pk, kind="vpmn"):
    page.goto(f"{live_server.url}/groups/{kind}/{pk}/")


def test_vpmn_from_the_counter_to_open_across_rep_store_manager_and_room(live_server, browser, world, shot):
    w = world
    rep = browser.new_page()
    _login(rep, live_server, w.rep)
    rep.goto(f"{live_server.url}/customers/{w.group.customer_id}/")
    expect(rep.get_by_test_id("customer-group")).to_be_visible()
    rep.get_by_test_id("slot-group").get_by_role("link", name="VPMN 申请").click()
    expect(rep.locator("select[name=kind]")).to_have_value("")          # nothing preselected
    rep.select_option("select[name=kind]", "new")
    for doc in ("application_form", "member_list", "licence_copy", "authorization", "contact_id"):
        rep.check(f"input[name=documents_checked][value={doc}]")
    rep.fill("textarea[name=members]", f"{w.lines[0].msisdn}\n{w.private.msisdn}\n12345")
    rep.get_by_role("button", name="受理申请").click()
    errors = rep.locator(".errorlist")
    expect(errors).to_contain_text("机主同意")       # each bad row with its reason, nothing written
    expect(errors).to_contain_text("12345")
    shot(rep, "vpmn-member-list-refused")
    assert not VpmnApplication.objects.exists()
    rep.fill("textarea[name=members]", f"{w.lines[0].msisdn}\n{w.lines[1].msisdn}\n{w.private.msisdn},是")
    rep.get_by_role("button", name="受理申请").click()
    expect(rep.locator("#vpmn-state")).to_have_text("柜台外呼确认中")
    application = VpmnApplication.objects.get()
    rows = rep.locator("table.table tbody tr")
    for i, answer in enumerate(("确认加入", "拒绝加入", "确认加入")):
        rows.nth(i).get_by_role("button", name=answer).click()
        expect(rows.nth(i)).to_contain_text(answer)
    shot(rep, "vpmn-called-out")

    # The store manager signs at the rep's screen with their own password (a wrong one first).
    rep.fill("#id_override_username", w.manager.username)
    rep.fill("#id_override_password", "wrong-password")
    rep.get_by_role("button", name="签署 VPMN 协议").click()
    expect(rep.get_by_role("alert").or_(rep.locator(".messages"))).to_contain_text("经理的用户名或密码不正确")
    assert VpmnApplication.objects.get().state == "draft"
    rep.fill("#id_override_username", w.manager.username)
    rep.fill("#id_override_password", TEST_PASSWORD)
    rep.get_by_role("button", name="签署 VPMN 协议").click()
    expect(rep.locator("#vpmn-state")).to_have_text("已签署：待大客户室处理")
    shot(rep, "vpmn-signed")
    pdf = rep.request.get(f"{live_server.url}/groups/vpmn/{application.pk}/agreement.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

    # The big-customer room finds it on its home screen and issues the group number.
    room = browser.new_page()
    _login(room, live_server, w.room)
    expect(room.locator("body")).to_contain_text("VPMN 待办")
    shot(room, "room-home-worklist")
    room.get_by_role("link", name=application.number).first.click()
    room.get_by_role("button", name="分配集团编号、导入并短信通知成员").click()
    expect(room.locator("#vpmn-state")).to_have_text("已分配集团编号：待开通优惠")
    shot(room, "room-issued")

    # The rep opens the discount of every confirmed number.
    _detail(rep, live_server, application.pk)
    rep.get_by_role("button", name="为每个确认号码开通 VPMN 优惠").click()
    expect(rep.locator("#vpmn-state")).to_have_text("已开通")
    shot(rep, "vpmn-open")
    assert sorted(VpmnMember.objects.values_list("line__msisdn", flat=True)) == [w.lines[0].msisdn, w.private.msisdn]
    assert SmsMessage.objects.filter(template="groups.vpmn_member_notice").count() == 2
    rep.goto(f"{live_server.url}/customers/{w.group.customer_id}/")
    expect(rep.get_by_test_id("group-member")).to_have_count(2)
    shot(rep, "customer-360-group")


def test_group_sms_from_the_counter_to_open_across_the_rooms(live_server, browser, world, shot):
    w = world
    rep = browser.new_page()
    _login(rep, live_server, w.rep)
    rep.goto(f"{live_server.url}/customers/{w.group.customer_id}/")
    rep.get_by_test_id("slot-group").get_by_role("link", name="集团短信预受理").click()
    rep.fill("input[name=purpose]", "员工排班通知")
    for doc in ("security_letter", "licence_copy_sealed", "bank_seal_card"):
        rep.check(f"input[name=documents_checked][value={doc}]")
    rep.get_by_role("button", name="预受理").click()       # the letter's seal not checked: refused
    expect(rep.locator(".errorlist")).to_contain_text("公章")
    shot(rep, "sms-letter-without-seal")
    assert not GroupSmsApplication.objects.exists()
    rep.check("input[name=letter_seal_checked]")
    rep.get_by_role("button", name="预受理").click()
    expect(rep.locator("#sms-state")).to_contain_text("已预受理")
    application = GroupSmsApplication.objects.get()
    rep.get_by_role("button", name="原件移交大客户室").click()
    expect(rep.locator("#sms-state")).to_contain_text("已移交")
    shot(rep, "sms-handed-over")

    room = browser.new_page()
    _login(room, live_server, w.room)
    expect(room.locator("body")).to_contain_text("集团短信待办")
    room.get_by_role("link", name=application.number).first.click()
    room.get_by_role("button", name="接收并转数据业务室").click()
    expect(room.locator("#sms-state")).to_contain_text("数据业务室")

    databiz = browser.new_page()
    _login(databiz, live_server, w.databiz)
    shot(databiz, "databiz-home-worklist")
    databiz.get_by_role("link", name=application.number).first.click()
    databiz.fill("#id_platform_account", "1bad")
    databiz.get_by_role("button", name="平台数据已制作：登记账号").click()
    expect(databiz.locator(".errorlist")).to_contain_text("以字母开头")
    databiz.fill("#id_platform_account", "wuliu_notice")
    databiz.get_by_role("button", name="平台数据已制作：登记账号").click()
    password = databiz.locator("#platform-password code").inner_text()
    assert len(password) == 12
    shot(databiz, "databiz-password-shown-once")
    databiz.reload()
    expect(databiz.locator("#platform-password")).to_have_count(0)
    assert password not in databiz.content()

    room.reload()
    room.fill("#id_registered_mail_number", "XA123456789CN")
    room.get_by_role("button", name="开通通知已寄出").click()
    room.fill("#id_confirmation_note", "李四确认已收到开通通知")
    room.get_by_role("button", name="已电话确认：开通业务").click()
    expect(room.locator("#sms-state")).to_have_text("已开通")
    shot(room, "sms-open")
    assert GroupSmsApplication.objects.get().state == "open"
    assert SmsMessage.objects.filter(template="groups.group_sms_open", msisdn="13900001111").count() == 1
