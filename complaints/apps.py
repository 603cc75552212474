from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from boss import home, search
        from complaints.views.panels import complaint_search, queue_panel

        search.register(complaint_search)
        home.register(queue_panel)
