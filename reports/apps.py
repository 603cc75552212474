from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from boss import home
        from reports.views.console import console_panel, rep_today_panel

        home.register(console_panel)
        home.register(rep_today_panel)
