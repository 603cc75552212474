"""The customer API (api.md): status codes, error codes with fields, masking, idempotency."""

import pytest
from rest_framework.test import APIClient

from boss.models import AuditEvent
from customers.models import Customer, CustomerClass
from customers.tests.factories import CustomerClassFactory, CustomerFactory, LineFactory

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def api(rep):
    return _api(rep)


def _body(**overrides):
    body = {"kind": "individual", "name": "张三",
            "identity": {"type": "resident_id", "number": ID, "address": "北京市朝阳区建国路1号"},
            "contact_phone": "13900001111"}
    body.update(overrides)
    return body


# --- POST /api/v1/identity/validate ---------------------------------------------------------------------


def test_validate_returns_the_normalised_number_and_what_it_says(api):
    response = api.post("/api/v1/identity/validate", {"type": "resident_id", "number": "11010519491231002x"},
                        format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["normalized"] == ID and body["customer_kind"] == "individual"
    assert body["birth_date"] == "1949-12-31" and body["sex"] == "female" and body["region"].startswith("北京市")


@pytest.mark.parametrize(("number", "code"), [("110105194912310021", "bad_check_digit"),
                                              ("110105194902300020", "bad_birth_date"),
                                              ("999999199001010016", "unknown_region"),
                                              ("1101051949", "bad_format"),
                                              ("110105491231002", "legacy_number")])
def test_validate_refusals_are_400_with_their_code_and_field(api, number, code):
    response = api.post("/api/v1/identity/validate", {"type": "resident_id", "number": number}, format="json")
    body = response.json()
    assert response.status_code == 400 and body["code"] == code
    assert body["message"] and body["fields"]["number"] == [body["message"]]


def test_validate_a_legacy_number_for_look_up(api):
    response = api.post("/api/v1/identity/validate", {"type": "resident_id", "number": "110105491231002",
                                                      "purpose": "lookup"}, format="json")
    assert response.json()["normalized"] == ID and response.json()["legacy_converted"] is True


def test_validate_a_credit_code_derives_an_organization(api):
    response = api.post("/api/v1/identity/validate", {"type": "uscc", "number": "91350100M000100Y43"}, format="json")
    assert response.json()["customer_kind"] == "organization"


def test_validate_messages_follow_accept_language(api):
    response = api.post("/api/v1/identity/validate", {"type": "resident_id", "number": "110105194912310021"},
                        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"].startswith("The check digit does not match")
    chinese = api.post("/api/v1/identity/validate", {"type": "resident_id", "number": "110105194912310021"},
                       format="json")
    assert chinese.json()["message"].startswith("校验位不符")


def test_validate_an_unknown_type_is_a_validation_error(api):
    response = api.post("/api/v1/identity/validate", {"type": "visa", "number": "1"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid" and "type" in response.json()["fields"]


# --- POST /api/v1/customers -----------------------------------------------------------------------------


def test_create_returns_201_with_a_masked_identity(api):
    response = api.post("/api/v1/customers", _body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    customer = Customer.objects.get()
    assert body["id"] == customer.pk and body["kind"] == "individual"
    assert body["identity"]["number"] == "110**************X" and ID not in response.content.decode()
    assert body["contact_phone"] == "139****1111" and body["classes"] == [] and body["lines"] == []


def test_create_refuses_incomplete_data_with_every_field(api):
    response = api.post("/api/v1/customers", _body(name="", contact_phone="",
                                                   identity={"type": "resident_id", "number": ID}), format="json")
    body = response.json()
    assert response.status_code == 400 and body["code"] == "customer_incomplete"
    assert set(body["fields"]) == {"name", "address", "contact_phone"}
    assert not Customer.objects.exists()


def test_create_refuses_a_kind_that_contradicts_the_document(api):
    response = api.post("/api/v1/customers", _body(kind="organization"), format="json")
    assert response.status_code == 400 and response.json()["code"] == "kind_mismatch"


def test_create_twice_is_409_identity_in_use(api):
    api.post("/api/v1/customers", _body(), format="json")
    response = api.post("/api/v1/customers", _body(), format="json")
    assert response.status_code == 409 and response.json()["code"] == "identity_in_use"


def test_create_with_an_idempotency_key_replays_and_refuses_another_body(api):
    headers = {"HTTP_IDEMPOTENCY_KEY": "6c1b5b1e-3f0e-4a53-9a38-3a3f7f1b6a20"}
    first = api.post("/api/v1/customers", _body(), format="json", **headers)
    again = api.post("/api/v1/customers", _body(), format="json", **headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    other = api.post("/api/v1/customers", _body(name="李四"), format="json", **headers)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert Customer.objects.count() == 1


def test_malformed_json_is_400_not_500(api):
    response = api.post("/api/v1/customers", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"


# --- GET /api/v1/customers/{id} -------------------------------------------------------------------------


def test_get_shows_classes_in_force_lines_and_accounts_in_fixed_queries(api, django_assert_max_num_queries):
    customer = CustomerFactory()
    CustomerClassFactory(customer=customer, kind="vip", vip_level=4)
    CustomerClassFactory(customer=customer, kind="redlist", vip_level=None, revoked_at="2025-01-01T00:00:00+08:00")
    for _ in range(3):
        LineFactory(customer=customer)
    with django_assert_max_num_queries(9):  # + the hall scope's tariff (issue 12 item 9)
        response = api.get(f"/api/v1/customers/{customer.pk}")
    body = response.json()
    assert response.status_code == 200
    assert [(c["kind"], c["vip_level"], c["label"]) for c in body["classes"]] == [("vip", 4, "大客户 4 级")]
    assert len(body["lines"]) == 3 and body["lines"][0]["status"] == "active"
    assert {a["balance"] for a in body["accounts"]} == {"0.00"}
    assert customer.identity.number not in response.content.decode()


def test_get_an_unknown_customer_is_404_with_the_code(api):
    response = api.get("/api/v1/customers/999999")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# --- contact, classes, reveal, search -------------------------------------------------------------------


def test_contact_update(api, customer):
    response = api.post(f"/api/v1/customers/{customer.pk}/contact", {"contact_phone": "020-12345678"}, format="json")
    assert response.status_code == 200 and response.json()["contact_phone"] == "020****5678"
    bad = api.post(f"/api/v1/customers/{customer.pk}/contact", {"contact_phone": "12"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_contact_number"


def test_classes_add_and_revoke(manager, customer):
    client = _api(manager)
    added = client.post(f"/api/v1/customers/{customer.pk}/classes", {"kind": "blacklist", "reason": "恶意欠费"},
                        format="json")
    assert added.status_code == 201 and added.json()["kind"] == "blacklist"
    again = client.post(f"/api/v1/customers/{customer.pk}/classes", {"kind": "blacklist", "reason": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "class_already_active"
    revoked = client.post(f"/api/v1/customers/{customer.pk}/classes/{added.json()['id']}/revoke",
                          {"reason": "已结清"}, format="json")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    twice = client.post(f"/api/v1/customers/{customer.pk}/classes/{added.json()['id']}/revoke",
                        {"reason": "已结清"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "class_already_revoked"


def test_a_vip_without_level_is_refused_at_the_field(make_staff, customer):
    client = _api(make_staff("big_customer_room", username="bcr", hall=None))
    response = client.post(f"/api/v1/customers/{customer.pk}/classes", {"kind": "vip", "reason": "集团"}, format="json")
    assert response.status_code == 400 and response.json()["fields"] == {"vip_level": [response.json()["message"]]}
    assert not CustomerClass.objects.exists()


def test_a_customer_manager_may_not_blacklist_through_the_api(make_staff, customer):
    client = _api(make_staff("customer_manager", username="cm"))
    response = client.post(f"/api/v1/customers/{customer.pk}/classes", {"kind": "blacklist", "reason": "x"},
                           format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"


def test_reveal_returns_the_value_uncached_and_audits_without_it(manager, customer):
    response = _api(manager).post(f"/api/v1/customers/{customer.pk}/reveal", {"field": "number", "reason": "核对原件"},
                                  format="json")
    assert response.status_code == 200 and response.json() == {"field": "number", "value": customer.identity.number}
    assert response["Cache-Control"] == "no-store"
    assert customer.identity.number not in str(AuditEvent.objects.get(action="identity.reveal").after)


def test_reveal_without_reason_is_400(manager, customer):
    response = _api(manager).post(f"/api/v1/customers/{customer.pk}/reveal", {"field": "number", "reason": ""},
                                  format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"


def test_search_by_identity_number_in_the_body(api):
    customer = CustomerFactory(identity__number=ID, identity__name="张三")
    response = api.post("/api/v1/customers/search", {"query": "11010519491231002x"}, format="json")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [customer.pk]
    assert ID not in response.content.decode()


def test_validate_says_whether_the_holder_is_a_minor(api):
    from datetime import date

    from django.utils import timezone

    from customers.identity import resident_id_compose

    today = timezone.localdate()
    young = resident_id_compose("440106", date(today.year - 10, 1, 1), 3)
    assert api.post("/api/v1/identity/validate", {"type": "resident_id", "number": young},
                    format="json").json()["minor"] is True
    adult = api.post("/api/v1/identity/validate", {"type": "resident_id", "number": ID}, format="json")
    assert adult.json()["minor"] is False
    assert api.post("/api/v1/identity/validate", {"type": "passport", "number": "E12345678"},
                    format="json").json()["minor"] is None
