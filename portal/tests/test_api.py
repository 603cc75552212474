"""The portal's API for a mobile app: the same two-step sign-in, a customer token (never a staff token, and
never valid on the staff API), the customer's own lines only (another customer's line is a 404)."""

from rest_framework.test import APIClient

from portal.models import CustomerToken
from portal.tests.conftest import PASSWORD, codes_aged, sms_code


def _token(line) -> str:
    codes_aged(line)
    client = APIClient()
    started = client.post("/api/v1/portal/signin", {"msisdn": line.msisdn, "password": PASSWORD}, format="json")
    assert started.status_code == 202, started.content
    done = client.post("/api/v1/portal/signin/code", {"challenge": started.json()["challenge"],
                                                      "code": sms_code(line.msisdn)}, format="json")
    assert done.status_code == 201, done.content
    return done.json()["token"]


def _as_customer(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Customer {token}")
    return client


def test_sign_in_and_read_own_lines_bills_payments(mine, theirs, django_assert_max_num_queries):
    token = _token(mine)
    assert token not in CustomerToken.objects.get().key_hash
    client = _as_customer(token)
    with django_assert_max_num_queries(6):
        lines = client.get("/api/v1/portal/lines")
    assert lines.status_code == 200 and [row["msisdn"] for row in lines.json()] == [mine.msisdn]
    assert client.get(f"/api/v1/portal/lines/{mine.pk}/bills").status_code == 200
    assert client.get(f"/api/v1/portal/lines/{mine.pk}/payments").json()[0]["method"] == "cash"
    assert client.get(f"/api/v1/portal/lines/{theirs.pk}/bills").status_code == 404
    assert client.get(f"/api/v1/portal/lines/{theirs.pk}/payments").status_code == 404


def test_wrong_password_and_unknown_number_answer_alike(mine):
    client = APIClient()
    wrong = client.post("/api/v1/portal/signin", {"msisdn": mine.msisdn, "password": "135792"}, format="json")
    unknown = client.post("/api/v1/portal/signin", {"msisdn": "13700000001", "password": PASSWORD}, format="json")
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json()["code"] == unknown.json()["code"] == "portal_signin_refused"


def test_a_wrong_code_gives_no_token(mine):
    client = APIClient()
    started = client.post("/api/v1/portal/signin", {"msisdn": mine.msisdn, "password": PASSWORD}, format="json")
    code = sms_code(mine.msisdn)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post("/api/v1/portal/signin/code", {"challenge": started.json()["challenge"], "code": wrong},
                           format="json")
    assert response.status_code == 400 and not CustomerToken.objects.exists()


def test_tokens_do_not_cross_between_staff_and_customers(mine, rep):
    from rest_framework.authtoken.models import Token

    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rep).key}")
    assert staff.get("/api/v1/portal/lines").status_code == 401        # the staff token is no customer's
    token = _token(mine)
    staff_api = APIClient()
    staff_api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert staff_api.get("/api/v1/lines/" + mine.msisdn).status_code == 401
    anonymous = APIClient()
    assert anonymous.get("/api/v1/portal/lines").status_code == 401


def test_sign_out_ends_the_token(mine):
    client = _as_customer(_token(mine))
    assert client.post("/api/v1/portal/signout").status_code == 204
    assert client.get("/api/v1/portal/lines").status_code == 401


def test_the_token_dies_after_inactivity(mine):
    from datetime import timedelta

    from django.utils import timezone

    client = _as_customer(_token(mine))
    CustomerToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=11))
    assert client.get("/api/v1/portal/lines").status_code == 401


def test_the_schema_documents_the_portal_api(client):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert {"/api/v1/portal/signin", "/api/v1/portal/signin/code", "/api/v1/portal/lines"} <= set(schema["paths"])
    assert "customerToken" in schema["components"]["securitySchemes"]
