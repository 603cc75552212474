"""Error pages that never leak internals: a request id the rep can quote to support (ASVS 7.4.1).

Under /api/ the same errors answer in the API's one error shape (`{"code", "message", "params"}`, JSON), so a
client generated from the schema handles a path that resolves to no view (`/api/v1/accounts/x,y/amount-due`)
like any other 404 (issue 12 item 11)."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from boss.logging import security_log


def _api_error(request, status: int, code: str, message: str, **extra):
    body = {"code": code, "message": message, "params": {}, **extra}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return _api_error(request, 404, "not_found", _("Not found."))
    return render(request, "boss/error.html", {"status": 404}, status=404)


def permission_denied(request, exception=None):
    security_log.warning("permission denied: user=%s path=%s",
                         getattr(request.user, "username", "-"), request.path)
    if _is_api(request):
        return _api_error(request, 403, "not_permitted", _("You do not have permission to perform this action."))
    return render(request, "boss/error.html", {"status": 403}, status=403)


def bad_request(request, exception=None):
    if _is_api(request):
        return _api_error(request, 400, "malformed_request", _("Malformed request."))
    return render(request, "boss/error.html", {"status": 400}, status=400)


def server_error(request):
    request_id = getattr(request, "request_id", "")
    if _is_api(request):
        return _api_error(request, 500, "error", _("An internal error occurred. Quote request %(id)s to support.")
                          % {"id": request_id}, request_id=request_id)
    return render(request, "boss/error.html", {"status": 500, "request_id": request_id}, status=500)
