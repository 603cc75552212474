"""Each role against each billing screen and API endpoint (NetBox style). The expected table is written
out here on purpose: it is the specification billing/roles.py must satisfy."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from billing.models import BankCollectionBatch, BillRun, RefundCase
from boss.roles import ROLES

ALL = set(ROLES)
COUNTER = {"sales_rep", "customer_manager", "store_manager"}
VIEW_BILL = COUNTER | {"account_clerk", "big_customer_room", "complaint_reviewer", "department_handler", "manager"}
RUNS = {"store_manager", "account_clerk", "manager"}
START = {"account_clerk"}
CORRECT = {"account_clerk"}
ARREARS = {"store_manager", "account_clerk", "manager"}
POINTS = COUNTER | {"account_clerk", "big_customer_room", "manager"}
BANK_VIEW = {"account_clerk", "manager"}
BANK_MANAGE = {"account_clerk"}
REFUND_VIEW = COUNTER | {"account_clerk", "complaint_reviewer", "department_handler", "manager"}
REFUND_REQUEST = COUNTER | {"account_clerk"}
REFUND_DECIDE = {"account_clerk"}
REFUND_PAY = COUNTER | {"account_clerk"}
ADJUST_REQUEST = COUNTER | {"account_clerk"}
ADJUST_DECIDE = {"account_clerk"}

# url name → roles that may open it
SCREENS = {
    "billing:bill_run_list": RUNS,
    "billing:bill_run_detail": RUNS,
    "billing:bill_list": VIEW_BILL,
    "billing:itemised": VIEW_BILL,
    "billing:plan_correction": CORRECT,
    "billing:arrears_list": ARREARS,
    "billing:customer_points": POINTS,
    "billing:collection_list": BANK_VIEW,
    "billing:collection_detail": BANK_VIEW,
    "billing:collection_file": BANK_MANAGE,
    "billing:refund_list": REFUND_VIEW,
    "billing:refund_new": REFUND_REQUEST,
    "billing:refund_detail": REFUND_VIEW,
    "billing:bill_adjustment_list": ADJUST_DECIDE,
}

# (method, path) → roles; POSTs carry an empty body, so a permitted role gets 400 (or 200)
API = {
    ("get", "/api/v1/bills"): VIEW_BILL,
    ("get", "/api/v1/lines/{msisdn}/bills/2025-03"): VIEW_BILL,
    ("post", "/api/v1/lines/{msisdn}/bills/2025-03/print"): VIEW_BILL - {"big_customer_room", "complaint_reviewer",
                                                                          "department_handler", "manager"},
    ("post", "/api/v1/lines/{msisdn}/plan-correction"): CORRECT,
    ("get", "/api/v1/accounts/{account}/amount-due"): VIEW_BILL,
    ("get", "/api/v1/bill-runs"): RUNS,
    ("post", "/api/v1/bill-runs"): START,
    ("get", "/api/v1/bill-runs/2025-03"): RUNS,
    ("get", "/api/v1/bank-collections"): BANK_VIEW,
    ("post", "/api/v1/bank-collections"): BANK_MANAGE,
    ("get", "/api/v1/bank-collections/{batch}/file"): BANK_MANAGE,
    ("post", "/api/v1/bank-collections/{batch}/result"): BANK_MANAGE,
    ("get", "/api/v1/arrears"): ARREARS,
    ("get", "/api/v1/refunds"): REFUND_VIEW,
    ("post", "/api/v1/refunds"): REFUND_REQUEST,
    ("get", "/api/v1/refunds/{refund}"): REFUND_VIEW,
    ("post", "/api/v1/refunds/{refund}/decision"): REFUND_DECIDE,
    ("post", "/api/v1/refunds/{refund}/payment"): REFUND_PAY,
    ("get", "/api/v1/customers/{customer}/points"): POINTS,
    ("post", "/api/v1/bills/1/adjustments"): ADJUST_REQUEST,
    ("post", "/api/v1/bill-adjustments/1/decision"): ADJUST_DECIDE,
}


@pytest.fixture
def objects(bank_line, system):
    line = bank_line("13800138000")
    run = BillRun.objects.create(period=date(2025, 3, 1), started_by=system, status="done")
    batch = BankCollectionBatch.objects.create(period=date(2025, 3, 1), bank_code="ICBC", created_by=system)
    case = RefundCase.objects.create(account=line.account, line=line, requested_by=system, number="TF2025030100001",
                                     hall=line.hall)
    return {"line": line, "run": run, "batch": batch, "case": case}


def _args(url_name, o):
    return {
        "billing:bill_run_detail": ["2025-03"], "billing:itemised": [o["line"].pk, "2025-03"],
        "billing:plan_correction": [o["line"].pk], "billing:customer_points": [o["line"].customer_id],
        "billing:collection_detail": [o["batch"].pk], "billing:collection_file": [o["batch"].pk],
        "billing:refund_detail": [o["case"].pk],
    }.get(url_name, [])


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("url_name", sorted(SCREENS))
def test_screen_permission_matrix(client, make_staff, objects, role, url_name):
    client.force_login(make_staff(role, username=f"u_{role}"))
    response = client.get(reverse(url_name, args=_args(url_name, objects)))
    expected = 200 if role in SCREENS[url_name] else 403
    assert response.status_code == expected, f"{role} on {url_name}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize(("method", "path"), sorted(API))
def test_api_permission_matrix(make_staff, objects, role, method, path):
    client = APIClient()
    client.force_authenticate(make_staff(role, username=f"u_{role}"))
    url = path.format(msisdn=objects["line"].msisdn, account=objects["line"].account_id, batch=objects["batch"].pk,
                      refund=objects["case"].number, customer=objects["line"].customer_id)
    response = getattr(client, method)(url, {}, format="json") if method == "post" else client.get(url)
    if role in API[(method, path)]:
        assert response.status_code in (200, 400), f"{role} on {method} {path}: {response.status_code}"
    else:
        assert response.status_code == 403, f"{role} on {method} {path}: {response.status_code}"


@pytest.mark.django_db
def test_navigation_shows_each_role_only_its_billing_screens(client, make_staff):
    rep = make_staff("sales_rep", username="nav_rep")
    client.force_login(rep)
    html = client.get(reverse("home")).content.decode()
    assert reverse("billing:refund_list") in html and reverse("billing:bill_list") in html
    assert reverse("billing:bill_run_list") not in html and reverse("billing:collection_list") not in html
    clerk = make_staff("account_clerk", username="nav_clerk", hall=None)
    client.force_login(clerk)
    html = client.get(reverse("home")).content.decode()
    assert reverse("billing:bill_run_list") in html and reverse("billing:collection_list") in html
