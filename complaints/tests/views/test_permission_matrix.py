"""Each role against each complaint screen and API endpoint (NetBox style): the table written out here
is the specification complaints/roles.py must satisfy."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from boss.roles import ROLES

ALL = set(ROLES)
VIEW = {"sales_rep", "customer_manager", "store_manager", "account_clerk", "big_customer_room", "complaint_reviewer",
        "department_handler", "manager"}
FILE = {"sales_rep", "customer_manager", "store_manager", "big_customer_room", "complaint_reviewer", "manager"}
STATS = {"store_manager", "manager"}

SCREENS = {
    "complaints:complaint_list": VIEW,
    "complaints:complaint_open": FILE,
    "complaints:queue_review": {"complaint_reviewer"},
    "complaints:queue_handle": {"department_handler"},
    "complaints:queue_check": {"complaint_reviewer"},
    "complaints:queue_callback": {"complaint_reviewer"},
    "complaints:escalation_list": {"manager"},
    "complaints:statistics": STATS,
    "complaints:statistics_csv": STATS,
    "complaints:article_list": ALL,
    "complaints:article_templates": ALL,
    "complaints:article_create": {"department_handler", "manager", "admin"},
}

API = {
    "/api/v1/complaints": VIEW,
    "/api/v1/kb/articles": ALL,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
def test_screen_permission_matrix(client, make_staff, role):
    client.force_login(make_staff(role, username=f"u_{role}"))
    for url_name, allowed in SCREENS.items():
        response = client.get(reverse(url_name))
        assert response.status_code == (200 if role in allowed else 403), f"{role} on {url_name}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
def test_api_permission_matrix(make_staff, role):
    client = APIClient()
    client.force_authenticate(make_staff(role, username=f"u_{role}"))
    for path, allowed in API.items():
        assert client.get(path).status_code == (200 if role in allowed else 403), f"{role} on {path}"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(client):
    for url_name in SCREENS:
        response = client.get(reverse(url_name))
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url_name
    for path in API:
        assert APIClient().get(path).status_code == 401


@pytest.mark.django_db
def test_the_navigation_shows_each_role_its_own_queues(client, make_staff):
    client.force_login(make_staff("complaint_reviewer", username="nav_reviewer", hall=None))
    html = client.get(reverse("home")).content.decode()
    assert reverse("complaints:queue_review") in html and reverse("complaints:queue_callback") in html
    assert reverse("complaints:queue_handle") not in html and reverse("complaints:statistics") not in html
