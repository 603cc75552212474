from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("query", _("Product catalog"), "catalog:catalog", "catalog.view_plan"),
]
