"""Each role against each customer screen and API endpoint (NetBox style). The expected table is written
out here on purpose: it is the specification customers/roles.py must satisfy."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from boss.roles import ROLES
from customers.tests.factories import CustomerClassFactory

ALL = set(ROLES)
VIEW = ALL - {"admin"}
REGISTER = {"sales_rep", "customer_manager", "store_manager", "big_customer_room"}
CLASSIFY = {"customer_manager", "store_manager", "account_clerk", "big_customer_room", "manager"}
REVEAL = {"store_manager", "account_clerk"}

# url name → (roles that may open it, needs a customer pk, needs a class pk)
SCREENS = {
    "customers:list": VIEW,
    "customers:create": REGISTER,
    "customers:detail": VIEW,
    "customers:edit": REGISTER,
    "customers:classify": CLASSIFY,
    "customers:class_revoke": CLASSIFY,
}

# (method, path template) → roles; POSTs carry an empty body, so a permitted role gets 400 (or 200/201)
API = {
    ("post", "/api/v1/identity/validate"): VIEW,
    ("post", "/api/v1/customers"): REGISTER,
    ("post", "/api/v1/customers/search"): VIEW,
    ("get", "/api/v1/customers/{pk}"): VIEW,
    ("post", "/api/v1/customers/{pk}/contact"): REGISTER,
    ("post", "/api/v1/customers/{pk}/classes"): CLASSIFY,
    ("post", "/api/v1/customers/{pk}/classes/{class_pk}/revoke"): CLASSIFY,
    ("post", "/api/v1/customers/{pk}/reveal"): REVEAL,
}


@pytest.fixture
def klass(db):
    return CustomerClassFactory(kind="redlist", vip_level=None)


def _args(url_name, klass):
    if url_name == "customers:class_revoke":
        return [klass.customer_id, klass.pk]
    if url_name in ("customers:list", "customers:create"):
        return []
    return [klass.customer_id]


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_screen_permission_matrix(client, make_staff, klass, role, url_name):
    client.force_login(make_staff(role, username=f"u_{role}"))
    response = client.get(reverse(url_name, args=_args(url_name, klass)))
    expected = 200 if role in SCREENS[url_name] else 403
    assert response.status_code == expected, f"{role} on {url_name}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
def test_reveal_screen_permission(client, make_staff, klass, role):
    client.force_login(make_staff(role, username=f"u_{role}"))
    response = client.post(reverse("customers:reveal", args=[klass.customer_id]), {})
    assert response.status_code == (200 if role in REVEAL else 403), role


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_permission_matrix(make_staff, klass, role, method, path):
    client = APIClient()
    client.force_authenticate(make_staff(role, username=f"u_{role}"))
    url = path.format(pk=klass.customer_id, class_pk=klass.pk)
    response = getattr(client, method)(url, {}, format="json") if method == "post" else client.get(url)
    if role in API[(method, path)]:
        assert response.status_code in (200, 400), f"{role} on {path}: {response.status_code}"
    else:
        assert response.status_code == 403 and response.json()["code"] == "not_permitted", f"{role} on {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_anonymous_users_are_sent_to_login(client, klass, url_name):
    response = client.get(reverse(url_name, args=_args(url_name, klass)))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_anonymous_api_calls_are_401(klass, method, path):
    url = path.format(pk=klass.customer_id, class_pk=klass.pk)
    assert getattr(APIClient(), method)(url).status_code == 401


@pytest.mark.django_db
def test_navigation_offers_registration_to_reps_and_the_list_to_viewers(client, make_staff):
    client.force_login(make_staff("sales_rep", username="nav_rep"))
    html = client.get(reverse("home")).content.decode()
    assert reverse("customers:create") in html and reverse("customers:list") in html
    client.force_login(make_staff("complaint_reviewer", username="nav_rev", hall=None))
    html = client.get(reverse("home")).content.decode()
    assert reverse("customers:create") not in html and reverse("customers:list") in html
