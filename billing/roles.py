"""Which role may do what in billing (merged into the groups by boss.roles.roles_sync)."""

ROLE_PERMISSIONS = {
    "sales_rep": ("billing.view_own_drawer",),
    "customer_manager": ("billing.view_own_drawer",),
    "store_manager": ("billing.view_own_drawer", "billing.view_ledgeraccount"),
    "account_clerk": ("billing.view_ledgeraccount", "billing.import_usage", "billing.view_usageimport"),
    "manager": ("billing.view_ledgeraccount", "billing.view_usageimport"),
}
