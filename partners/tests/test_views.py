import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from boss.models import AuditEvent, Hall
from boss.tests.factories import HallFactory
from partners.models import Partner
from partners.services import partner_create, partner_hall_link

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_halls(admin_user, agent_partner):
    other = partner_create(actor=admin_user, name="邮储网点", category="postal_savings", interface_number="PO-01")
    mine, theirs = (HallFactory(code="AG1", name="天河代办点", kind=Hall.Kind.PARTNER),
                    HallFactory(code="AG2", name="邮储代办点", kind=Hall.Kind.PARTNER))
    partner_hall_link(actor=admin_user, partner=agent_partner, hall=mine)
    partner_hall_link(actor=admin_user, partner=other, hall=theirs)
    return mine, other


def test_the_admin_adds_a_partner_on_the_screen(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("partners:partner_create"), {
        "name": "京东商城", "category": "ecommerce", "interface_number": "EC-JD-01"})
    partner = Partner.objects.get()
    assert response.status_code == 302 and partner.kind == "channel"
    page = client.get(reverse("partners:partner_detail", args=[partner.pk]))
    assert "EC-JD-01" in page.content.decode() and "电子商务" in page.content.decode()


def test_a_refused_form_shows_the_translated_reason_and_writes_nothing(client, admin_user, operator_partner):
    client.force_login(admin_user)
    response = client.post(reverse("partners:partner_create"), {
        "name": "x", "category": "operator", "interface_number": "OP-GZ-01"})
    assert response.status_code == 400 and "已有其他合作伙伴使用此接口编号" in response.content.decode()
    assert Partner.objects.count() == 1


def test_an_agent_halls_store_manager_sees_only_their_own_partner(client, make_staff, agent_partner, agent_halls):
    mine, other = agent_halls
    manager = make_staff("store_manager", username="agent_sm", hall=mine)
    client.force_login(manager)
    listing = client.get(reverse("partners:partner_list")).content.decode()
    assert "AG-TH-01" in listing and "PO-01" not in listing
    assert client.get(reverse("partners:partner_detail", args=[agent_partner.pk])).status_code == 200
    assert client.get(reverse("partners:partner_detail", args=[other.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == 1
    # no managing for them, even of their own partner
    assert client.get(reverse("partners:partner_edit", args=[agent_partner.pk])).status_code == 403


def test_a_rep_sees_no_partner_screens(logged_in, agent_partner):
    assert logged_in.get(reverse("partners:partner_list")).status_code == 403
    assert logged_in.get(reverse("partners:partner_detail", args=[agent_partner.pk])).status_code == 403


def test_the_partner_list_takes_a_fixed_number_of_queries(client, admin_user, django_assert_max_num_queries):
    for i in range(8):
        partner_create(actor=admin_user, name=f"代办商{i}", category="agent", interface_number=f"AG-{i:03d}")
    client.force_login(admin_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("partners:partner_list")).status_code == 200


def test_a_new_key_is_shown_once(client, admin_user, operator_partner):
    client.force_login(admin_user)
    response = client.post(reverse("partners:key_issue", args=[operator_partner.pk]),
                           {"scopes": ["blacklist.push"], "allowed_ips": ""})
    assert response.status_code == 302
    first = client.get(reverse("partners:partner_detail", args=[operator_partner.pk])).content.decode()
    assert 'data-testid="new-key"' in first and "bpk_" in first
    again = client.get(reverse("partners:partner_detail", args=[operator_partner.pk])).content.decode()
    assert 'data-testid="new-key"' not in again


def test_deleting_a_partner_with_a_live_key_is_refused_on_the_screen(client, admin_user, operator_partner, push_key):
    client.force_login(admin_user)
    url = reverse("partners:partner_status", args=[operator_partner.pk, "delete"])
    response = client.post(url, {"reason": "合作终止"})
    assert response.status_code == 400 and "仍有在用的业务" in response.content.decode()
    assert Partner.objects.get().status == "active"
    response = client.post(reverse("partners:partner_status", args=[operator_partner.pk, "suspend"]),
                           {"reason": "协议到期"})
    assert response.status_code == 302 and Partner.objects.get().status == "suspended"
    upload = client.post(reverse("partners:blacklist_upload", args=[operator_partner.pk]),
                         {"file": SimpleUploadedFile("b.csv", b"x;y\n")})
    assert upload.status_code == 400   # a suspended partner's file is refused too, nothing written
