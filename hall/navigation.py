from django.utils.translation import gettext_lazy as _

from boss.navigation import NavItem

NAV_ITEMS = [
    NavItem("query", _("Queue tickets"), "hall:queue", "hall.serve_ticket"),
    NavItem("reports", _("Queue statistics"), "hall:statistics", "hall.view_queue_statistics"),
    NavItem("admin", _("Announcements"), "hall:announcement_list", "hall.publish_announcement"),
    NavItem("admin", _("Ticket machines and displays"), "hall:device_list", "hall.manage_hall_devices"),
]
