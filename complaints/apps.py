from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from billing.refund_outcomes import refund_outcome_listen
        from boss import home, search
        from complaints.refunds import refund_outcome_record
        from complaints.views.panels import complaint_search, queue_panel

        refund_outcome_listen(refund_outcome_record)   # the refund's result goes back to the complaint

        search.register(complaint_search)
        home.register(queue_panel)
