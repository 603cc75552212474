"""The API's one error shape, its codes, and the language of its messages."""

import pytest
from django.db import OperationalError
from django.urls import path
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from boss.errors import DomainError, NotPermitted
from boss.permissions import RequiresPerm


class _RuleError(DomainError):
    code, status = "some_rule", 409


class _ProbeApi(APIView):
    permission_classes = [RequiresPerm("boss.use_counter")]

    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=10, decimal_places=2)

    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if data.validated_data["amount"] < 0:
            raise _RuleError("negative", amount=str(data.validated_data["amount"]))
        if data.validated_data["amount"] == 13:
            raise NotPermitted()
        if data.validated_data["amount"] == 503:
            raise OperationalError("server closed the connection unexpectedly")
        return Response({"ok": True})


urlpatterns = [path("api/v1/probe", _ProbeApi.as_view())]


@pytest.fixture
def api(rep, settings):
    settings.ROOT_URLCONF = __name__
    client = APIClient()
    client.force_authenticate(rep)
    return client


def test_domain_error_becomes_code_message_params(api):
    response = api.post("/api/v1/probe", {"amount": "-5"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"code": "some_rule", "message": "negative", "params": {"amount": "-5.00"}}


def test_not_permitted_is_403_with_its_code(api):
    response = api.post("/api/v1/probe", {"amount": "13"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"


def test_a_lost_database_is_a_clean_translated_503_to_retry_not_a_500(api):
    response = api.post("/api/v1/probe", {"amount": "503"}, format="json")
    body = response.json()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert body["code"] == "database_unavailable" and body["message"].startswith("系统暂时无法连接数据库")
    assert "server closed" not in str(body)


def test_validation_error_carries_fields_and_is_chinese_by_default(api):
    response = api.post("/api/v1/probe", {"amount": "abc"}, format="json")
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid" and "amount" in body["fields"]
    assert "请求无效" in body["message"]


def test_accept_language_en_gives_english(api):
    response = api.post("/api/v1/probe", {"amount": "abc"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["message"].startswith("The request is not valid")


def test_malformed_json_is_a_400_not_a_500(api):
    response = api.post("/api/v1/probe", "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"


def test_no_credentials_is_401(db, settings):
    settings.ROOT_URLCONF = __name__
    response = APIClient().post("/api/v1/probe", {"amount": "1"}, format="json")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_missing_permission_is_403(db, settings, make_staff):
    settings.ROOT_URLCONF = __name__
    client = APIClient()
    client.force_authenticate(make_staff(None, username="no_role"))
    response = client.post("/api/v1/probe", {"amount": "1"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"


@pytest.mark.django_db
def test_an_api_path_that_resolves_to_no_view_answers_404_in_the_error_shape_not_html(client, rep):
    """A path under /api/ that no view matches (`null,null` for an account id) is answered by Django's 404
    handler, not DRF's: it must still be JSON in the `{code, message, params}` shape the schema declares."""
    client.force_login(rep)
    response = client.get("/api/v1/accounts/null%2Cnull/amount-due")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "message": "未找到。", "params": {}}


@pytest.mark.django_db
def test_a_screen_path_that_resolves_to_no_view_keeps_the_html_error_page(client, rep):
    client.force_login(rep)
    response = client.get("/no-such-screen/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html") and "404" in response.content.decode()
