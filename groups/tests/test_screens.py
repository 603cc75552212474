"""The VPMN screens: each role's step on the application page, the manager's password, the worklists on the
home screens, and the permission matrix of the group screens."""

import pytest
from django.urls import reverse

from boss.roles import ROLES
from groups.models import VpmnApplication
from groups.services import vpmn_application_create, vpmn_callout_record, vpmn_documents_required
from groups.tests.conftest import rows, writes_besides_failed_logins

pytestmark = pytest.mark.django_db
PASSWORD = "Ab1!correct-horse"

VIEW = {"sales_rep", "customer_manager", "store_manager", "big_customer_room", "data_business_room", "manager"}
ACCEPT = {"sales_rep", "customer_manager", "store_manager"}
ISSUE = {"big_customer_room"}


@pytest.fixture
def application(counter_rep, group, own_lines):
    return vpmn_application_create(actor=counter_rep, group=group, rows=rows(own_lines[0].msisdn),
                                   documents_checked=vpmn_documents_required(agent=False))


@pytest.mark.parametrize("role", sorted(ROLES))
def test_permission_matrix(client, make_staff, hall, application, role):
    """Every group screen, GET and POST, for every role: the allowed roles reach it (a POST without its data
    is refused with a message and a redirect, writing nothing), the others get 403."""
    from groups.models import GroupDocumentBatch

    batch = GroupDocumentBatch.objects.create(kind=GroupDocumentBatch.Kind.VPMN_ARCHIVE, hall=hall,
                                              period="2026-11-25")
    client.force_login(make_staff(role))
    customer_pk = application.group.customer_id
    pages = {reverse("groups:vpmn_list"): VIEW, reverse("groups:vpmn_detail", args=[application.pk]): VIEW,
             reverse("groups:vpmn_agreement_pdf", args=[application.pk]): VIEW,
             reverse("groups:vpmn_members", args=[customer_pk]): ACCEPT,
             reverse("groups:vpmn_new", args=[customer_pk]): ACCEPT,
             reverse("groups:group_register", args=[customer_pk]): ACCEPT,
             reverse("groups:vpmn_import_file", args=[application.pk]): ISSUE}
    for url, allowed in pages.items():
        assert client.get(url).status_code == (200 if role in allowed else 403), (role, url)
    posts = {reverse("groups:vpmn_callout", args=[application.pk]): ACCEPT,
             reverse("groups:vpmn_sign", args=[application.pk]): ACCEPT,     # no manager's password: refused
             reverse("groups:vpmn_open", args=[application.pk]): ACCEPT,     # not issued yet: refused
             reverse("groups:vpmn_issue", args=[application.pk]): ISSUE}     # not signed yet: refused
    for url, allowed in posts.items():
        assert client.post(url).status_code == (302 if role in allowed else 403), (role, url)
    application.refresh_from_db()
    assert application.state == VpmnApplication.State.DRAFT and application.signed_by is None
    signed = client.post(reverse("groups:batch_sign_for", args=[batch.pk]))
    assert signed.status_code == (302 if role in ISSUE else 403), role
    batch.refresh_from_db()
    assert (batch.received_at is not None) == (role in ISSUE), role


def test_the_manager_signs_with_their_own_password(client, counter_rep, make_staff, application, own_lines):
    manager = make_staff("store_manager")
    manager.set_password(PASSWORD)
    manager.save()
    client.force_login(counter_rep)
    url = reverse("groups:vpmn_detail", args=[application.pk])
    page = client.get(url).content.decode()
    assert "尚未外呼" in page and own_lines[0].msisdn not in page and "138****0000" in page
    client.post(reverse("groups:vpmn_callout", args=[application.pk]),
                {"candidate": application.candidates.get().pk, "result": "confirmed"})
    before = writes_besides_failed_logins()
    wrong = client.post(reverse("groups:vpmn_sign", args=[application.pk]),
                        {"override_username": manager.username, "override_password": "wrong"}, follow=True)
    assert "经理的用户名或密码不正确" in wrong.content.decode()
    application.refresh_from_db()
    assert application.state == "draft" and application.signed_by is None
    # Nothing is written but the failed login (the audit's record and the lockout's count, one each).
    after = writes_besides_failed_logins()
    assert after["failed_logins"] == before["failed_logins"] + 1
    assert after["lockout_attempts"] == before["lockout_attempts"] + 1
    assert {k: v for k, v in after.items() if k not in ("failed_logins", "lockout_attempts")} == \
        {k: v for k, v in before.items() if k not in ("failed_logins", "lockout_attempts")}
    client.post(reverse("groups:vpmn_sign", args=[application.pk]),
                {"override_username": manager.username, "override_password": PASSWORD})
    application.refresh_from_db()
    assert application.state == VpmnApplication.State.SIGNED and application.signed_by == manager


def test_the_big_customer_room_sees_its_queue_on_the_home_screen(client, room, counter_rep, store_manager,
                                                                 application, own_lines,
                                                                 django_assert_max_num_queries):
    from groups.services import vpmn_application_sign

    vpmn_callout_record(actor=counter_rep, application=application, msisdn=own_lines[0].msisdn, result="confirmed")
    vpmn_application_sign(actor=counter_rep, application=application, approver=store_manager)
    client.force_login(room)
    with django_assert_max_num_queries(30):
        page = client.get("/").content.decode()
    assert "VPMN 待办" in page and application.number in page and "已签署：待大客户室处理" in page


def test_the_designated_counter_accepts_a_vpmn_application_typed_or_uploaded(client, counter_rep, make_staff, group,
                                                                             own_lines, private_line):
    import io

    from openpyxl import Workbook

    url = reverse("groups:vpmn_new", args=[group.customer_id])
    docs = vpmn_documents_required(agent=False)
    client.force_login(make_staff("sales_rep"))          # not a designated counter
    refused = client.post(url, {"kind": "new", "documents_checked": docs, "members": own_lines[0].msisdn})
    assert refused.status_code == 403 and "指定" in refused.content.decode()
    client.force_login(counter_rep)
    bad = client.post(url, {"kind": "new", "documents_checked": docs,
                            "members": f"{own_lines[0].msisdn}\n{private_line.msisdn}\n12345"})
    page = bad.content.decode()
    assert bad.status_code == 400 and "第 2 行" in page and "第 3 行" in page
    assert not VpmnApplication.objects.exists()
    book = Workbook()
    for ln in own_lines:
        book.active.append([ln.msisdn])
    book.active.append([private_line.msisdn, "是"])
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "members.xlsx"
    done = client.post(url, {"kind": "new", "documents_checked": docs, "member_file": upload})
    app = VpmnApplication.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("groups:vpmn_detail", args=[app.pk])
    assert app.candidates.count() == 4 and app.candidates.get(msisdn=private_line.msisdn).owner_consent



def _printed(client, url) -> str:
    """GET a PDF view: the answer is a PDF, and the text is the HTML it was rendered from."""
    from unittest import mock

    from boss.pdf import render_pdf

    seen = []

    def spy(template, context):
        from django.template.loader import render_to_string

        seen.append(render_to_string(template, context))
        return render_pdf(template, context)

    with mock.patch("groups.views.render_pdf", spy):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return seen[0]


def test_the_vpmn_agreement_prints_in_chinese_with_the_member_list(client, counter_rep, store_manager, application,
                                                                    own_lines):
    from groups.services import vpmn_application_sign
    from groups.tests.test_vpmn_race import _vpmn_discount_in_the_catalogue

    _vpmn_discount_in_the_catalogue()   # an earlier transactional test's flush may have removed it
    client.force_login(counter_rep)
    url = reverse("groups:vpmn_agreement_pdf", args=[application.pk])
    assert url in client.get(reverse("groups:vpmn_detail", args=[application.pk])).content.decode()
    text = _printed(client, url)
    assert "集团VPMN业务协议" in text and application.number in text and application.group.customer.name in text
    assert own_lines[0].msisdn in text and "尚未外呼" in text and "店长尚未签署" in text
    assert "当月月底终止" in text and "待大客户室分配" in text and "优惠 20%" in text
    vpmn_callout_record(actor=counter_rep, application=application, msisdn=own_lines[0].msisdn, result="confirmed")
    vpmn_application_sign(actor=counter_rep, application=application, approver=store_manager)
    text = _printed(client, url)
    assert "确认加入" in text and "店长尚未签署" not in text and f"店长签署：{store_manager.display_name}" in text
    # People by their names, never their user names.
    assert f"营业员：{counter_rep.display_name}" in text
    assert counter_rep.username not in text and store_manager.username not in text


def test_the_call_out_column_names_the_rep_and_the_day(client, make_staff, group, own_lines):
    from django.utils import timezone

    from groups.tests.conftest import designate

    rep = designate(make_staff("sales_rep", username="rep_zhang", first_name="伟", last_name="张"))
    application = vpmn_application_create(actor=rep, group=group, rows=rows(own_lines[0].msisdn),
                                          documents_checked=vpmn_documents_required(agent=False))
    vpmn_callout_record(actor=rep, application=application, msisdn=own_lines[0].msisdn, result="confirmed")
    called = application.candidates.get().called_at
    client.force_login(rep)
    page = client.get(reverse("groups:vpmn_detail", args=[application.pk])).content.decode()
    assert f"{timezone.localtime(called):%Y-%m-%d %H:%M} 张伟" in page
    assert "rep_zhang" not in page.split("<main")[-1].split("</table>")[0]


def test_a_member_leaves_the_group_from_the_members_page(client, counter_rep, make_staff, store_manager, room, group,
                                                         own_lines):
    from boss.models import AuditEvent
    from groups.models import VpmnMember
    from groups.tests.test_vpmn import _to_open
    from groups.tests.test_vpmn_race import _vpmn_discount_in_the_catalogue

    _vpmn_discount_in_the_catalogue()
    _to_open(counter_rep, store_manager, room, group, [own_lines[0].msisdn, own_lines[1].msisdn])
    member = VpmnMember.objects.get(line=own_lines[0])
    url = reverse("groups:vpmn_members", args=[group.customer_id])
    client.force_login(counter_rep)
    assert url in client.get(reverse("customers:detail", args=[group.customer_id])).content.decode()
    page = client.get(url).content.decode()
    assert "138****0000" in page and own_lines[0].msisdn not in page
    # No reason: refused at the field, nothing written.
    refused = client.post(url, {"member": member.pk, "reason": " "})
    assert refused.status_code == 400 and "请说明该号码退出集团的原因" in refused.content.decode()
    member.refresh_from_db()
    assert member.left_at is None and not AuditEvent.objects.filter(action="vpmn.leave").exists()
    # A rep of a counter that is not designated: refused with the reason, nothing written.
    client.force_login(make_staff("sales_rep"))
    other = client.post(url, {"member": member.pk, "reason": "客户要求"})
    assert other.status_code == 403 and "VPMN 只能在指定柜台受理" in other.content.decode()
    member.refresh_from_db()
    assert member.left_at is None
    client.force_login(counter_rep)
    done = client.post(url, {"member": member.pk, "reason": "客户要求"}, follow=True)
    member.refresh_from_db()
    page = done.content.decode()
    assert member.left_at is not None and "138****0000 已退出集团：集团优惠于" in page
    table = page.split('data-testid="vpmn-members"')[1]
    assert "138****0000" not in table and "138****0001" in table
    assert client.post(url, {"member": member.pk, "reason": "再次"}).status_code == 404   # already left


def test_a_member_leaves_through_the_api(counter_rep, store_manager, room, group, own_lines, make_staff):
    from rest_framework.test import APIClient

    from groups.models import VpmnMember
    from groups.tests.test_vpmn import _to_open
    from groups.tests.test_vpmn_race import _vpmn_discount_in_the_catalogue

    _vpmn_discount_in_the_catalogue()
    _to_open(counter_rep, store_manager, room, group, [own_lines[0].msisdn])
    api = APIClient()
    api.force_authenticate(make_staff("sales_rep"))
    path = f"/api/v1/groups/{group.pk}/vpmn-members/{own_lines[0].msisdn}/departure"
    refused = api.post(path, {"reason": "客户要求"}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "vpmn_not_designated_counter"
    api.force_authenticate(counter_rep)
    assert api.post(path, {}, format="json").status_code == 400
    assert VpmnMember.objects.get().left_at is None
    left = api.post(path, {"reason": "客户要求"}, format="json")
    assert left.status_code == 200 and left.json()["msisdn"] == "138****0000"
    assert api.post(path, {"reason": "客户要求"}, format="json").status_code == 404
