"""Small helpers shared by the screens of this app."""

from datetime import timedelta

from django.http import Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

from billing.selectors import payment_recent_same
from boss.errors import DomainError
from boss.forms import repeat_window
from boss.money import format_yuan
from customers.selectors import customer_get


def customer_from(request, *, param: str = "customer"):
    """The customer a screen works for (`?customer=<id>`), or None; an unknown id is a 404."""
    value = request.GET.get(param) or request.POST.get(param)
    if not value:
        return None
    try:
        return customer_get(pk=value, actor=request.user)
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


def repeat_payment_refused(form, *, line, amount, submitted) -> bool:
    """Ask the rep to confirm a payment of the same amount for the same line within the repeat window
    (tariff counter.repeat_minutes), naming the payment just taken: True when the form must come back
    with that question. A replay of the same form (`submitted`) is not a new payment and passes."""
    if submitted is not None or not amount or form.cleaned_data.get("confirm_repeat"):
        return False
    earlier = payment_recent_same(line=line, amount=amount, since=timezone.now() - repeat_window())
    if earlier is None:
        return False
    documents = ", ".join(f"{d.get_kind_display()} {d.display_number}" for d in earlier.documents.all()) or str(earlier)
    now = timezone.now()
    recent = now - earlier.created_at < timedelta(minutes=1)
    ago = _("under a minute") if recent else timesince(earlier.created_at, now)
    form.add_error("confirm_repeat", _(
        "This number was charged %(amount)s %(ago)s ago (%(documents)s). Tick to charge again."
    ) % {"amount": format_yuan(earlier.amount), "ago": ago,
         "documents": documents})
    return True
