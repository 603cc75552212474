from django.db.models import QuerySet

from boss.models import Staff
from boss.permissions import restrict_to_actor
from notifications.models import SmsMessage


def sms_messages_for_actor(*, actor: Staff) -> QuerySet[SmsMessage]:
    """The hall's messages (all halls for roles with boss.all_halls)."""
    return restrict_to_actor(SmsMessage.objects.all(), actor, hall_field="hall")
