"""Form helpers every counter screen uses: the idempotency key of a form, showing a domain refusal where it
arises, and the period of a report."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from boss.errors import DomainError
from boss.idempotency import fingerprint, new_key
from boss.models import IdempotencyKey
from boss.tariffs import tariff

SESSION_FORM_KEYS = "boss.form_keys"
FORM_KEYS_KEPT = 40  # subjects remembered per session (the oldest are forgotten first)
NEW_FORM_PARAM = "new_form"


class IdempotentForm(forms.Form):
    """A form whose submission runs once: the key is made when the form is shown, so a double click or a
    resent POST replays the first result (boss.idempotency). A money screen passes `key=` from `form_key()`
    so that the form brought back by Back or a reload carries the key of the first submission too."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)

    def __init__(self, *args, key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = key or self.initial.get("idempotency_key") or new_key()

    def params(self) -> dict:
        """The cleaned data as the idempotency fingerprint (model instances by pk)."""
        return {k: getattr(v, "pk", v) for k, v in self.cleaned_data.items() if k != "idempotency_key"}


class LongSelect(forms.Select):
    """A select of many options (the audit's 171 actions), written here as Django's templates write it: Django
    renders each option through a template of its own, a third of the audit list's time (issue 20).
    boss/tests/test_long_select.py holds the two equal."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = format_html_join("", '<option value="{}"{}>{}</option>',
                                        ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options))
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, rendered) if group_name
                          else rendered)
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]),
                           mark_safe("".join(groups)))   # each part escaped by format_html above


@dataclass(frozen=True)
class FormKey:
    """The key a money form is shown with, and its earlier submission (None while unused)."""

    key: str
    submitted: IdempotencyKey | None


def repeat_window() -> timedelta:
    return timedelta(minutes=tariff("counter.repeat_minutes"))


def form_key(request, subject: str) -> FormKey:
    """The idempotency key of the money form a screen shows for `subject` ("lines.payment:<line pk>").

    The key is kept in the session per subject, so the form that Back or a reload brings back carries the
    key of the submission already made: sending it again replays the first result (the same receipt)
    instead of taking the money a second time. The key is renewed when the rep asks for a new form
    (`?new_form=1`) or when its submission is older than the repeat window (tariff counter.repeat_minutes);
    a new payment for the same thing within the window is then confirmed by the rep (see the screens).
    """
    keys: dict = dict(request.session.get(SESSION_FORM_KEYS) or {})
    key = keys.get(subject)
    submitted = form_submission(request, key)
    renew = (key is None or request.GET.get(NEW_FORM_PARAM)
             or (submitted is not None and submitted.created_at < timezone.now() - repeat_window()))
    if renew:
        key, submitted = new_key(), None
        keys.pop(subject, None)
        keys[subject] = key
        while len(keys) > FORM_KEYS_KEPT:
            keys.pop(next(iter(keys)))
        request.session[SESSION_FORM_KEYS] = keys
    return FormKey(key, submitted)


def form_key_renew(request, subject: str):
    """`?new_form=1`: the rep starts a new form for `subject` (a new key); redirect to the screen without the
    parameter so that a reload does not renew the key again. None when the parameter is absent."""
    from django.shortcuts import redirect

    if not request.GET.get(NEW_FORM_PARAM):
        return None
    form_key(request, subject)
    query = request.GET.copy()
    query.pop(NEW_FORM_PARAM, None)
    return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def form_submission_key(request, key: str, *, scope: str, params: dict) -> str:
    """The key to run a money form's submission with. The form's own key, unless that key already ran with
    other content (the rep changed the form brought back by Back, or the same screen is used again within
    the window for another business): that is a new submission, run under a key derived from the form's key
    and its content, so that a double click of it still runs once."""
    submitted = form_submission(request, key)
    digest = fingerprint(scope, params)
    if submitted is None or (submitted.scope == scope and submitted.request_hash == digest):
        return key
    return f"{key[:200]}~{digest[:32]}"


def form_submission(request, key: str | None) -> IdempotencyKey | None:
    """The committed submission made with this key by this user, or None."""
    if not key or not getattr(request.user, "is_authenticated", False):
        return None
    return IdempotencyKey.objects.filter(actor=request.user, key=key).first()


def form_add_domain_error(form, exc: DomainError) -> None:
    """Show a refusal where it arises: at each field it names (when the form has it), else above the form."""
    fields = getattr(exc, "fields", None) or ({exc.field: [str(exc.message)]} if exc.field else {})
    placed = False
    for name, msgs in fields.items():
        if name in form.fields and not form.fields[name].widget.is_hidden:
            for msg in msgs:
                form.add_error(name, msg)
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


class PeriodForm(forms.Form):
    """The period of a statistics screen or report (both days included)."""

    date_from = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return data


def period_from_request(request) -> tuple[PeriodForm, date, date]:
    """The period asked for in the query string; by default this month up to today. An invalid period falls
    back to it (the form shows why)."""
    today = timezone.localdate()
    default = {"date_from": today.replace(day=1), "date_to": today}
    form = PeriodForm(request.GET if {"date_from", "date_to"} & set(request.GET) else None, initial=default)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    return form, default["date_from"], default["date_to"]
