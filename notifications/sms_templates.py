from django.utils.translation import gettext_lazy as _

from notifications.texts import SmsTemplate

SMS_TEMPLATES = [
    SmsTemplate("notifications.test", _("Test message"),
                _("This is a test message from %(hall)s. No reply is needed.")),
]
