from django.utils.translation import gettext_lazy as _

from notifications.texts import SmsTemplate

SMS_TEMPLATES = [
    SmsTemplate("billing.arrears_reminder", _("Arrears reminder"),
                _("Your account is %(amount)s yuan in arrears. Please pay before %(deadline)s, or the service will "
                  "be suspended.")),
]
