from django.utils.translation import gettext_lazy as _

from notifications.texts import SmsTemplate

SMS_TEMPLATES = [
    SmsTemplate("loyalty.gift_ordered", _("Points gift ordered online"),
                _("Your points gift %(gift)s (order %(number)s) is set aside for you at %(hall)s. Collect it by "
                  "%(day)s with your identity document; after that the order is cancelled and the points come "
                  "back.")),
    SmsTemplate("loyalty.gift_pickup_reminder", _("Points gift ordered online: pick-up reminder"),
                _("Reminder: your points gift %(gift)s (order %(number)s) waits for you at %(hall)s until %(day)s. "
                  "Collect it with your identity document; after that the order is cancelled and the points "
                  "come back.")),
]
