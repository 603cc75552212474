"""One rule per role for customers' names (issue 12 item 8): a role sees a name in full or masked the same
way on every endpoint and screen (boss.masking.name_for, permission boss.view_full_name)."""

import pytest
from rest_framework.test import APIClient

from customers.tests.factories import CustomerFactory, LineFactory

pytestmark = pytest.mark.django_db
NAME = "欧阳娜娜"


@pytest.mark.parametrize("role, full", [("sales_rep", True), ("complaint_reviewer", True), ("manager", False),
                                        ("data_business_room", False)])
def test_a_role_sees_a_name_the_same_way_everywhere(client, make_staff, hall, role, full):
    line = LineFactory(hall=hall, customer=CustomerFactory(name=NAME, identity__name=NAME))
    staff = make_staff(role, username=f"u_{role}")
    shown = NAME if full else "欧***"
    api = APIClient()
    api.force_authenticate(staff)
    detail = api.get(f"/api/v1/customers/{line.customer_id}").json()
    assert (detail["name"], detail["identity"]["name"]) == (shown, shown)
    assert api.get(f"/api/v1/lines/{line.msisdn}").json()["owner"]["name"] == shown
    client.force_login(staff)
    for url, params in ((f"/customers/{line.customer_id}/", {}), ("/customers/", {"q": NAME})):
        html = client.get(url, params).content.decode()
        assert shown in html and (NAME in html) is full, url
