from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("pay", _("My cash drawer"), "billing:my_drawer", "billing.view_own_drawer"),
    NavItem("reports", _("Ledger accounts"), "billing:ledger_account_list", "billing.view_ledgeraccount"),
    NavItem("reports", _("Usage imports"), "billing:usage_import_list", "billing.view_usageimport"),
]
