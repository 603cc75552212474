"""Domain errors: a business rule refused the operation.

Each subclass has a stable `code` (the API's contract) and a translated message; `params` carry the
values the message talks about. Views turn them into a form error, the API into
`{"code", "message", "params"}` with the subclass's 4xx status.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the operation. Rendered by views and the API handler."""

    code = "domain_error"
    status = 409
    field: str | None = None  # the form field the refusal belongs to, when there is one

    def __init__(self, message=None, *, field: str | None = None, **params):
        message = message if message is not None else self.default_message()
        super().__init__(str(message))
        self.message = message
        self.params = params
        if field is not None:
            self.field = field

    def default_message(self):
        return _("The operation was refused.")

    def as_dict(self) -> dict:
        return {"code": self.code, "message": str(self.message), "params": _jsonable(self.params)}


class NotPermitted(DomainError):  # noqa: N818 (the kernel names style.md uses)
    code, status = "not_permitted", 403


class NotFound(DomainError):  # noqa: N818 (the kernel names style.md uses)
    code, status = "not_found", 404


class InvalidInputError(DomainError):
    """Input that is well-formed but not acceptable (a bad check digit, an amount below zero)."""

    code, status = "invalid", 400


class IdempotencyKeyReusedError(DomainError):
    code, status = "idempotency_key_reused", 409

    def default_message(self):
        return _("This request key was already used for a different request.")


class IdempotencyKeyMissingError(DomainError):
    code, status = "idempotency_key_required", 400

    def default_message(self):
        return _("This request moves money or takes a resource: send an Idempotency-Key header.")


def _jsonable(params: dict) -> dict:
    out = {}
    for key, value in params.items():
        if isinstance(value, (str, int, float, bool)) or value is None:
            out[key] = value
        elif isinstance(value, (list, tuple)):
            # A list of rows (a refused member list: row, number, reason) stays a list of objects.
            out[key] = [v if isinstance(v, (str, int, float, bool)) else _jsonable(v) if isinstance(v, dict)
                        else str(v) for v in value]
        else:
            out[key] = str(value)
    return out


class DatabaseUnavailableError(DomainError):
    """The database could not be reached during the request (restarted, failed over, network cut). The
    request's transaction did not commit, or its outcome is unknown if the cut came at COMMIT: a retry with the
    same Idempotency-Key either replays the first answer or does the work once."""

    code, status = "database_unavailable", 503

    def default_message(self):
        return _("The system could not reach its database; the operation may not have been completed. "
                 "Send it again in a moment with the same request key: it will not be done twice.")
