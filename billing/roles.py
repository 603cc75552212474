"""Which role may do what in billing (merged into the groups by boss.roles.roles_sync).

The permission matrix test (billing/tests/test_permission_matrix.py) writes the same table out by hand.
Refunds: the account room decides (and pays corporate refunds back to the bank); reps and store managers
pay cash at the counter; the service refuses the approver as payer whatever the role (four-eyes).
"""

_COUNTER = ("billing.view_own_drawer", "billing.view_bill", "billing.print_itemised_bill", "billing.view_pointslot",
            "billing.view_refundcase", "billing.request_refund", "billing.pay_refund", "billing.close_own_drawer",
            "billing.request_billadjustment")

ROLE_PERMISSIONS = {
    "sales_rep": _COUNTER,
    "customer_manager": _COUNTER,
    "store_manager": _COUNTER + ("billing.view_ledgeraccount", "billing.view_billrun", "billing.view_arrearscase",
                                 "billing.view_drawerclose", "billing.approve_drawer_difference",
                                 "billing.view_halldayclose", "billing.close_hall_day"),
    "account_clerk": (
        "billing.view_ledgeraccount", "billing.import_usage", "billing.view_usageimport",
        "billing.view_billrun", "billing.start_billrun", "billing.view_bill", "billing.print_itemised_bill",
        "billing.correct_plan", "billing.view_arrearscase",
        "billing.view_bankcollectionbatch", "billing.manage_bank_collection",
        "billing.view_refundcase", "billing.request_refund", "billing.decide_refund", "billing.pay_refund",
        "billing.view_pointslot",
        "billing.request_billadjustment", "billing.approve_billadjustment", "billing.view_billadjustment",
    ),
    "big_customer_room": ("billing.view_bill", "billing.view_pointslot"),
    "complaint_reviewer": ("billing.view_bill", "billing.view_refundcase"),
    "department_handler": ("billing.view_bill", "billing.view_refundcase"),
    "manager": ("billing.view_ledgeraccount", "billing.view_usageimport", "billing.view_billrun", "billing.view_bill",
                "billing.view_arrearscase", "billing.view_bankcollectionbatch", "billing.view_refundcase",
                "billing.view_pointslot", "billing.view_drawerclose", "billing.view_halldayclose",
                "billing.approve_drawer_difference", "billing.reopen_hall_day"),
}
