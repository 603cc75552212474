"""Who may do what with partners (merged by boss.roles.roles_sync). The admin and the manager (who acts
as the marketing manager) keep the registry and the keys; managers review the tracing suspects and
resolve commission disputes."""

_VIEW = ("partners.view_partner", "partners.view_blacklistentry")
_MANAGE = _VIEW + ("partners.manage_partner", "partners.add_blacklistimport")

ROLE_PERMISSIONS = {
    "manager": _MANAGE + ("partners.review_suspect", "partners.view_suspect",
                          "partners.resolve_commissiondispute"),
    "admin": _MANAGE,
    "store_manager": ("partners.view_partner",),
}
