"""Each role against each screen of the partners app, and no staff credential on the partner API. The
expected table is the specification partners/roles.py must satisfy."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from boss.roles import ROLES

ALL = set(ROLES)
MANAGE = {"manager", "admin"}
SCREENS = {
    "partners:partner_list": MANAGE | {"store_manager"},
    "partners:partner_create": MANAGE,
    "partners:blacklist_list": MANAGE,
    "partners:suspect_list": {"manager"},
    "partners:tracing_statistics": {"manager"},
    "partners:discount_request_list": MANAGE | {"store_manager", "sales_rep", "customer_manager"},
    "partners:discount_request_create": MANAGE | {"store_manager"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_screen_permission_matrix(client, make_staff, role, url_name):
    client.force_login(make_staff(role, username=f"u_{role}"))
    expected = 200 if role in SCREENS[url_name] else 403
    assert client.get(reverse(url_name)).status_code == expected, f"{role} on {url_name}"


# Pages of one object: the statement of a channel partner whose agent hall is the staff's hall (its store
# manager sees it, no other partner's), a suspect's review, an information partner's upload and published CSV.
OBJECT_SCREENS = {
    "statement": MANAGE | {"store_manager"},
    "suspect_review": {"manager"},
    "blacklist_upload": MANAGE,
    "blacklist_published": MANAGE,
}


@pytest.fixture
def objects(hall, admin_user, agent_partner, operator_partner):
    from datetime import date

    from boss.models import Hall
    from customers.tests.factories import LineFactory
    from partners.models import Suspect
    from partners.services import partner_hall_link

    Hall.objects.filter(pk=hall.pk).update(kind=Hall.Kind.PARTNER)
    hall.refresh_from_db()
    partner_hall_link(actor=admin_user, partner=agent_partner, hall=hall)
    line = LineFactory(hall=hall, msisdn="13900000301")
    suspect = Suspect.objects.create(day=date(2026, 10, 14), msisdn=line.msisdn, line=line, hall=hall,
                                     rule="sms_bulk", evidence={"sms": 300})
    return {"statement": reverse("partners:statement", args=[agent_partner.pk, "2026-10"]),
            "suspect_review": reverse("partners:suspect_review", args=[suspect.pk]),
            "blacklist_upload": reverse("partners:blacklist_upload", args=[operator_partner.pk]),
            "blacklist_published": reverse("partners:blacklist_published", args=[operator_partner.pk])}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("page", sorted(OBJECT_SCREENS))
def test_object_page_permission_matrix(client, make_staff, objects, role, page):
    client.force_login(make_staff(role, username=f"u_{role}"))
    expected = 200 if role in OBJECT_SCREENS[page] else 403
    assert client.get(objects[page]).status_code == expected, f"{role} on {page}"


@pytest.mark.django_db
def test_a_store_manager_of_another_hall_does_not_find_the_statement(client, make_staff, objects, other_hall):
    client.force_login(make_staff("store_manager", username="u_other_sm", hall=other_hall))
    assert client.get(objects["statement"]).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
def test_no_staff_token_opens_the_partner_api(client, make_staff, role):
    token = Token.objects.create(user=make_staff(role, username=f"u_{role}")).key
    for path in ("/api/v1/partner/blacklist", "/api/v1/partner/blacklist/entries"):
        response = client.get(path, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 401, f"{role} on {path}"
