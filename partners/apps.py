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

        from boss.exports import Exporter, register
        from partners.exports import tracing_report_rows

        # Full mobile numbers with what they did, for the public-security partner: a bulk export of personal
        # data, so a second person approves it (issue 12).
        register(Exporter(kind="tracing.report", label=_("Tracing report for public security"),
                          perm="partners.review_suspect", rows=tracing_report_rows))
        register_actions({
            "tracing.confirm": _("Tracing suspect confirmed"), "tracing.dismiss": _("Tracing suspect dismissed"),
            "tracing.report": _("Tracing report for public security"),
            "tracing.suspend": _("Malicious line suspended"),
            "partner.blacklist_export": _("Our blacklist given to a partner as a file"),
            "partner.dispute_open": _("Commission dispute recorded"),
            "partner.dispute_resolve": _("Commission dispute resolved"),
            "partner.discount_request": _("Partner discount requested"),
            "partner.discount_approve": _("Partner discount approved"),
            "partner.discount_refuse": _("Partner discount refused"),
            "partner.discount_apply": _("Partner discount granted"),
        })
