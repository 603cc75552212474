"""The group business API: a VPMN application and a group SMS pre-acceptance from the counter to open through
the API, with the same services, permissions and hall scoping as the screens; refusals with their code and
Chinese message and nothing written; the platform password in one answer only; numbers masked."""

import uuid

import pytest
from django.contrib.auth.hashers import check_password
from rest_framework.test import APIClient

from boss.models import AuditEvent, Hall
from customers.tests.factories import CustomerFactory
from groups.models import GroupCustomer, GroupSmsApplication, VpmnApplication, VpmnCandidate, VpmnMember
from groups.services import group_sms_documents_required, vpmn_documents_required
from groups.tests.conftest import writes_besides_failed_logins
from notifications.models import SmsMessage

pytestmark = pytest.mark.django_db
PASSWORD = "Ab1!correct-horse"


def as_(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client, path, data=None, **extra):
    return client.post(f"/api/v1/{path}", data or {}, format="json", **extra)


@pytest.fixture
def manager(store_manager):
    store_manager.set_password(PASSWORD)
    store_manager.save()
    return store_manager


def _apply_vpmn(rep, group, numbers, **extra):
    return post(as_(rep), f"groups/{group.pk}/vpmn-applications",
                {"kind": "new", "documents_checked": vpmn_documents_required(agent=False),
                 "members": [{"msisdn": n, "owner_consent": False} for n in numbers]}, **extra)


def test_a_vpmn_application_goes_to_open_through_the_api(counter_rep, manager, room, group, own_lines,
                                                        django_assert_max_num_queries):
    from groups.tests.test_vpmn_race import _vpmn_discount_in_the_catalogue

    _vpmn_discount_in_the_catalogue()   # an earlier transactional test's flush may have removed it
    numbers = [ln.msisdn for ln in own_lines[:2]]
    key = str(uuid.uuid4())
    created = _apply_vpmn(counter_rep, group, numbers, HTTP_IDEMPOTENCY_KEY=key)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["state_label"] == "柜台外呼确认中"
    assert [c["msisdn"] for c in body["candidates"]] == ["138****0000", "138****0001"]
    assert numbers[0] not in created.content.decode()
    # The same request again is the same application.
    assert _apply_vpmn(counter_rep, group, numbers, HTTP_IDEMPOTENCY_KEY=key).json()["id"] == body["id"]
    pk = body["id"]
    rep = as_(counter_rep)
    unsigned = post(rep, f"vpmn-applications/{pk}/signature", {"approver_username": manager.username,
                                                                "approver_password": PASSWORD})
    assert unsigned.status_code == 409 and unsigned.json()["code"] == "vpmn_callout_pending"
    for n, result in zip(numbers, ("confirmed", "refused"), strict=True):
        assert post(rep, f"vpmn-applications/{pk}/callouts", {"msisdn": n, "result": result}).status_code == 200
    before = writes_besides_failed_logins()
    wrong = post(rep, f"vpmn-applications/{pk}/signature", {"approver_username": manager.username,
                                                             "approver_password": "wrong"})
    assert wrong.status_code == 400 and wrong.json()["message"] == "经理的用户名或密码不正确。"
    assert VpmnApplication.objects.get(pk=pk).state == "draft"
    after = writes_besides_failed_logins()    # nothing written but the failed login, counted once
    apart = ("failed_logins", "lockout_attempts")
    assert (after["failed_logins"], after["lockout_attempts"]) == (before["failed_logins"] + 1,
                                                                   before["lockout_attempts"] + 1)
    assert {k: v for k, v in after.items() if k not in apart} == {k: v for k, v in before.items() if k not in apart}
    signed = post(rep, f"vpmn-applications/{pk}/signature", {"approver_username": manager.username,
                                                              "approver_password": PASSWORD})
    assert signed.status_code == 200 and signed.json()["state"] == "signed"
    assert post(rep, f"vpmn-applications/{pk}/issue").status_code == 403     # the room's step
    issued = post(as_(room), f"vpmn-applications/{pk}/issue")
    assert issued.status_code == 200 and issued.json()["group_number"].startswith("JT")
    opened = post(rep, f"vpmn-applications/{pk}/opening", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    assert list(VpmnMember.objects.values_list("line__msisdn", flat=True)) == [numbers[0]]
    assert SmsMessage.objects.filter(template="groups.vpmn_member_notice").count() == 1
    with django_assert_max_num_queries(12):
        detail = rep.get(f"/api/v1/vpmn-applications/{pk}")
    assert detail.json()["agreement_pdf_url"].endswith(f"/vpmn/{pk}/agreement.pdf")


def test_vpmn_refusals_through_the_api_write_nothing(counter_rep, make_staff, group, own_lines, private_line,
                                                    other_hall):
    before = (VpmnApplication.objects.count(), VpmnCandidate.objects.count())
    bad = _apply_vpmn(counter_rep, group, [own_lines[0].msisdn, private_line.msisdn, "12345"])
    assert bad.status_code == 400 and bad.json()["code"] == "vpmn_member_list"
    rows = bad.json()["params"]["rows"]
    assert [r["row"] for r in rows] == [2, 3] and "机主同意" in rows[0]["reason"]
    undesignated = _apply_vpmn(make_staff("sales_rep"), group, [own_lines[0].msisdn])
    assert undesignated.status_code == 403 and undesignated.json()["message"] == "VPMN 只能在指定柜台受理。"
    elsewhere = _apply_vpmn(make_staff("sales_rep", hall=other_hall), group, [own_lines[0].msisdn])
    assert elsewhere.status_code in (403, 404)
    kind = post(as_(counter_rep), f"groups/{group.pk}/vpmn-applications", {"kind": "lottery", "members": [],
                                                                           "documents_checked": []})
    assert kind.status_code == 400 and set(kind.json()["fields"]) == {"kind", "members"}
    assert (VpmnApplication.objects.count(), VpmnCandidate.objects.count()) == before
    assert not AuditEvent.objects.filter(action="vpmn.apply").exists()


@pytest.fixture
def sms_rep(make_staff, hall):
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    return make_staff("sales_rep")


def test_a_group_sms_application_goes_to_open_through_the_api(sms_rep, room, make_staff, group, own_lines):
    databiz = make_staff("data_business_room", hall=None)
    docs = group_sms_documents_required(government_body=False, pays_cash=False, agent=False)
    body = {"customer_id": group.customer_id, "purpose": "员工通知", "documents_checked": docs,
            "cluster_network": True, "members": [own_lines[0].msisdn]}
    seal = post(as_(sms_rep), "group-sms-applications", body)
    assert seal.status_code == 400 and seal.json()["code"] == "group_sms_letter_seal"
    assert not GroupSmsApplication.objects.exists()
    created = post(as_(sms_rep), "group-sms-applications", {**body, "letter_seal_checked": True})
    assert created.status_code == 201 and created.json()["members"] == ["138****0000"]
    pk = created.json()["id"]
    assert post(as_(sms_rep), f"group-sms-applications/{pk}/hand-over").json()["state"] == "handed_over"
    assert post(as_(room), f"group-sms-applications/{pk}/receipt").json()["state"] == "building"
    built = post(as_(databiz), f"group-sms-applications/{pk}/platform", {"platform_account": "corp_api01"})
    assert built.status_code == 200 and built["Cache-Control"] == "no-store"
    password = built.json()["platform_password"]
    assert check_password(password, GroupSmsApplication.objects.get(pk=pk).platform_password)
    assert password not in as_(room).get(f"/api/v1/group-sms-applications/{pk}").content.decode()
    bad_mail = post(as_(room), f"group-sms-applications/{pk}/notice", {"registered_mail_number": "123"})
    assert bad_mail.status_code == 400 and bad_mail.json()["code"] == "group_sms_mail_number"
    assert post(as_(room), f"group-sms-applications/{pk}/notice",
                {"registered_mail_number": "XA123456789CN"}).json()["state"] == "notice_sent"
    opened = post(as_(room), f"group-sms-applications/{pk}/confirmation", {"note": "李四已确认"})
    assert opened.status_code == 200 and opened.json()["state"] == "open"
    assert SmsMessage.objects.filter(template="groups.group_sms_open", msisdn="13900001111").count() == 1


def test_group_sms_is_refused_at_a_hall_that_does_not_take_it_and_for_individuals(make_staff, group, hall):
    rep = make_staff("sales_rep")
    body = {"customer_id": group.customer_id, "purpose": "通知", "letter_seal_checked": True,
            "documents_checked": group_sms_documents_required(government_body=False, pays_cash=False, agent=False)}
    refused = post(as_(rep), "group-sms-applications", body)
    assert refused.status_code == 403 and refused.json()["code"] == "group_sms_hall"
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    person = CustomerFactory(created_hall=hall)
    individual = post(as_(make_staff("sales_rep")), "group-sms-applications", {**body, "customer_id": person.pk})
    assert individual.status_code == 400 and individual.json()["message"] == "集团业务只面向单位客户，不受理个人客户。"
    assert not GroupSmsApplication.objects.exists()


def test_registering_a_group_through_the_api(counter_rep, hall):
    from customers.tests.factories import OrganizationFactory

    org = OrganizationFactory(created_hall=hall)
    data = {"customer_id": org.pk, "key_contact_name": "王五", "key_contact_phone": "13900002222", "level": "B"}
    first = post(as_(counter_rep), "groups", data)
    assert first.status_code == 201 and first.json()["key_contact_phone"] == "139****2222"
    assert post(as_(counter_rep), "groups", data).status_code == 200 and GroupCustomer.objects.count() == 1
    bad = post(as_(counter_rep), "groups", {**data, "level": "Z"})
    assert bad.status_code == 400 and "level" in bad.json()["fields"]


def test_the_room_signs_for_a_paperwork_batch_through_the_api(room, counter_rep, hall):
    import datetime

    from groups.models import GroupDocumentBatch

    batch = GroupDocumentBatch.objects.create(kind="vpmn_archive", hall=hall, period=datetime.date(2026, 11, 25),
                                              manifest="VPMN000001")
    assert as_(counter_rep).get("/api/v1/group-batches").status_code == 403
    assert post(as_(counter_rep), f"group-batches/{batch.pk}/sign-for").status_code == 403
    listed = as_(room).get("/api/v1/group-batches").json()
    assert [(b["id"], b["kind_label"]) for b in listed] == [(batch.pk, "当月 VPMN 归档资料")]
    signed = post(as_(room), f"group-batches/{batch.pk}/sign-for")
    assert signed.status_code == 200 and signed.json()["received_at"]
    again = post(as_(room), f"group-batches/{batch.pk}/sign-for")
    assert again.status_code == 409 and again.json()["code"] == "group_batch_signed"
    assert AuditEvent.objects.filter(action="group_batch.sign_for").count() == 1
    assert as_(room).get("/api/v1/group-batches").json() == []
