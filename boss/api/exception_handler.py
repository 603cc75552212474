"""One error shape for the whole API: `{"code", "message", "params"}` (+ `"fields"` for validation).

DomainError → its own status and code. DRF's own errors get stable codes too, so a partner never
sees Django's HTML error page for bad input.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import set_rollback

from boss.errors import DatabaseUnavailableError, DomainError
from boss.logging import security_log

log = logging.getLogger(__name__)


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat = []
        for item in detail:
            value = _flatten(item)
            if isinstance(value, list):
                flat.extend(value)
            else:
                flat.append(value)
        return flat
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, (OperationalError, InterfaceError)):
        # The database went away mid-request (restart, failover): a clean 503 the client may retry with the
        # same key, not a 500. Logged without the path (it may carry a number).
        match = getattr(context["request"], "resolver_match", None)
        log.warning("database unavailable during %s %s: %s", context["request"].method,
                    match.view_name if match else "?", type(exc).__name__)
        exc = DatabaseUnavailableError()
        return Response(exc.as_dict(), status=exc.status, headers={"Retry-After": "5"})
    if isinstance(exc, DomainError):
        set_rollback()
        if exc.status in (401, 403):
            security_log.info("api refused: code=%s path=%s", exc.code, context["request"].path)
        return Response(exc.as_dict(), status=exc.status)

    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: let it be a 500 with the request id

    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))

    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail) if isinstance(exc.detail, dict) else {"non_field_errors": _flatten(exc.detail)}
        first = next((msgs[0] for msgs in fields.values() if isinstance(msgs, list) and msgs), "")
        body = {"code": "invalid", "message": _("The request is not valid: %(detail)s") % {"detail": first},
                "params": {}, "fields": fields}
        return Response(body, status=400, headers=headers)

    codes = {
        exceptions.NotAuthenticated: "not_authenticated",
        exceptions.AuthenticationFailed: "authentication_failed",
        exceptions.PermissionDenied: "not_permitted",
        exceptions.NotFound: "not_found",
        exceptions.MethodNotAllowed: "method_not_allowed",
        exceptions.NotAcceptable: "not_acceptable",
        exceptions.UnsupportedMediaType: "unsupported_media_type",
        exceptions.Throttled: "throttled",
        exceptions.ParseError: "malformed_request",
    }
    code = next((c for cls, c in codes.items() if isinstance(exc, cls)), "error")
    if code == "not_permitted":
        security_log.info("api permission denied: path=%s", context["request"].path)
    message = _flatten(exc.detail)
    if isinstance(message, (list, dict)):
        message = str(message)
    return Response({"code": code, "message": message, "params": {}}, status=exc.status_code, headers=headers)
