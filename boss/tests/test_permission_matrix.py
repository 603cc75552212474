"""Each role against each screen and API endpoint (NetBox style). The expected table is written out
here on purpose: it is the specification the role table in boss/roles.py must satisfy."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from boss.roles import ROLES

ALL = set(ROLES)

SCREENS = {
    "home": ALL,
    "search": ALL,
    "billing:my_drawer": {"sales_rep", "customer_manager", "store_manager"},
    "billing:ledger_account_list": {"store_manager", "account_clerk", "manager"},
    "audit_list": {"store_manager", "manager", "admin"},
    "tariff_list": {"admin"},
}

API = {
    "/api/v1/me": ALL,
    "/api/v1/ledger/accounts": {"store_manager", "account_clerk", "manager"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_screen_permission_matrix(client, make_staff, role, url_name):
    user = make_staff(role, username=f"u_{role}")
    client.force_login(user)
    response = client.get(reverse(url_name))
    expected = 200 if role in SCREENS[url_name] else 403
    assert response.status_code == expected, f"{role} on {url_name}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("path", sorted(API))
def test_api_permission_matrix(make_staff, role, path):
    client = APIClient()
    client.force_authenticate(make_staff(role, username=f"u_{role}"))
    response = client.get(path)
    expected = 200 if role in API[path] else 403
    assert response.status_code == expected, f"{role} on {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_anonymous_users_are_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(API) + ["/api/schema/"])
def test_anonymous_api_calls_are_401(path):
    assert APIClient().get(path).status_code == 401


@pytest.mark.django_db
def test_admin_site_only_for_the_admin_role(client, make_staff):
    admin = make_staff("admin", username="the_admin", is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("admin:boss_tariffparameter_changelist")).status_code == 200
    client.force_login(make_staff("manager", username="the_manager"))
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.django_db
def test_a_user_without_a_role_sees_nothing(client, make_staff):
    client.force_login(make_staff(None, username="nobody"))
    assert client.get(reverse("home")).status_code == 403


@pytest.mark.django_db
def test_navigation_shows_only_what_the_role_may_open(client, make_staff):
    client.force_login(make_staff("sales_rep", username="nav_rep"))
    html = client.get(reverse("home")).content.decode()
    assert reverse("billing:my_drawer") in html
    assert reverse("audit_list") not in html and reverse("tariff_list") not in html
