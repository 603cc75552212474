from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("query", _("Stock"), "inventory:stock_summary", "inventory.view_simcard"),
    NavItem("query", _("Gift stock"), "inventory:gift_stock_list", "inventory.view_giftstock"),
    NavItem("admin", _("Import stock"), "inventory:stock_import", "inventory.import_stock"),
]
