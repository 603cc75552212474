"""Each role against each screen and API endpoint of the orders app (NetBox style). The expected table
is written out here: it is the specification orders/roles.py must satisfy."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from boss.roles import ROLES

ALL = set(ROLES)
COUNTER = {"sales_rep", "customer_manager", "store_manager"}
NUMBERS = COUNTER | {"big_customer_room", "manager", "admin"}
QUOTE = NUMBERS
CATALOG = NUMBERS | {"account_clerk"}
STOCK = COUNTER | {"manager", "admin"}
IMPORT = {"store_manager", "admin"}

SCREENS = {
    "orders:number_search": NUMBERS,
    "orders:reservation_list": COUNTER | {"big_customer_room", "manager"},
    "orders:quote": QUOTE,
    "catalog:catalog": CATALOG,
    "inventory:stock_summary": STOCK,
    "inventory:sim_list": STOCK,
    "inventory:handset_list": STOCK,
    "inventory:recharge_card_list": STOCK,
    "inventory:stock_import": IMPORT,
    "orders:line_lookup": COUNTER,
}

API_GET = {
    "/api/v1/numbers": NUMBERS,
    "/api/v1/reservations": COUNTER | {"big_customer_room", "manager"},
    "/api/v1/stock/sims": STOCK,
    "/api/v1/stock/handsets": STOCK,
    "/api/v1/stock/recharge-cards": STOCK,
    "/api/v1/stock/summary": STOCK,
    "/api/v1/products": CATALOG,
    "/api/v1/features": CATALOG,
}
# Line queries answer 404 for a number without a line to those who may ask, 403 to the others.
LINE_GET = {"/api/v1/lines/13912345670/services": COUNTER, "/api/v1/lines/13912345670/portability": COUNTER}

# Who may call the operations that change something (a refusal past the permission is a 4xx of its own).
API_WRITE = {
    ("post", "/api/v1/numbers/13912345670/reservation"): COUNTER | {"big_customer_room"},
    ("delete", "/api/v1/numbers/13912345670/reservation"): COUNTER | {"big_customer_room", "manager"},
    ("post", "/api/v1/quotes"): QUOTE,
    ("post", "/api/v1/recommendations/outcomes"): COUNTER | {"big_customer_room"},
    ("post", "/api/v1/stock/imports"): IMPORT,
    # The line's lifecycle: pre-cancellation is a customer manager's; everything else the counter's.
    ("post", "/api/v1/lines/13912345670/precancel"): {"customer_manager"},
    **{("post", f"/api/v1/lines/13912345670/{slug}"): COUNTER for slug in (
        "reopen", "cancel", "cancel-fee-recovery", "port-out", "transfer", "report-loss", "unlock", "suspension",
        "resumption", "features", "long-distance", "roaming", "roaming-close", "sim", "number", "customer-data",
        "payment-method", "discounts", "handset", "invoice-reprint")},
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
@pytest.mark.parametrize("path", sorted(API_GET))
def test_api_read_permission_matrix(make_staff, role, path):
    client = APIClient()
    client.force_authenticate(make_staff(role, username=f"u_{role}"))
    expected = 200 if role in API_GET[path] else 403
    assert client.get(path).status_code == expected, f"{role} on {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("path", sorted(LINE_GET))
def test_line_query_permission_matrix(make_staff, role, path):
    client = APIClient()
    client.force_authenticate(make_staff(role, username=f"u_{role}"))
    expected = 404 if role in LINE_GET[path] else 403
    assert client.get(path).status_code == expected, f"{role} on {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("method, path", sorted(API_WRITE))
def test_api_write_permission_matrix(make_staff, reference, role, method, path):
    client = APIClient()
    client.force_authenticate(make_staff(role, username=f"u_{role}"))
    response = getattr(client, method)(path, {}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    if role in API_WRITE[(method, path)]:
        assert response.status_code != 403 or response.json()["code"] != "not_permitted", f"{role} {method} {path}"
    else:
        assert response.status_code == 403 and response.json()["code"] == "not_permitted", f"{role} {method} {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_anonymous_users_are_sent_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("path", sorted(API_GET))
def test_anonymous_api_calls_are_401(path):
    assert APIClient().get(path).status_code == 401


@pytest.mark.django_db
def test_navigation_shows_number_selection_to_a_rep_and_import_only_to_managers(client, make_staff):
    client.force_login(make_staff("sales_rep", username="nav_rep"))
    html = client.get(reverse("home")).content.decode()
    assert reverse("orders:number_search") in html and reverse("orders:quote") in html
    assert reverse("inventory:stock_import") not in html
    client.force_login(make_staff("store_manager", username="nav_sm"))
    assert reverse("inventory:stock_import") in client.get(reverse("home")).content.decode()
