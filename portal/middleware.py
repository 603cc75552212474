"""The customer's session, apart from the staff's (issue 17).

Under /portal/ the request's session is the portal's own: its own cookie (`boss_portal`, path /portal/,
HttpOnly), its own keys and a shorter idle timeout (tariff portal.idle_minutes; on a self-service terminal
portal.kiosk_idle_seconds). The staff session cookie is never read there, so `request.user` is anonymous on
every portal page: a signed-in rep is not a customer, and the portal's cookie is never sent to the staff
screens (its path), so a customer is never a rep. Everywhere else this is Django's SessionMiddleware, also
under /portal/desk/ (the staff's chat queue, a staff screen).
"""

import time

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date

PORTAL_PREFIX = "/portal/"
# The staff's side of the portal (the chat queue) is a staff screen with the staff session.
DESK_PREFIX = "/portal/desk/"
PORTAL_COOKIE = "boss_portal"


def is_portal_path(path: str) -> bool:
    return path.startswith(PORTAL_PREFIX) and not path.startswith(DESK_PREFIX)


class PortalSessionMiddleware(SessionMiddleware):
    def process_request(self, request):
        if not is_portal_path(request.path_info):
            return super().process_request(request)
        request.portal = True
        request.session = self.SessionStore(request.COOKIES.get(PORTAL_COOKIE))
        return None

    def process_response(self, request, response):
        if not getattr(request, "portal", False):
            return super().process_response(request, response)
        # The customer's pages are personal: never cached by a browser or a proxy (ASVS 8.2.1).
        patch_cache_control(response, no_store=True, private=True)
        patch_vary_headers(response, ("Cookie",))
        session = getattr(request, "session", None)
        if session is None:
            return response
        if session.is_empty():
            if PORTAL_COOKIE in request.COOKIES:
                response.delete_cookie(PORTAL_COOKIE, path=PORTAL_PREFIX, samesite="Lax")
            return response
        if response.status_code >= 500:
            return response
        try:
            session.save()
        except UpdateError:
            raise SessionInterrupted("The portal session was deleted before the request completed.") from None
        max_age = session.get_expiry_age()
        response.set_cookie(PORTAL_COOKIE, session.session_key, max_age=max_age,
                            expires=http_date(time.time() + max_age), path=PORTAL_PREFIX,
                            secure=settings.SESSION_COOKIE_SECURE or None, httponly=True, samesite="Lax")
        return response
