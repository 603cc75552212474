"""Sections of the customer 360 page that other apps add (open orders from orders/, complaints from
complaints/), so the page grows without this app importing theirs.

    # orders/apps.py, in ready():
    from customers.profile import Section, register_section

    def open_orders(*, request, customer):
        orders = order_list_open(customer=customer)            # one query
        return Section(title=_("Open orders"), template="orders/_customer_orders.html",
                       context={"orders": orders})

    register_section("orders", open_orders)

A section function returns a Section or None (nothing to show this user); its template is included
with `section` (its `context` holds what the function found) and the page's `customer`. The page has a slot per
key in SLOTS (shown with its empty state until an app fills it); other keys are appended in
registration order.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass
class Section:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


SLOTS = {
    "orders": (_("Open orders"), _("No open orders. Orders appear here while they wait for payment or "
                                   "provisioning.")),
    "complaints": (_("Complaints"), _("No complaints on record for this customer.")),
}

_SECTIONS: dict[str, list[Callable]] = {}


def register_section(key: str, fn: Callable) -> None:
    fns = _SECTIONS.setdefault(key, [])
    if fn not in fns:
        fns.append(fn)


@dataclass
class Slot:
    key: str
    title: str
    empty_text: str
    sections: list


def sections_for(*, request, customer) -> list[Slot]:
    """The page's slots in order, each with the sections its functions returned for this request."""
    slots = []
    keys = list(SLOTS) + [k for k in _SECTIONS if k not in SLOTS]
    for key in keys:
        sections = [s for fn in _SECTIONS.get(key, []) if (s := fn(request=request, customer=customer))]
        title, empty = SLOTS.get(key, (key, ""))
        if sections or key in SLOTS:
            slots.append(Slot(key, sections[0].title if sections and key not in SLOTS else title, empty,
                              sorted(sections, key=lambda s: s.order)))
    return slots
