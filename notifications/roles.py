"""Who may see the outbox of text messages and the simulated gateway's screen (no one edits them)."""

_VIEW = ("notifications.view_smsmessage", "notifications.view_simulatedsms")

ROLE_PERMISSIONS = {
    "store_manager": _VIEW,
    "big_customer_room": _VIEW,
    "manager": _VIEW,
    "admin": _VIEW,
}
