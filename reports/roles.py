"""Who sees the managers' console and the reports (merged into the groups by boss.roles.roles_sync).
Managers see every hall (boss.all_halls); store managers their own hall. The permission matrix test
(reports/tests/test_permission_matrix.py) writes the same table out by hand."""

ROLE_PERMISSIONS = {
    "store_manager": ("reports.view_console", "reports.view_reports", "reports.view_hallmonthplan",
                      "reports.change_hallmonthplan"),
    "manager": ("reports.view_console", "reports.view_reports", "reports.view_hallmonthplan",
                "reports.change_hallmonthplan"),
}
