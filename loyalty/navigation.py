from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("services", _("Redeem points"), "loyalty:redeem", "loyalty.redeem_gift", "j"),
    NavItem("query", _("Redemptions"), "loyalty:redemption_list", "loyalty.view_redemption"),
    NavItem("services", _("Redemptions to confirm"), "loyalty:confirm_list", "loyalty.confirm_redemption"),
]
