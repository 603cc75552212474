"""Logging filters: request ids on every line and no personal data in any line (ASVS 7.1.1)."""

import logging

from boss.context import request_id_var
from boss.masking import mask_text


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


class MaskPersonalDataFilter(logging.Filter):
    """Rewrites the formatted message with ID and mobile numbers masked.

    The message is rendered once with its arguments and the arguments dropped, so that a number passed
    as an argument is masked as well as one written into the message itself.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the line
            message = str(record.msg)
        record.msg = mask_text(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        return True


def mask_every_handler() -> int:
    """Put the masking filter on every handler of every logger that exists now (Django's, the
    server's access log, gunicorn's, Celery's), so no line reaches a file or a console unmasked
    whichever library set the handler up. Returns how many handlers got it. Safe to call again."""
    loggers = [logging.getLogger()] + [lg for lg in list(logging.root.manager.loggerDict.values())
                                       if isinstance(lg, logging.Logger)]
    added = 0
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
                handler.addFilter(MaskPersonalDataFilter())
                added += 1
    return added


security_log = logging.getLogger("boss.security")
