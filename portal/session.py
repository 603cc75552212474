"""The signed-in customer in the portal's own session (portal.middleware): who, since when, last seen.

`customer_required` is the only door to a customer's pages: it signs out after inactivity (shorter on a
self-service terminal) or past the session's longest life, and puts the Customer on `request.customer`.
Every object a page shows is then looked up through that customer (portal.selectors): another customer's
id answers 404, never 403.
"""

import time
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import rotate_token
from django.shortcuts import redirect
from django.urls import reverse

from boss.tariffs import tariff
from customers.models import Customer

CUSTOMER = "portal.customer"
LINE = "portal.line"
SINCE = "portal.since"
SEEN = "portal.seen"
PENDING = "portal.pending_code"
KIOSK_COOKIE = "boss_kiosk"
STAFF_KEYS = (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY)


def is_kiosk(request) -> bool:
    return request.COOKIES.get(KIOSK_COOKIE) == "1"


def idle_seconds(request) -> int:
    return tariff("portal.kiosk_idle_seconds") if is_kiosk(request) else tariff("portal.idle_minutes") * 60


def sign_in(request, *, line) -> None:
    """Start the customer's session after the SMS code: a new session key (no fixation), a new CSRF token."""
    request.session.cycle_key()
    rotate_token(request)
    now = int(time.time())
    request.session.pop(PENDING, None)
    request.session.update({CUSTOMER: line.customer_id, LINE: line.pk, SINCE: now, SEEN: now})
    request.session.set_expiry(idle_seconds(request))


def sign_out(request) -> None:
    request.session.flush()


def _expired(request, now: int) -> bool:
    session = request.session
    return (now - int(session.get(SEEN, 0)) > idle_seconds(request)
            or now - int(session.get(SINCE, 0)) > tariff("portal.absolute_hours") * 3600)


def customer_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        session = request.session
        now = int(time.time())
        customer_id = session.get(CUSTOMER)
        if customer_id is not None and any(k in session for k in STAFF_KEYS):
            customer_id = None   # never both: a session holding a staff login is no customer's
        if customer_id is not None and _expired(request, now):
            sign_out(request)
            return redirect(f"{reverse('portal:signin')}?{urlencode({'expired': 1})}")
        if customer_id is None:
            return redirect(f"{reverse('portal:signin')}?{urlencode({'next': request.get_full_path()})}")
        session[SEEN] = now
        session.set_expiry(idle_seconds(request))
        request.customer = Customer.objects.get(pk=customer_id)
        request.signed_in_line_id = session.get(LINE)
        if request.customer.kind == Customer.Kind.ORGANIZATION:   # see portal.selectors._only_line
            request.customer.portal_only_line_id = request.signed_in_line_id
        return view(request, *args, **kwargs)

    return wrapped
