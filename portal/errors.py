"""The portal's refusals. Sign-in refusals never say whether a number exists (no user enumeration)."""

from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError


class SignInRefusedError(DomainError):
    """The number or the service password is wrong: one answer for both, and for an unknown number."""

    code, status = "portal_signin_refused", 400
    field = "password"

    def default_message(self):
        return _("The mobile number or the service password is wrong.")


class SignInLockedError(DomainError):
    code, status = "portal_signin_locked", 429

    def default_message(self):
        return _("Too many failed attempts. Try again later.")


class SignInCodeError(DomainError):
    """The SMS code is wrong, used already or expired (one answer: a code is either good or not)."""

    code, status = "portal_code_refused", 400
    field = "code"

    def default_message(self):
        return _("The SMS code is wrong or no longer valid.")


class SignInCodeSpentError(DomainError):
    """The code may no longer be tried (expired, used, or too many wrong tries): sign in again."""

    code, status = "portal_code_spent", 400
    field = "code"

    def default_message(self):
        return _("This SMS code is no longer valid: sign in again to get a new one.")


class CodeResendTooSoonError(DomainError):
    """Another code for the number within `portal.code_resend_seconds` of the last (the message names the time
    the next one can be sent)."""

    code, status = "portal_code_resend_too_soon", 429

    def default_message(self):
        return _("A new code can be sent only a minute after the last one.")


class CodeSendsCappedError(DomainError):
    """`portal.codes_per_hour` codes were sent to the number within the hour (the message names the time)."""

    code, status = "portal_code_sends_capped", 429

    def default_message(self):
        return _("Too many SMS codes were sent to this number. Try again later.")


class PortalRateLimitedError(DomainError):
    """A customer's chat messages or complaints per hour are used up (the message names the time)."""

    code, status = "portal_rate_limited", 429

    def default_message(self):
        return _("Too many requests. Try again later.")


class PortalActionError(DomainError):
    code, status = "portal_refused", 409
