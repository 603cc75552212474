"""The group section of an organization's 360 page, and registering an organization as a group customer."""

import re

import pytest
from django.urls import reverse

from boss.models import AuditEvent, Hall
from customers.tests.factories import CustomerFactory, LineFactory, OrganizationFactory
from groups.models import GroupCustomer
from groups.services import (
    group_sms_application_create,
    group_sms_documents_required,
    vpmn_application_create,
    vpmn_application_sign,
    vpmn_callout_record,
    vpmn_discounts_open,
    vpmn_documents_required,
    vpmn_group_issue,
)
from groups.tests.conftest import rows

pytestmark = pytest.mark.django_db


def test_no_group_section_for_an_individual(client, rep):
    client.force_login(rep)
    page = client.get(reverse("customers:detail", args=[CustomerFactory().pk])).content.decode()
    assert "该单位还不是集团客户" not in page and 'data-testid="customer-group"' not in page


def test_an_organization_is_registered_from_its_360_page(client, rep):
    org = OrganizationFactory()
    client.force_login(rep)
    page = client.get(reverse("customers:detail", args=[org.pk])).content.decode()
    url = reverse("groups:group_register", args=[org.pk])
    assert "该单位还不是集团客户" in page and url in page
    refused = client.post(url, {"key_contact_name": "周敏", "key_contact_phone": "13900001234", "level": ""})
    assert refused.status_code == 400 and not GroupCustomer.objects.exists()
    done = client.post(url, {"key_contact_name": "周敏", "key_contact_phone": "13900001234", "level": "B"})
    assert done.status_code == 302 and GroupCustomer.objects.get().level == "B"
    individual = CustomerFactory()
    refused = client.post(reverse("groups:group_register", args=[individual.pk]),
                          {"key_contact_name": "周敏", "key_contact_phone": "13900001234", "level": "B"})
    assert refused.status_code == 400 and "不受理个人客户" in refused.content.decode()
    assert GroupCustomer.objects.count() == 1


def _open_vpmn(counter_rep, store_manager, room, group, lines):
    app = vpmn_application_create(actor=counter_rep, group=group, rows=rows(*[ln.msisdn for ln in lines]),
                                  documents_checked=vpmn_documents_required(agent=False))
    for ln in lines:
        vpmn_callout_record(actor=counter_rep, application=app, msisdn=ln.msisdn, result="confirmed")
    vpmn_application_sign(actor=counter_rep, application=app, approver=store_manager)
    vpmn_group_issue(actor=room, application=app)
    vpmn_discounts_open(actor=counter_rep, application=app)
    return app


def test_the_group_section_shows_members_services_documents_and_history_in_fixed_queries(
        client, counter_rep, store_manager, room, group, hall, django_assert_max_num_queries):
    Hall.objects.filter(pk=hall.pk).update(group_sms_allowed=True)
    small_lines = [LineFactory(customer=group.customer, hall=hall, msisdn=f"1380000{i:04d}") for i in range(1)]
    vpmn = _open_vpmn(counter_rep, store_manager, room, group, small_lines)
    sms = group_sms_application_create(
        actor=counter_rep, customer=group.customer, purpose="会议通知", letter_seal_checked=True,
        documents_checked=group_sms_documents_required(government_body=False, pays_cash=False, agent=False))
    big = GroupCustomer.objects.create(customer=OrganizationFactory(), key_contact_name="赵", hall=hall,
                                       key_contact_phone="13900002222")
    _open_vpmn(counter_rep, store_manager, room, big,
               [LineFactory(customer=big.customer, hall=hall, msisdn=f"1370000{i:04d}") for i in range(8)])
    client.force_login(counter_rep)
    url = reverse("customers:detail", args=[group.customer_id])
    client.get(url)
    with django_assert_max_num_queries(30) as small_ctx:
        page = client.get(url).content.decode()
    with django_assert_max_num_queries(30) as big_ctx:
        client.get(reverse("customers:detail", args=[big.customer_id]))
    assert len(big_ctx.captured_queries) == len(small_ctx.captured_queries)   # no query per member
    group.refresh_from_db()
    assert "集团业务" in page and group.group_number in page
    assert re.findall(r'data-testid="group-member">([^<]*)<', page) == ["138****0000"]   # members masked
    assert vpmn.number in page and sms.number in page and "已预受理：当天移交大客户室" in page
    assert "信息安全责任书" in page and "营业执照复印件" in page              # documents of both applications
    assert "集团短信已预受理" in page and "VPMN 优惠已开通" in page             # history, labelled
    assert AuditEvent.objects.filter(action="group_sms.apply").count() == 1
