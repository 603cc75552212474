"""A NUL character is refused with a 400 before any view runs (PostgreSQL cannot store it, and a raw query
parameter reaching the database with one would be a 500): in the path, the query string, form fields and
JSON bodies; the API answers in its error shape, screens with the error page."""

import pytest
from django.http import HttpResponse
from django.urls import path
from rest_framework.test import APIClient

from boss import urls as boss_urls

calls = []


def _probe(request, word=""):
    calls.append(request.path)
    return HttpResponse("ran")


urlpatterns = [path("api/v1/probe", _probe), path("screen/", _probe), path("screen/<str:word>", _probe),
               *boss_urls.urlpatterns]


@pytest.fixture
def client_for(rep, settings):
    settings.ROOT_URLCONF = __name__
    calls.clear()

    def make():
        client = APIClient()
        client.force_login(rep)
        return client

    return make


def test_a_nul_in_an_api_query_parameter_is_a_400_in_the_error_shape(client_for):
    response = client_for().get("/api/v1/probe?q=%00abc", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"code": "malformed_request", "params": {},
                               "message": "The request contains a NUL character, which is not allowed."}
    assert calls == []


def test_the_api_message_is_chinese_by_default(client_for):
    response = client_for().get("/api/v1/probe?q=%00")
    assert response.status_code == 400 and "NUL" in response.json()["message"]
    assert response.json()["message"] != "The request contains a NUL character, which is not allowed."


@pytest.mark.parametrize("body", ['{"q": "a\\u0000b"}', '{"q": "a\\U0000"}', '{"q": "\\\\\\\\\\u0000"}'])
def test_a_nul_in_a_json_body_is_refused(client_for, body):
    response = client_for().post("/api/v1/probe", body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_request"
    assert calls == []


def test_an_escaped_backslash_before_u0000_is_six_harmless_characters(client_for):
    response = client_for().post("/api/v1/probe", '{"q": "C:\\\\u0000"}', content_type="application/json")
    assert response.status_code == 200 and calls == ["/api/v1/probe"]


def test_a_nul_in_a_form_field_or_the_path_of_a_screen_gets_the_error_page(client_for):
    client = client_for()
    form = client.post("/screen/", "name=%E5%BC%A0%00", content_type="application/x-www-form-urlencoded")
    in_path = client.get("/screen/ab%00c")
    in_key = client.get("/screen/?a%00=1")
    assert form.status_code == in_path.status_code == in_key.status_code == 400
    assert "400" in form.content.decode()
    assert calls == []


def test_a_clean_request_and_a_multipart_upload_pass(client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for()
    assert client.get("/screen/?q=%E5%BC%A0").status_code == 200
    upload = client.post("/screen/", {"file": SimpleUploadedFile("cdr.bin", b"a\x00b")})
    assert upload.status_code == 200
    assert calls == ["/screen/", "/screen/"]
