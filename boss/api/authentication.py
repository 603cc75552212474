"""API authentication: DRF's token authentication, with the staff member's hall read in the same query
(every service call writes the actor's hall into its audit event, and most check it)."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class _TokensWithHall:
    """What TokenAuthentication.authenticate_credentials reads from its model: `objects` (here with the
    user's hall joined) and `DoesNotExist`; DRF's own checks and messages are kept."""

    objects = Token.objects.select_related("user__hall")
    DoesNotExist = Token.DoesNotExist


class StaffTokenAuthentication(TokenAuthentication):
    def get_model(self):
        return _TokensWithHall
