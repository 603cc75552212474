from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("accept", _("New customer"), "customers:create", "customers.add_customer", "n"),
    NavItem("query", _("Customers"), "customers:list", "customers.view_customer", "c"),
]
