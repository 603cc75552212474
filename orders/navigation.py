from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

# Access keys: one per function over the whole navigation (tests/test_shortcuts.py); X for 选号 (xuan).
NAV_ITEMS = [
    NavItem("accept", _("Open account"), "orders:open_account", "orders.open_account", "o"),
    NavItem("pay", _("Fee collection"), "orders:fee_collection", "orders.collect_fee", "f"),
    NavItem("services", _("Comprehensive services"), "orders:line_lookup", "orders.serve_line", "l"),
    NavItem("accept", _("Number selection"), "orders:number_search", "inventory.view_numberresource", "x"),
    NavItem("accept", _("Reserved numbers"), "orders:reservation_list", "inventory.view_numberreservation"),
    NavItem("accept", _("Price quote"), "orders:quote", "catalog.quote_price", "q"),
]
