"""The section of the customer 360 page this app adds: a returning customer's priority number selection
(process 3.2), with its end date and the former numbers they may still take back."""

from django.utils.translation import gettext_lazy as _

from customers.profile import Section
from inventory.selectors import return_priority_numbers, returning_customer_priority


def return_priority_section(*, request, customer) -> Section | None:
    priority = returning_customer_priority(customer=customer)
    if priority is None:
        return None
    return Section(title=_("Priority number selection"), template="orders/_customer_return_priority.html",
                   context={"priority": priority, "numbers": return_priority_numbers(customer=customer)})
