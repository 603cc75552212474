from django.utils.translation import gettext_lazy as _

from notifications.texts import SmsTemplate

SMS_TEMPLATES = [
    SmsTemplate("groups.vpmn_member_notice", _("VPMN member notice"),
                _("Your number has joined the VPMN group %(group)s (group number %(number)s); calls within "
                  "the group are discounted.")),
    SmsTemplate("groups.group_sms_open", _("Group SMS opened"),
                _("The group SMS service of %(group)s is open (application %(number)s, platform account "
                  "%(account)s). Your account manager can help with any question.")),
]
