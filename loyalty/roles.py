"""Who may do what with points redemption (merged by boss.roles.roles_sync). The rep redeems at a redemption
hall (the service checks the hall); the big-customer room answers the group customers' confirmations."""

_COUNTER = ("loyalty.redeem_gift", "loyalty.view_redemption")

ROLE_PERMISSIONS = {
    "sales_rep": _COUNTER,
    "customer_manager": _COUNTER,
    "store_manager": _COUNTER + ("loyalty.return_gift",),
    "big_customer_room": ("loyalty.confirm_redemption", "loyalty.view_redemption"),
    "manager": ("loyalty.view_redemption",),
}
