"""Who may do what with partners (merged by boss.roles.roles_sync). The admin and the manager (who acts
as the marketing manager) keep the registry and the keys; managers review the tracing suspects and
resolve commission disputes."""

_VIEW = ("partners.view_partner", "partners.view_blacklistentry")
_MANAGE = _VIEW + ("partners.manage_partner", "partners.add_blacklistimport")

# Discount requests (the discount interface): the agent's store manager asks for its partner, the manager
# (marketing manager) decides, the counter applies an approved one.
_DISCOUNT_VIEW = ("partners.view_discountrequest",)
_DISCOUNT_ASK = _DISCOUNT_VIEW + ("partners.add_discountrequest",)

ROLE_PERMISSIONS = {
    "manager": _MANAGE + ("partners.review_suspect", "partners.view_suspect",
                          "partners.resolve_commissiondispute", "partners.decide_discountrequest")
    + _DISCOUNT_ASK,
    "admin": _MANAGE + _DISCOUNT_ASK,
    "store_manager": ("partners.view_partner", "partners.apply_discountrequest") + _DISCOUNT_ASK,
    "sales_rep": _DISCOUNT_VIEW + ("partners.apply_discountrequest",),
    "customer_manager": _DISCOUNT_VIEW + ("partners.apply_discountrequest",),
}
