from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "hall"
    verbose_name = _("Hall floor")

    def ready(self):
        from boss import home
        from boss.labels import register_actions
        from hall.views.panels import announcement_panel, queue_panel

        home.register(queue_panel)
        home.register(announcement_panel)
        register_actions({
            "ticket.transfer": _("Queue ticket transferred"), "announcement.publish": _("Announcement published"),
            "hall_device.add": _("Hall device added"), "hall_device.revoke": _("Hall device switched off"),
            "hall_device.reissue": _("Hall device address re-issued"),
        })
