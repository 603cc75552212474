from django.utils.translation import gettext_lazy as _

from notifications.texts import SmsTemplate

SMS_TEMPLATES = [
    SmsTemplate("complaints.satisfaction_survey", _("Complaint satisfaction survey"),
                _("Your complaint %(number)s has been handled. We will call you back shortly to ask whether you "
                  "are satisfied with how it was handled.")),
]
