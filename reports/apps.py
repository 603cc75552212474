from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from boss import home
        from boss.labels import register_actions
        from reports.views.console import console_panel, demo_history_panel, rep_today_panel

        home.register(demo_history_panel)
        home.register(console_panel)
        home.register(rep_today_panel)
        register_actions({"report.view": _("Report viewed"), "report.export": _("Report exported"),
                          "report.print": _("Report printed"), "report.download": _("Report file downloaded")})
