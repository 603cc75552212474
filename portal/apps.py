from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the hall's self-service terminal (the portal in kiosk mode) offers the customer, as the issue lists it
# (6.10.7): the balance, the bills, recharging with a card and printing the itemised bill, each with the
# test id of its link (or figure) on the kiosk's line page. Loss and unlock, plan changes and secondary cards
# are the web portal's, not the terminal's (the kiosk line page hides them). The counter's line screen marks
# these "the terminal can do this" (boss.selfservice) and the rep guides the customer there.
TERMINAL_SERVICES = {"balance": "balance", "bills": "go-bills", "itemised-bill": "go-bills",
                     "recharge-card": "go-recharge"}
TERMINAL_PROCESSES = tuple(TERMINAL_SERVICES)


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Web self-service portal")

    def ready(self):
        from boss.selfservice import terminal_processes_register

        terminal_processes_register(*TERMINAL_PROCESSES)
