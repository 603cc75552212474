from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("pay", _("Close my drawer"), "reports:drawer_close", "billing.close_own_drawer"),
    NavItem("reports", _("Hall day close"), "reports:hall_day", "billing.view_halldayclose"),
    NavItem("reports", _("Business reports"), "reports:business", "reports.view_reports"),
    NavItem("reports", _("Monthly work plan"), "reports:month_plan", "reports.view_hallmonthplan"),
]
