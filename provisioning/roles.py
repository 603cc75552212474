"""Who may see and act on work orders. Reps retry a failed one; rolling back (which refunds money and
releases the number) is an exception the store manager decides (processes.md section 0)."""

ROLE_PERMISSIONS = {
    "sales_rep": ("provisioning.view_workorder", "provisioning.retry_workorder"),
    "store_manager": ("provisioning.view_workorder", "provisioning.retry_workorder",
                      "provisioning.rollback_workorder"),
    "manager": ("provisioning.view_workorder",),
}
