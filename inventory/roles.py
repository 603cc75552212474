"""Which role may do what with numbers and stock (merged into the groups by boss.roles.roles_sync). The
matrix test (orders/tests/test_permission_matrix.py) spells out the same table from the screens' side."""

_NUMBERS = ("inventory.view_numberresource", "inventory.reserve_number", "inventory.view_numberreservation")
_STOCK = ("inventory.view_simcard", "inventory.view_handset", "inventory.view_rechargecard", "inventory.view_giftstock")
_REFERENCE = tuple(f"inventory.{verb}_{model}" for model in ("numbersegment", "handsetmodel", "gift")
                   for verb in ("view", "add", "change"))

ROLE_PERMISSIONS = {
    "sales_rep": _NUMBERS + _STOCK,
    "customer_manager": _NUMBERS + _STOCK,
    # A store manager releases any reservation of their hall and takes deliveries into stock.
    "store_manager": _NUMBERS + _STOCK + ("inventory.release_any_reservation", "inventory.import_stock",
                                          "inventory.view_stockimport", "inventory.count_gift_stock"),
    # The big-customer room selects numbers for group customers at every hall.
    "big_customer_room": _NUMBERS,
    "manager": ("inventory.view_numberresource", "inventory.view_numberreservation",
                "inventory.release_any_reservation", "inventory.view_stockimport", *_STOCK),
    "admin": _REFERENCE + ("inventory.view_numberresource", "inventory.import_stock", "inventory.view_stockimport",
                           *_STOCK),
}
