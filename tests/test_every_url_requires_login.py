"""Every screen and every API endpoint requires a login: walk the whole URL configuration and ask each
route, anonymously, with placeholder arguments. A screen answers with a redirect to the login page, the
API with 401; nothing answers 200 to a stranger (except the login page itself and static files)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {"login/", "api/v1/auth/token"}
# The customers' portal has its own sign-in (portal/tests/test_signin.py): its pages send a stranger there,
# never to the staff login; its sign-in page and language switch are open to anyone.
PORTAL_PUBLIC = {"portal/signin/", "portal/language/", "api/v1/portal/signin", "api/v1/portal/signin/code"}
SAMPLE = {"int": "1", "str": "13800138000", "month": "2026-10", "portal_month": "2026-10", "slug": "x", "path": "x"}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("admin/"):
                continue  # the Django admin has its own login (tested in the permission matrix)
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _concrete(route: str) -> str:
    route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "1"), route)
    return "/" + route.lstrip("^").rstrip("$")


ROUTES = sorted({r for r in _routes(get_resolver().url_patterns)
                 if r not in PUBLIC | PORTAL_PUBLIC and "(?P" not in r})


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_get_and_post_are_refused(client, route):
    url = _concrete(route)
    for response in (client.get(url), client.post(url, {})):
        status = response.status_code
        if url.startswith("/api/"):
            assert status in (401, 403, 404, 405), f"{url}: {status}"
        else:
            assert status in (302, 403, 404, 405), f"{url}: {status}"
            if status == 302:
                customer_page = url.startswith("/portal/") and not url.startswith("/portal/desk/")
                login = "/portal/signin/" if customer_page else "/login/"
                assert login in response.url, f"{url} redirects to {response.url}"
        assert status < 500
