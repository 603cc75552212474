"""Which role may do what with orders and the counter processes (merged into the groups by
boss.roles.roles_sync). The matrix test beside it (orders/tests/test_permission_matrix.py) spells out the
same table from the screens' side."""

# Processes at the counter: opening accounts, collecting fees, the orders and documents of the hall; the
# line's lifecycle (formal cancellation, transfer, comprehensive services). Pre-cancellation is a customer
# manager's (at a designated hall, checked by the service).
_PROCESSES = ("orders.open_account", "orders.collect_fee", "orders.view_order", "orders.cancel_line",
              "orders.transfer_line", "orders.serve_line", "orders.add_recommendationoutcome")

ROLE_PERMISSIONS = {
    "sales_rep": _PROCESSES,
    "customer_manager": _PROCESSES + ("orders.precancel_line",),
    "store_manager": _PROCESSES,
    "big_customer_room": ("orders.add_recommendationoutcome",),
    "account_clerk": ("orders.view_order",),
    "manager": ("orders.view_order",),
}
