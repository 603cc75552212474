"""API authentication: DRF's token authentication, with the staff member and their hall read in the same query
(every service call writes the actor's hall into its audit event, and most check it).

Every API request of the counter starts here, so the read is a prepared one (boss/prepared.py): the ORM compiled
the same three-table join on every request, about a millisecond of CPU, an eighth of a line read, and PostgreSQL
planned it again each time (issue 20). DRF's checks and messages are kept: an unknown key, a deactivated user."""

from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from boss.models import Staff
from boss.prepared import Prepared

drf_message = gettext_lazy   # DRF's own messages, translated by DRF's catalogues (not extracted into ours)

_TOKEN = Prepared(lambda key: Token.objects.select_related("user__hall").filter(key=key), str)


def token_staff(key: str) -> tuple[Token, Staff] | None:
    """The token of `key` and its staff member, with the hall (or None when they have none) cached on them."""
    found = _TOKEN(key)
    if not found:
        return None
    token = found[0]
    return token, token.user


class StaffTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        found = token_staff(key)
        if found is None:
            raise exceptions.AuthenticationFailed(drf_message("Invalid token."))
        token, staff = found
        if not staff.is_active:
            raise exceptions.AuthenticationFailed(drf_message("User inactive or deleted."))
        return staff, token
