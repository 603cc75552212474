import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from boss.models import AuditEvent
from provisioning.models import WorkOrder
from provisioning.services import work_order_create

pytestmark = pytest.mark.django_db

# The expected table, written out: role -> (list, retry, rollback)
MATRIX = {
    "sales_rep": (200, True, False),
    "store_manager": (200, True, True),
    "manager": (200, False, False),
    "customer_manager": (403, False, False),
    "account_clerk": (403, False, False),
    "complaint_reviewer": (403, False, False),
}


@pytest.fixture
def failed(hall):
    wo = work_order_create(action="create_subscriber", msisdn="13800138000", hall=hall)
    WorkOrder.objects.filter(pk=wo.pk).update(state="failed", attempts=5, last_error="HLR busy")
    wo.refresh_from_db()
    return wo


@pytest.mark.parametrize("role", sorted(MATRIX))
def test_permission_matrix(client, make_staff, failed, role):
    user = make_staff(role, username=f"u_{role}")
    client.force_login(user)
    status, can_retry, can_rollback = MATRIX[role]
    assert client.get(reverse("provisioning:work_order_list")).status_code == status
    retry = client.post(reverse("provisioning:work_order_retry", args=[failed.pk]), {"reason": ""})
    assert (retry.status_code == 302) == can_retry
    if not can_retry:
        assert retry.status_code in (403, 404)


def test_the_hall_sees_its_failed_work_order_with_retry_and_rollback(client, make_staff, failed):
    client.force_login(make_staff("store_manager", username="sm"))
    html = client.get(reverse("provisioning:work_order_list") + "?state=failed").content.decode()
    assert failed.key in html and "重试" in html and "回退" in html and "HLR busy" in html


def test_rollback_needs_a_reason_and_changes_nothing_without_it(client, make_staff, failed):
    client.force_login(make_staff("store_manager", username="sm"))
    client.post(reverse("provisioning:work_order_rollback", args=[failed.pk]), {"reason": ""})
    failed.refresh_from_db()
    assert failed.state == "failed"


def test_another_hall_gets_404(client, make_staff, other_hall, failed):
    client.force_login(make_staff("store_manager", username="sm_b", hall=other_hall))
    response = client.post(reverse("provisioning:work_order_retry", args=[failed.pk]))
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").exists()


def test_api_retry_and_rollback(make_staff, failed):
    client = APIClient()
    client.force_authenticate(make_staff("store_manager", username="sm"))
    response = client.post(f"/api/v1/work-orders/{failed.pk}/rollback", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    response = client.post(f"/api/v1/work-orders/{failed.pk}/retry", {"reason": "again"}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "ready"
    response = client.post(f"/api/v1/work-orders/{failed.pk}/rollback", {"reason": "x"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "work_order_state"
    listing = client.get("/api/v1/work-orders?state=ready").json()
    assert listing["count"] == 1 and listing["results"][0]["key"] == failed.key


def test_the_list_reads_the_same_number_of_statements_for_one_row_or_many(client, make_staff, hall,
                                                                            django_assert_max_num_queries):
    """Each row's action cell renders a template with the request: it read the staff member's roles again
    (one statement per row) until the frame's context was kept for the request."""
    def failed_order(n):
        wo = work_order_create(action="create_subscriber", msisdn=f"1380013{n:04d}", hall=hall)
        WorkOrder.objects.filter(pk=wo.pk).update(state="failed", attempts=5, last_error="HLR busy")

    client.force_login(make_staff("store_manager", username="sm"))
    failed_order(0)
    client.get(reverse("provisioning:work_order_list"))
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("provisioning:work_order_list"))
    for n in range(1, 8):
        failed_order(n)
    with django_assert_max_num_queries(12) as many:
        html = client.get(reverse("provisioning:work_order_list")).content.decode()
    assert html.count("回退") >= 8
    assert len(many.captured_queries) == len(one.captured_queries)
