"""Which role may do what with numbers, stock and the catalog (merged into the groups by
boss.roles.roles_sync). The matrix test beside it (orders/tests/test_permission_matrix.py) spells out
the same table from the screens' side."""

_COUNTER = (
    "orders.view_numberresource", "orders.reserve_number", "orders.view_numberreservation",
    "orders.view_plan", "orders.view_feature", "orders.quote_price",
    "orders.view_offer", "orders.add_recommendationoutcome",
    "orders.view_simcard", "orders.view_handset", "orders.view_rechargecard",
)
_CATALOG_ADMIN = tuple(
    f"orders.{verb}_{model}"
    for model in ("plan", "feature", "discount", "onetimefee", "offer", "numbergrade", "numbergraderule",
                  "numbersegment", "handsetmodel")
    for verb in ("view", "add", "change")
)

# Processes at the counter: opening accounts, collecting fees, the orders and documents of the hall; the
# line's lifecycle (formal cancellation, transfer, comprehensive services). Pre-cancellation is a customer
# manager's (at a designated hall, checked by the service).
_PROCESSES = ("orders.open_account", "orders.collect_fee", "orders.view_order", "orders.cancel_line",
              "orders.transfer_line", "orders.serve_line")

ROLE_PERMISSIONS = {
    "sales_rep": _COUNTER + _PROCESSES,
    "customer_manager": _COUNTER + _PROCESSES + ("orders.precancel_line",),
    # A store manager releases any reservation of their hall and takes deliveries into stock.
    "store_manager": _COUNTER + _PROCESSES + ("orders.release_any_reservation", "orders.import_stock",
                                              "orders.view_stockimport"),
    # The big-customer room selects numbers and quotes for group customers at every hall.
    "big_customer_room": ("orders.view_numberresource", "orders.reserve_number", "orders.view_numberreservation",
                          "orders.view_plan", "orders.view_feature", "orders.quote_price", "orders.view_offer",
                          "orders.add_recommendationoutcome"),
    "account_clerk": ("orders.view_plan", "orders.view_feature", "orders.view_order"),
    "manager": ("orders.view_order", "orders.view_numberresource", "orders.view_numberreservation", "orders.release_any_reservation",
                "orders.view_plan", "orders.view_feature", "orders.quote_price", "orders.view_offer",
                "orders.view_simcard", "orders.view_handset", "orders.view_rechargecard", "orders.view_stockimport"),
    "admin": _CATALOG_ADMIN + ("orders.view_numberresource", "orders.quote_price", "orders.import_stock",
                               "orders.view_stockimport", "orders.view_simcard", "orders.view_handset",
                               "orders.view_rechargecard"),
}
