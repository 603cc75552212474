from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Group business")

    def ready(self):
        from boss import home
        from groups.panels import group_sms_worklist_panel, worklist_panel

        home.register(worklist_panel)
        home.register(group_sms_worklist_panel)
