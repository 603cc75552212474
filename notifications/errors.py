from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class NotificationNumberError(DomainError):
    """The number a notification is addressed to is not a mainland mobile number."""

    code, status = "notification_number", 400

    def default_message(self):
        return _("A text message can only go to an 11-digit mobile number.")
