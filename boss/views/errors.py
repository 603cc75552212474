"""Error pages that never leak internals: a request id the rep can quote to support (ASVS 7.4.1)."""

from django.shortcuts import render

from boss.logging import security_log


def page_not_found(request, exception=None):
    return render(request, "boss/error.html", {"status": 404}, status=404)


def permission_denied(request, exception=None):
    security_log.warning("permission denied: user=%s path=%s",
                         getattr(request.user, "username", "-"), request.path)
    return render(request, "boss/error.html", {"status": 403}, status=403)


def bad_request(request, exception=None):
    return render(request, "boss/error.html", {"status": 400}, status=400)


def server_error(request):
    return render(request, "boss/error.html", {"status": 500, "request_id": getattr(request, "request_id", "")},
                  status=500)
