"""Form helpers every counter screen uses: the idempotency key of a form, and showing a domain refusal
where it arises."""

from django import forms

from boss.errors import DomainError
from boss.idempotency import new_key


class IdempotentForm(forms.Form):
    """A form whose submission runs once: the key is made when the form is shown, so a double click or a
    resent POST replays the first result (boss.idempotency)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())

    def params(self) -> dict:
        """The cleaned data as the idempotency fingerprint (model instances by pk)."""
        return {k: getattr(v, "pk", v) for k, v in self.cleaned_data.items() if k != "idempotency_key"}


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
