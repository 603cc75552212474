"""Gunicorn's logger with the masking filter on its access and error logs (issue 12 item 3): the access
log writes request paths and query strings, which carry mobile and ID numbers. gunicorn.conf.py names it."""

from gunicorn.glogging import Logger

from boss.logging import MaskPersonalDataFilter


class MaskingGunicornLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters):
                    handler.addFilter(MaskPersonalDataFilter())
