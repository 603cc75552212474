from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = _("Points redemption")

    def ready(self):
        from customers.profile import register_section
        from loyalty.views.panels import points_section

        register_section("points", points_section)
