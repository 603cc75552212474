"""The group business API for every role: each endpoint answers the roles of its screen and refuses every
other role with 403 and its Chinese message, writing nothing (the same permissions as the screens)."""

import pytest
from rest_framework.test import APIClient

from boss.models import AuditEvent, Hall
from boss.roles import ROLES
from groups.models import GroupDocumentBatch, GroupSmsApplication, VpmnApplication
from groups.services import (
    group_sms_application_create,
    group_sms_documents_required,
    vpmn_application_create,
    vpmn_documents_required,
)
from groups.tests.conftest import rows

pytestmark = pytest.mark.django_db

VIEW = {"sales_rep", "customer_manager", "store_manager", "big_customer_room", "data_business_room", "manager"}
ACCEPT = {"sales_rep", "customer_manager", "store_manager"}
ROOM = {"big_customer_room"}
DATABIZ = {"data_business_room"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_group_endpoint_answers_its_roles_only(make_staff, hall, counter_rep, group, own_lines, role):
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    vpmn = vpmn_application_create(actor=counter_rep, group=group, rows=rows(own_lines[0].msisdn),
                                   documents_checked=vpmn_documents_required(agent=False))
    sms = group_sms_application_create(
        actor=counter_rep, customer=group.customer, purpose="会议通知", letter_seal_checked=True,
        documents_checked=group_sms_documents_required(government_body=False, pays_cash=False, agent=False))
    batch = GroupDocumentBatch.objects.create(kind=GroupDocumentBatch.Kind.VPMN_ARCHIVE, hall=hall,
                                              period="2026-11-25")
    endpoints = [
        ("post", "groups", ACCEPT),
        ("get", f"groups/{group.pk}", VIEW),
        ("post", f"groups/{group.pk}/vpmn-applications", ACCEPT),
        ("post", f"groups/{group.pk}/vpmn-members/{own_lines[1].msisdn}/departure", ACCEPT),
        ("get", f"vpmn-applications/{vpmn.pk}", VIEW),
        ("post", f"vpmn-applications/{vpmn.pk}/callouts", ACCEPT),
        ("post", f"vpmn-applications/{vpmn.pk}/signature", ACCEPT),
        ("post", f"vpmn-applications/{vpmn.pk}/issue", ROOM),
        ("post", f"vpmn-applications/{vpmn.pk}/opening", ACCEPT),
        ("get", "group-batches", ROOM),
        ("post", "group-sms-applications", ACCEPT),
        ("get", f"group-sms-applications/{sms.pk}", VIEW),
        ("post", f"group-sms-applications/{sms.pk}/receipt", ROOM),
        ("post", f"group-sms-applications/{sms.pk}/platform", DATABIZ),
        ("post", f"group-sms-applications/{sms.pk}/notice", ROOM),
        ("post", f"group-sms-applications/{sms.pk}/confirmation", ROOM),
        # the two that write when allowed, last
        ("post", f"group-sms-applications/{sms.pk}/hand-over", ACCEPT),
        ("post", f"group-batches/{batch.pk}/sign-for", ROOM),
    ]
    client = APIClient()
    client.force_authenticate(make_staff(role))
    audit = AuditEvent.objects.count()
    for method, path, allowed in endpoints:
        response = getattr(client, method)(f"/api/v1/{path}", {}, format="json")
        if role in allowed:
            assert response.status_code not in (401, 403) and response.status_code < 500, (role, path, response.data)
        else:
            assert response.status_code == 403, (role, path, response.status_code)
            assert response.json()["code"] == "not_permitted" and "权限" in response.json()["message"], response.json()
    vpmn.refresh_from_db()
    sms.refresh_from_db()
    batch.refresh_from_db()
    assert vpmn.state == VpmnApplication.State.DRAFT and vpmn.signed_by is None
    if not any(role in allowed for _, _, allowed in endpoints):
        assert AuditEvent.objects.count() == audit     # a refused role wrote nothing at all
    assert sms.state == ("handed_over" if role in ACCEPT else GroupSmsApplication.State.ACCEPTED)
    assert (batch.received_at is not None) == (role in ROOM)
