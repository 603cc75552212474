from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("admin", _("Partners"), "partners:partner_list", "partners.view_partner"),
    NavItem("services", _("Partner discount requests"), "partners:discount_request_list",
            "partners.view_discountrequest"),
    NavItem("query", _("Joint blacklist"), "partners:blacklist_list", "partners.view_blacklistentry"),
    NavItem("query", _("Malicious-user tracing"), "partners:suspect_list", "partners.review_suspect"),
    NavItem("reports", _("Tracing statistics"), "partners:tracing_statistics", "partners.review_suspect"),
]
