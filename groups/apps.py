from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = _("Group business")

    def ready(self):
        from boss import home
        from boss.labels import register_actions
        from customers.profile import register_section
        from groups.panels import batches_panel, group_sms_worklist_panel, worklist_panel
        from groups.profile import group_section

        home.register(worklist_panel)
        home.register(group_sms_worklist_panel)
        home.register(batches_panel)
        register_section("group", group_section)
        register_actions({
            "group.register": _("Registered as a group customer"),
            "vpmn.apply": _("VPMN application accepted"),
            "vpmn.callout": _("VPMN call-out recorded"),
            "vpmn.sign": _("VPMN agreement signed"),
            "vpmn.issue": _("VPMN group number issued"),
            "vpmn.open": _("VPMN discounts opened"),
            "vpmn.leave": _("VPMN member left"),
            "group_sms.apply": _("Group SMS pre-accepted"),
            "group_sms.hand_over": _("Group SMS handed over"),
            "group_sms.receive": _("Group SMS received by the big-customer room"),
            "group_sms.platform_build": _("Group SMS platform account made"),
            "group_sms.notice_send": _("Group SMS opening notice mailed"),
            "group_sms.open": _("Group SMS opened"),
            "group_sms.handover_overdue": _("Group SMS not handed over on the day"),
            "group_batch.build": _("Group paperwork batch built"),
            "group_batch.sign_for": _("Group paperwork batch signed for"),
        })
