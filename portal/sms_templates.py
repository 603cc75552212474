from django.utils.translation import gettext_lazy as _

from notifications.texts import SmsTemplate

SMS_TEMPLATES = [
    SmsTemplate("portal.signin_code", _("Web portal sign-in code"),
                _("Your web self-service sign-in code is %(code)s, valid for %(minutes)s minutes. Never tell it "
                  "to anyone, not even our staff."),
                secret=("code",)),   # the outbox keeps it masked once sent (notifications README)
]
