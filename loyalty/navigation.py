from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

# Access keys: one per function over the whole navigation (tests/test_shortcuts.py); D for 兑 (dui).
NAV_ITEMS = [
    NavItem("services", _("Redeem points"), "loyalty:redeem", "loyalty.redeem_gift", "d"),
    NavItem("query", _("Redemptions"), "loyalty:redemption_list", "loyalty.view_redemption"),
    NavItem("services", _("Redemptions to confirm"), "loyalty:confirm_list", "loyalty.confirm_redemption"),
]
