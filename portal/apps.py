from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The counter's line processes that the portal, and so the hall's terminal in kiosk mode, offers the customer
# (portal/urls.py: loss and unlock, plan change and its cancellation, secondary cards). The counter's line
# screen marks them "the terminal can do this" (boss.selfservice).
TERMINAL_PROCESSES = ("report-loss", "unlock", "plan-change", "plan-change-cancel", "secondary-add",
                      "secondary-remove")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Web self-service portal")

    def ready(self):
        from boss.selfservice import terminal_processes_register

        terminal_processes_register(*TERMINAL_PROCESSES)
