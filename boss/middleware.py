"""Request id, language, session lifetime, the refusal of NUL characters and the content security policy."""

import re
import time

from csp import constants as csp_constants
from csp import middleware as csp_middleware
from csp import utils as csp_utils
from django.conf import settings
from django.contrib.auth import logout
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from boss.client_ip import client_ip
from boss.context import client_ip_var, idempotent_replays_var, new_request_id, request_id_var
from boss.logging import security_log
from boss.views.errors import bad_request


class RequestIdMiddleware:
    """Gives every request an id: in log lines, audit events, error pages and the X-Request-ID header.

    It also carries the one mechanism of the replay marker: any idempotent call (boss.idempotency) answered
    from a stored result during the request makes the response say `Idempotent-Replayed: true`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming[:40] if incoming and incoming.replace("-", "").isalnum() else new_request_id()
        request.request_id = rid
        token_rid = request_id_var.set(rid)
        token_ip = client_ip_var.set(client_ip(request))   # audit events: the client's, not the TLS proxy's
        replays: list = []
        token_replays = idempotent_replays_var.set(replays)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token_rid)
            client_ip_var.reset(token_ip)
            idempotent_replays_var.reset(token_replays)
        response["X-Request-ID"] = rid
        if replays:
            response["Idempotent-Replayed"] = "true"
        return response


class LanguageMiddleware:
    """Chinese first. Screens speak the staff user's chosen language (Simplified Chinese by default);
    the API follows Accept-Language (English for `en`, Chinese otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            lang = translation.get_language_from_request(request)
        elif request.user.is_authenticated:
            lang = request.user.language
        else:
            lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or settings.LANGUAGE_CODE
        try:
            lang = translation.get_supported_language_variant(lang)
        except LookupError:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class MfaRequiredMiddleware:
    """Users of the roles that need a second factor (boss.mfa) reach nothing but the MFA screen, logout,
    the language switch and static files until their session is verified; the API answers 403
    `mfa_required` to such a session (API tokens are issued per user by the administrator)."""

    ALLOWED = ("/mfa/", "/logout/", "/language/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from boss.mfa import mfa_required

        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and not request.path.startswith(self.ALLOWED)
                and not user.is_verified() and mfa_required(user)):
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "mfa_required", "params": {},
                                     "message": _("Your role needs the second login step: open the counter and "
                                                  "verify with your authenticator app first.")}, status=403)
            return redirect(f"{reverse('mfa')}?next={request.path}")
        return self.get_response(request)


class SessionLifetimeMiddleware:
    """The idle timeout (30 minutes) slides with SESSION_SAVE_EVERY_REQUEST; this adds the absolute cap
    (12 hours after login, ASVS 3.3.2): past it the user logs in again."""

    KEY = "boss_login_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(self.KEY)
            if started is None:
                request.session[self.KEY] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_SECONDS:
                security_log.info("session expired (absolute cap): user=%s", user.username)
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{reverse('login')}?next={request.path}")
        return self.get_response(request)


# \u0000 in a JSON string, not preceded by an escaped backslash (\\u0000 is the six characters, harmless)
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)


class RejectNulMiddleware:
    """A NUL character (%00, \\u0000) is never valid input here, and PostgreSQL refuses it in any text, so a
    request carrying one in its path, query string, form fields or JSON body is refused with a 400 before
    any view sees it (domain-rules B9: bad input is a 4xx, never a 500). Forms and serializers refuse NUL
    too; this also covers the raw query parameters of list screens and API searches. Multipart bodies are
    left to the forms: an uploaded file may hold any byte."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_nul(request):
            security_log.info("request refused: NUL character path=%r", request.path[:200])
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "malformed_request",
                                     "message": _("The request contains a NUL character, which is not allowed."),
                                     "params": {}}, status=400)
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _carries_nul(request):
        if "\x00" in request.path:
            return True
        if any("\x00" in key or "\x00" in value for key, values in request.GET.lists() for value in values):
            return True
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH"):
            if content_type == "application/x-www-form-urlencoded":
                return any("\x00" in key or "\x00" in value for key, values in request.POST.lists() for value in values)
            if content_type.endswith("json"):
                return b"\x00" in request.body or _JSON_NUL.search(request.body) is not None
        return False


# A view's own policy (django-csp's decorators) is kept on the response under these names.
_VIEW_POLICIES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro")
_SETTINGS_POLICIES: dict[bool, str] = {}   # report_only -> the header the settings' policy makes


@receiver(setting_changed)
def _settings_policies_forget(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _SETTINGS_POLICIES.clear()


class CSPMiddleware(csp_middleware.CSPMiddleware):
    """django-csp's middleware, with the header every response here carries (the settings' policy: no nonce asked
    for, no view's own policy) built once per process instead of at every response: building it was 0.15 ms of a
    0.9 ms API request (issue 20). Any other response goes through the library as it is."""

    def process_response(self, request, response):
        if (getattr(request, "_csp_nonce", None) is not None
                or any(getattr(response, name, None) is not None for name in _VIEW_POLICIES)
                or (settings.DEBUG and response.status_code in (500, 404))):
            return super().process_response(request, response)
        for report_only, header, setting, exempt in (
                (False, csp_constants.HEADER, "CONTENT_SECURITY_POLICY", "_csp_exempt"),
                (True, csp_constants.HEADER_REPORT_ONLY, "CONTENT_SECURITY_POLICY_REPORT_ONLY", "_csp_exempt_ro")):
            policy = _SETTINGS_POLICIES.get(report_only)
            if policy is None:
                policy = _SETTINGS_POLICIES[report_only] = csp_utils.build_policy(report_only=report_only)
            excluded = tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
            if (policy and header not in response and getattr(response, exempt, False) is False
                    and not request.path_info.startswith(excluded)):
                response[header] = policy
        request.csp_nonce = csp_middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response
