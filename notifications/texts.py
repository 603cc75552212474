"""SMS templates: each app lists its own in `<app>/sms_templates.py` as `SMS_TEMPLATES = [SmsTemplate(...)]`.

The text is an English msgid with `%(name)s` placeholders, translated in the app's catalogue; a message is
rendered in settings.BOSS_SMS_LANGUAGE (Simplified Chinese) whatever the staff's screen language, when it is
queued, and the rendered text is what the outbox keeps and sends.
"""

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
SECRET_MASK = "******"


@dataclass(frozen=True)
class SmsTemplate:
    code: str      # "<app>.<event>", stable: the outbox stores it
    label: str     # what the screens call it (lazy translation)
    text: str      # lazy translation with %(name)s placeholders
    # Placeholders that must not stay readable in the outbox once the message is out (a one-time code): the
    # outbox keeps the text with these masked after the send (notifications.models.SmsMessage.redacted_body).
    secret: tuple[str, ...] = ()

    @property
    def placeholders(self) -> frozenset[str]:
        with translation.override("en"):
            return frozenset(_PLACEHOLDER.findall(str(self.text)))

    def render(self, params: dict) -> str:
        missing = self.placeholders - set(params)
        if missing:
            raise ValueError(f"SMS template {self.code} needs {sorted(missing)}")
        with translation.override(settings.BOSS_SMS_LANGUAGE):
            return str(self.text) % {k: str(v) for k, v in params.items()}

    def render_redacted(self, params: dict) -> str:
        """The text with the secret placeholders masked ("" when the template has none): what the outbox
        keeps after sending."""
        if not self.secret:
            return ""
        return self.render({**params, **{name: SECRET_MASK for name in self.secret}})


@cache
def sms_templates() -> dict[str, SmsTemplate]:
    from boss.registry import app_modules

    found: dict[str, SmsTemplate] = {}
    for module in app_modules("sms_templates"):
        for tpl in getattr(module, "SMS_TEMPLATES", ()):
            if tpl.code in found:
                raise LookupError(f"SMS template {tpl.code} is defined twice")
            found[tpl.code] = tpl
    return found


def sms_template_get(code: str) -> SmsTemplate:
    try:
        return sms_templates()[code]
    except KeyError:
        raise LookupError(f"no SMS template {code}: add it to an app's sms_templates.py") from None
