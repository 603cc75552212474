"""Who does what on the hall floor (merged by boss.roles.roles_sync)."""

_SERVE = ("hall.serve_ticket",)
_PUBLISH = ("hall.publish_announcement", "hall.view_announcement")

ROLE_PERMISSIONS = {
    "sales_rep": _SERVE,
    "customer_manager": _SERVE,
    "store_manager": _SERVE + _PUBLISH + ("hall.view_queue_statistics", "hall.manage_hall_devices"),
    "manager": _PUBLISH + ("hall.view_queue_statistics",),
    "admin": ("hall.view_halldevice", "hall.add_halldevice", "hall.change_halldevice"),
}
