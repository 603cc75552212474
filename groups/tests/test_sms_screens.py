"""The group SMS screens: the counter's form, each room's step on the application page, the password shown
once, the printed documents, the worklists on the home screens, and the permission matrix."""

import re

import pytest
from django.urls import reverse

from boss.models import AuditEvent, Hall
from boss.roles import ROLES
from groups.models import GroupSmsApplication
from groups.services import (
    group_sms_application_create,
    group_sms_documents_required,
    group_sms_hand_over,
    group_sms_platform_build,
    group_sms_receive,
)

pytestmark = pytest.mark.django_db

VIEW = {"sales_rep", "customer_manager", "store_manager", "big_customer_room", "data_business_room", "manager"}
ACCEPT = {"sales_rep", "customer_manager", "store_manager"}
DOCS = group_sms_documents_required(government_body=False, pays_cash=False, agent=False)


@pytest.fixture
def sms_rep(make_staff, hall):
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    return make_staff("sales_rep")


@pytest.fixture
def databiz(make_staff):
    return make_staff("data_business_room", hall=None)


@pytest.fixture
def application(sms_rep, group):
    return group_sms_application_create(actor=sms_rep, customer=group.customer, purpose="会议通知",
                                        documents_checked=DOCS, letter_seal_checked=True)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_permission_matrix(client, make_staff, hall, sms_rep, room, databiz, application, role):
    """Every group SMS screen, GET and POST, and both PDFs, for every role."""
    from customers.tests.factories import OrganizationFactory
    from groups.models import GroupCustomer

    other = GroupCustomer.objects.create(customer=OrganizationFactory(), key_contact_name="周五",
                                         key_contact_phone="13900002222", hall=hall)
    built = group_sms_application_create(actor=sms_rep, customer=other.customer, purpose="促销通知",
                                         documents_checked=DOCS, letter_seal_checked=True)
    group_sms_hand_over(actor=sms_rep, application=built)
    group_sms_receive(actor=room, application=built)
    group_sms_platform_build(actor=databiz, application=built, account="corp07")
    client.force_login(make_staff(role))
    pages = {reverse("groups:sms_list"): VIEW, reverse("groups:sms_detail", args=[application.pk]): VIEW,
             reverse("groups:sms_new", args=[application.group.customer_id]): ACCEPT,
             reverse("groups:sms_application_pdf", args=[application.pk]): VIEW,
             reverse("groups:sms_notice_pdf", args=[built.pk]): {"big_customer_room"}}
    for url, allowed in pages.items():
        assert client.get(url).status_code == (200 if role in allowed else 403), (role, url)
    posts = {reverse("groups:sms_receive", args=[application.pk]): {"big_customer_room"},
             reverse("groups:sms_platform", args=[application.pk]): {"data_business_room"},
             reverse("groups:sms_notice", args=[application.pk]): {"big_customer_room"},
             reverse("groups:sms_confirm", args=[application.pk]): {"big_customer_room"}}
    for url, allowed in posts.items():   # the application is not at these steps: a refusal, not a write
        assert client.post(url).status_code == (409 if role in allowed else 403), (role, url)
    application.refresh_from_db()
    assert application.state == "accepted"
    handed = client.post(reverse("groups:sms_hand_over", args=[application.pk]))
    assert handed.status_code == (302 if role in ACCEPT else 403), role
    application.refresh_from_db()
    assert application.state == ("handed_over" if role in ACCEPT else "accepted"), role


def test_the_counter_form_pre_accepts_and_refuses_with_the_reason(client, sms_rep, group):
    client.force_login(sms_rep)
    url = reverse("groups:sms_new", args=[group.customer_id])
    page = client.get(url).content.decode()
    assert "信息安全责任书" in page and not re.search(r"<input[^>]*\schecked[\s>=]", page)   # nothing preselected
    data = {"purpose": "会议通知", "documents_checked": DOCS}
    refused = client.post(url, data)   # the letter's seal not checked
    assert refused.status_code == 400 and "须加盖公章才有效" in refused.content.decode()
    assert not GroupSmsApplication.objects.exists()
    done = client.post(url, {**data, "letter_seal_checked": "on"})
    app = GroupSmsApplication.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("groups:sms_detail", args=[app.pk])


def test_cluster_numbers_refused_row_by_row_on_the_form(client, sms_rep, group):
    client.force_login(sms_rep)
    response = client.post(reverse("groups:sms_new", args=[group.customer_id]), {
        "purpose": "会议通知", "documents_checked": DOCS, "letter_seal_checked": "on", "cluster_network": "on",
        "members": "13700000000\nabc"})
    page = response.content.decode()
    assert response.status_code == 400 and "不是本网号码" in page and "第 2 行" in page
    assert not GroupSmsApplication.objects.exists()


def test_the_rooms_steps_and_the_password_shown_once(client, sms_rep, room, databiz, application):
    group_sms_hand_over(actor=sms_rep, application=application)
    group_sms_receive(actor=room, application=application)
    client.force_login(databiz)
    url = reverse("groups:sms_platform", args=[application.pk])
    bad = client.post(url, {"platform_account": "1x"})
    assert bad.status_code == 400 and "以字母开头" in bad.content.decode()
    answer = client.post(url, {"platform_account": "corp01"})
    assert answer.status_code == 200 and answer["Cache-Control"].startswith("max-age=0")
    page = answer.content.decode()
    password = page.split('<code>')[1].split('</code>')[0]
    assert len(password) == 12 and "仅显示这一次" in page
    again = client.get(reverse("groups:sms_detail", args=[application.pk])).content.decode()
    assert password not in again and "corp01" in again
    client.force_login(room)
    notice = client.get(reverse("groups:sms_notice_pdf", args=[application.pk]))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    client.post(reverse("groups:sms_notice", args=[application.pk]), {"registered_mail_number": "XA123456789CN"})
    client.post(reverse("groups:sms_confirm", args=[application.pk]), {"confirmation_note": "王经理已确认"})
    application.refresh_from_db()
    assert application.state == "open"
    copy = client.get(reverse("groups:sms_application_pdf", args=[application.pk]))
    assert copy.status_code == 200 and copy.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="group_sms.open").count() == 1


def test_each_room_sees_its_queue_on_the_home_screen(client, sms_rep, room, databiz, application,
                                                     django_assert_max_num_queries):
    client.force_login(sms_rep)
    assert "已预受理：当天移交大客户室" in client.get("/").content.decode()
    group_sms_hand_over(actor=sms_rep, application=application)
    client.force_login(room)
    with django_assert_max_num_queries(30):
        page = client.get("/").content.decode()
    assert "集团短信待办" in page and application.number in page and "已移交：待大客户室接收" in page
    client.force_login(databiz)
    assert application.number not in client.get("/").content.decode()    # not yet its step
    group_sms_receive(actor=room, application=application)
    with django_assert_max_num_queries(30):
        page = client.get("/").content.decode()
    assert "集团短信待办" in page and application.number in page and "数据业务室制作平台数据" in page


def test_another_halls_organization_is_not_found(client, make_staff, other_hall, group):
    client.force_login(make_staff("sales_rep", hall=other_hall))
    assert client.get(reverse("groups:sms_new", args=[group.customer_id])).status_code == 404
    data = {"key_contact_name": "周敏", "key_contact_phone": "13900001234", "level": "B"}
    assert client.post(reverse("groups:group_register", args=[group.customer_id]), data).status_code == 404
