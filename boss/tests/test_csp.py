"""The content security policy (boss.middleware.CSPMiddleware: django-csp's, its header built once per process): every
response carries the header the library would write, a view's own policy and a nonce still work as the library's,
and a change of the settings' policy is followed."""

import pytest
from csp.constants import NONCE
from csp.decorators import csp_update
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from boss.middleware import CSPMiddleware


def _page(request):
    return HttpResponse("ok")


@csp_update({"img-src": ["https://maps.example.cn"]})
def _page_with_maps(request):
    return HttpResponse("ok")


def _response(view, path="/"):
    request = RequestFactory().get(path)
    middleware = CSPMiddleware(view)
    middleware.process_request(request)
    return request, middleware.process_response(request, view(request))


def test_a_page_and_an_api_answer_carry_the_policy_of_the_settings(client, rep):
    client.force_login(rep)
    expected = build_policy()
    assert "script-src 'self'" in expected and "frame-ancestors 'none'" in expected
    assert client.get("/login/")["Content-Security-Policy"] == expected
    assert client.get("/api/v1/me")["Content-Security-Policy"] == expected
    assert _response(_page)[1]["Content-Security-Policy"] == expected
    assert "Content-Security-Policy-Report-Only" not in _response(_page)[1]


def test_a_views_own_policy_and_a_nonce_are_built_as_the_library_builds_them():
    _, own = _response(_page_with_maps)
    assert "https://maps.example.cn" in own["Content-Security-Policy"]

    def page_with_script(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": ["'self'", NONCE]}}):
        request, response = _response(page_with_script)
        assert f"'nonce-{request._csp_nonce}'" in response["Content-Security-Policy"]
        _, plain = _response(_page)   # the next response that asks for none: no nonce left over
        assert plain["Content-Security-Policy"] == build_policy() and "nonce" not in build_policy()


def test_a_nonce_asked_for_after_the_header_is_written_is_refused():
    from csp.exceptions import CSPNonceError

    request, _ = _response(_page)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_change_of_the_settings_policy_is_followed():
    _response(_page)   # the settings' header is built and kept
    policy = {"DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", "https://cdn.example.cn"]}}
    report_only = {"DIRECTIVES": {"default-src": ["'none'"]}, "EXCLUDE_URL_PREFIXES": ["/api/"]}
    with override_settings(CONTENT_SECURITY_POLICY=policy, CONTENT_SECURITY_POLICY_REPORT_ONLY=report_only):
        _, response = _response(_page)
        assert "https://cdn.example.cn" in response["Content-Security-Policy"]
        assert response["Content-Security-Policy-Report-Only"] == build_policy(report_only=True)
        _, api = _response(_page, path="/api/v1/me")
        assert "Content-Security-Policy-Report-Only" not in api   # its excluded prefix
    assert _response(_page)[1]["Content-Security-Policy"] == build_policy()
