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


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
def test_no_staff_token_opens_the_partner_api(client, make_staff, role):
    token = Token.objects.create(user=make_staff(role, username=f"u_{role}")).key
    for path in ("/api/v1/partner/blacklist", "/api/v1/partner/blacklist/entries"):
        response = client.get(path, HTTP_AUTHORIZATION=f"Token {token}")
        assert response.status_code == 401, f"{role} on {path}"
