"""The customers' part of the global search box: customers by name or identity number, lines by
mobile number. Results carry masked identity numbers and the class badges (VIP, blacklist, redlist)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from boss.masking import mask, mask_msisdn, name_for
from boss.search import SearchHit
from customers.selectors import customer_classes_active, customer_search
from customers.templatetags.customers_tags import class_tone


def _badges(customer) -> tuple[tuple[str, str], ...]:
    return tuple((str(c), class_tone(c)) for c in customer_classes_active(customer=customer))


def _customer_detail(customer) -> str:
    identity = customer.identity
    parts = [customer.get_kind_display(), f"{identity.get_doc_type_display()} {mask(identity.number)}"]
    if customer.contact_phone:
        parts.append(mask_msisdn(customer.contact_phone))
    return " · ".join(parts)


def search_provider(*, actor, query: str) -> list[SearchHit]:
    from customers.errors import IdentitySearchLimitError

    try:
        result = customer_search(actor=actor, query=query)
    except IdentitySearchLimitError as exc:
        return [SearchHit(kind=_("Refused"), title=str(exc.message), detail="", url="")]
    owners = {c.pk: c for c in result.customers}
    hits = [
        SearchHit(kind=_("Line"), title=line.msisdn,
                  detail=f"{line.get_status_display()} · {name_for(actor, line.customer.name)} · "
                         f"{mask(line.customer.identity.number)}",
                  url=reverse("customers:detail", args=[line.customer_id]),
                  badges=_badges(owners[line.customer_id]) if line.customer_id in owners else ())
        for line in result.lines
    ]
    hits += [
        SearchHit(kind=_("Customer"), title=c.name, detail=_customer_detail(c),
                  url=reverse("customers:detail", args=[c.pk]), badges=_badges(c))
        for c in result.customers
    ]
    return hits
