"""Small helpers shared by the screens of this app."""

from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from boss.errors import DomainError
from customers.selectors import customer_get


def customer_from(request, *, param: str = "customer"):
    """The customer a screen works for (`?customer=<id>`), or None; an unknown id is a 404."""
    value = request.GET.get(param) or request.POST.get(param)
    if not value:
        return None
    try:
        return customer_get(pk=value)
    except DomainError:
        raise Http404 from None


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


def querystring_without(request, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
