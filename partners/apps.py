from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from boss.labels import register_actions
        from customers.external_blacklist import external_blacklist_source_set
        from partners.selectors import joint_blacklist_hits

        # The joint blacklist answers the banner and the opening's and transfer's checks (customers
        # defines the hook, so neither customers nor orders imports this app).
        external_blacklist_source_set(joint_blacklist_hits)
        register_actions({
            "tracing.confirm": _("Tracing suspect confirmed"), "tracing.dismiss": _("Tracing suspect dismissed"),
            "tracing.report": _("Tracing report for public security"),
            "tracing.suspend": _("Malicious line suspended"),
        })
