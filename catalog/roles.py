"""Which role may do what with the catalog (merged into the groups by boss.roles.roles_sync)."""

# Every counter role reads the catalog and quotes prices.
_READ = ("catalog.view_plan", "catalog.view_feature", "catalog.quote_price", "catalog.view_offer")
_ADMIN = tuple(f"catalog.{verb}_{model}"
               for model in ("plan", "feature", "discount", "onetimefee", "offer", "numbergrade", "numbergraderule")
               for verb in ("view", "add", "change"))

ROLE_PERMISSIONS = {
    "sales_rep": _READ,
    "customer_manager": _READ,
    "store_manager": _READ,
    "big_customer_room": _READ,
    "account_clerk": ("catalog.view_plan", "catalog.view_feature"),
    "manager": _READ,
    "admin": _ADMIN + ("catalog.quote_price",),
}
