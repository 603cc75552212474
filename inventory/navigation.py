from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("query", _("Stock"), "inventory:stock_summary", "inventory.view_simcard"),
    NavItem("admin", _("Import stock"), "inventory:stock_import", "inventory.import_stock"),
]
