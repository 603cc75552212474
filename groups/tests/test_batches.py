"""The VPMN archive of the 25th and the weekly group SMS qualification documents: one batch per hall and
period, built once when the job runs twice, finished by the next run when killed half-way; the room signs."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.utils import timezone

from boss.errors import NotPermitted
from boss.models import AuditEvent, Hall
from boss.permissions import system_actor
from customers.tests.factories import LineFactory, OrganizationFactory
from groups.errors import GroupBatchStateError
from groups.models import GroupCustomer, GroupDocumentBatch, GroupSmsApplication, VpmnApplication
from groups.services import (
    group_sms_application_create,
    group_sms_documents_required,
    group_sms_hand_over,
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_documents_required,
)
from groups.services.batches import (
    archive_period,
    group_batch_sign_for,
    group_sms_documents_build,
    vpmn_archive_build,
)
from groups.tests.conftest import designate, rows

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 25)


def _signed(rep, manager, hall, msisdn):
    group = GroupCustomer.objects.create(customer=OrganizationFactory(), key_contact_name="李四",
                                         key_contact_phone="13900001111", hall=hall)
    LineFactory(customer=group.customer, hall=hall, msisdn=msisdn)
    app = vpmn_application_create(actor=rep, group=group, rows=rows(msisdn),
                                  documents_checked=vpmn_documents_required(agent=False))
    vpmn_callout_record(actor=rep, application=app, msisdn=msisdn, result="confirmed")
    return vpmn_application_sign(actor=rep, application=app, approver=manager)


@pytest.fixture
def two_halls_signed(make_staff, hall, other_hall):
    apps = []
    for i, h in enumerate((hall, hall, other_hall)):
        rep = designate(make_staff("sales_rep", hall=h))
        apps.append(_signed(rep, make_staff("store_manager", hall=h), h, f"1380000{i:04d}"))
    return apps


def test_the_archive_period_is_the_25th():
    assert archive_period(date(2026, 12, 25)) == date(2026, 12, 25)
    assert archive_period(date(2026, 12, 31)) == date(2026, 12, 25)
    assert archive_period(date(2027, 1, 3)) == date(2026, 12, 25)


def test_the_25th_job_run_twice_builds_each_halls_archive_once(two_halls_signed, hall):
    actor = system_actor()
    assert vpmn_archive_build(actor=actor, today=TODAY) == 2
    assert vpmn_archive_build(actor=actor, today=TODAY) == 0
    batches = GroupDocumentBatch.objects.filter(kind="vpmn_archive", period=TODAY)
    assert batches.count() == 2
    mine = batches.get(hall=hall)
    assert mine.vpmn_applications.count() == 2 and "138****0000" in mine.manifest and "13800000000" not in mine.manifest
    assert not VpmnApplication.objects.filter(archive_batch__isnull=True).exists()
    assert AuditEvent.objects.filter(action="group_batch.build").count() == 2


def test_the_25th_job_killed_half_way_is_finished_by_the_next_run(two_halls_signed):
    from boss import audit

    real = audit.audit_record
    calls = []

    def dies_on_second_hall(**kw):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(**kw)

    with mock.patch("groups.services.batches.audit_record", side_effect=dies_on_second_hall), \
            pytest.raises(SystemExit):
        vpmn_archive_build(actor=system_actor(), today=TODAY)
    # The first hall's batch is whole; the second hall's was rolled back entirely.
    assert GroupDocumentBatch.objects.count() == 1
    assert VpmnApplication.objects.filter(archive_batch__isnull=True).count() == 1
    assert vpmn_archive_build(actor=system_actor(), today=TODAY) == 1
    assert GroupDocumentBatch.objects.count() == 2
    assert not VpmnApplication.objects.filter(archive_batch__isnull=True).exists()


def test_the_weekly_job_sends_what_was_handed_over_before_monday(make_staff, hall, group):
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    rep = make_staff("sales_rep")
    app = group_sms_application_create(
        actor=rep, customer=group.customer, purpose="会议通知", letter_seal_checked=True,
        documents_checked=group_sms_documents_required(government_body=False, pays_cash=False, agent=False))
    group_sms_hand_over(actor=rep, application=app)
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    assert group_sms_documents_build(actor=system_actor(), today=monday) == 0      # handed over this week
    next_monday = monday + timedelta(days=7)
    assert group_sms_documents_build(actor=system_actor(), today=next_monday) == 1
    assert group_sms_documents_build(actor=system_actor(), today=next_monday) == 0
    batch = GroupDocumentBatch.objects.get(kind="sms_qualification")
    assert batch.period == next_monday and GroupSmsApplication.objects.get().documents_batch == batch


def test_the_room_signs_for_a_batch_once(two_halls_signed, room, make_staff):
    vpmn_archive_build(actor=system_actor(), today=TODAY)
    batch = GroupDocumentBatch.objects.first()
    with pytest.raises(NotPermitted):
        group_batch_sign_for(actor=make_staff("sales_rep"), batch=batch)
    group_batch_sign_for(actor=room, batch=batch)
    with pytest.raises(GroupBatchStateError):
        group_batch_sign_for(actor=room, batch=batch)
    batch.refresh_from_db()
    assert batch.received_by == room and AuditEvent.objects.filter(action="group_batch.sign_for").count() == 1


def test_the_room_signs_for_from_its_home_screen(client, two_halls_signed, room, make_staff,
                                                 django_assert_max_num_queries):
    from django.urls import reverse

    vpmn_archive_build(actor=system_actor(), today=TODAY)
    first, second = GroupDocumentBatch.objects.order_by("id")
    client.force_login(room)
    with django_assert_max_num_queries(35):
        page = client.get("/").content.decode()
    assert "待签收的集团资料" in page and "当月 VPMN 归档资料" in page
    assert client.post(reverse("groups:batch_sign_for", args=[first.pk])).status_code == 302
    first.refresh_from_db()
    assert first.received_by == room
    client.force_login(make_staff("sales_rep"))
    refused = client.post(reverse("groups:batch_sign_for", args=[second.pk]))
    second.refresh_from_db()
    assert second.received_at is None and refused.status_code == 403


def test_the_archive_holds_the_agreement_licence_authorization_contact_data_and_members(two_halls_signed, hall):
    """6.7.5: the month's archive is the VPMN agreement, the licence copy, the company authorization, the contact
    person's ID copy and data, and the member lists."""
    import csv
    import io

    from django.urls import reverse

    vpmn_archive_build(actor=system_actor(), today=TODAY)
    batch = GroupDocumentBatch.objects.get(hall=hall)
    rows = list(csv.DictReader(io.StringIO(batch.manifest)))
    first = two_halls_signed[0]
    row = next(r for r in rows if r["application"] == first.number)
    assert row["agreement"] == reverse("groups:vpmn_agreement_pdf", args=[first.pk])
    assert row["agreement_signed_by"] == str(first.signed_by) and row["agreement_signed_at"]
    assert (row["licence_copy"], row["authorization"], row["contact_id"]) == ("yes", "yes", "yes")
    assert row["key_contact"] == "李四" and row["key_contact_phone"] == "139****1111"
    assert row["members"] == "138****0000" and "13900001111" not in batch.manifest


def test_the_rooms_panel_shows_each_batchs_contents_age_and_due_time(client, two_halls_signed, room, hall):
    from django.urls import reverse

    vpmn_archive_build(actor=system_actor(), today=TODAY)
    batch = GroupDocumentBatch.objects.get(hall=hall)
    client.force_login(room)
    page = client.get("/").content.decode()
    panel = page.split('id="group-batches"')[1].split("</table>")[0]
    for app in two_halls_signed[:2]:
        assert app.number in panel and reverse("groups:vpmn_agreement_pdf", args=[app.pk]) in panel
    assert "VPMN 协议" in panel and "营业执照复印件 ✓" in panel and "单位授权书 ✓" in panel and "李四" in panel
    assert "确认号码数 1" in panel
    assert "2026-12-31 23:59" in panel                  # due by the end of the archive's month
    assert "已等待" in panel and batch.hall.name in panel
