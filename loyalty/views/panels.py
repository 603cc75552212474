"""The points section of the customer 360 page: balance, lots with their expiry, the latest changes and
redemptions."""

from django.utils.translation import gettext_lazy as _

from billing.selectors import points_summary
from customers.profile import Section
from loyalty.models import Redemption


def points_section(*, request, customer):
    if not request.user.has_perm("billing.view_pointslot"):
        return None
    redemptions = list(Redemption.objects.filter(customer=customer).select_related("gift", "hall")
                       .defer("gift__picture").order_by("-pk")[:10])
    return Section(title=_("Points"), template="loyalty/_customer_points.html",
                   context={"points": points_summary(customer=customer, entries=20), "redemptions": redemptions},
                   order=60)
