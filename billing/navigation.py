from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("pay", _("My cash drawer"), "billing:my_drawer", "billing.view_own_drawer"),
    NavItem("pay", _("Refunds"), "billing:refund_list", "billing.view_refundcase"),
    NavItem("pay", _("Bill adjustments"), "billing:bill_adjustment_list", "billing.view_billadjustment"),
    NavItem("pay", _("Bank collection"), "billing:collection_list", "billing.view_bankcollectionbatch"),
    NavItem("query", _("Bills and itemised bills"), "billing:bill_list", "billing.view_bill"),
    NavItem("reports", _("Bill runs"), "billing:bill_run_list", "billing.view_billrun"),
    NavItem("reports", _("Arrears"), "billing:arrears_list", "billing.view_arrearscase"),
    NavItem("reports", _("Ledger accounts"), "billing:ledger_account_list", "billing.view_ledgeraccount"),
    NavItem("reports", _("Usage imports"), "billing:usage_import_list", "billing.view_usageimport"),
]
