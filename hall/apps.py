from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HallConfig(AppConfig):
    name = "hall"
    verbose_name = _("Hall floor")

    def ready(self):
        from boss import home
        from hall.views.panels import announcement_panel, queue_panel

        home.register(queue_panel)
        home.register(announcement_panel)
