from django import forms
from django.utils.translation import gettext_lazy as _

from boss.forms import IdempotentForm
from complaints.models import ComplaintCategory
from customers.models import ForwardWhen

_DIGITS = {"inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]*"}


class SignInForm(forms.Form):
    msisdn = forms.CharField(label=_("Mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={**_DIGITS, "autocomplete": "tel", "data-numpad": "1"}))
    password = forms.CharField(label=_("Service password"), max_length=20,
                               widget=forms.PasswordInput(attrs={**_DIGITS, "data-numpad": "1"}))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("SMS code"), max_length=10,
                           widget=forms.TextInput(attrs={**_DIGITS, "autocomplete": "one-time-code",
                                                         "data-numpad": "1"}))


class RechargeForm(IdempotentForm):
    serial = forms.CharField(label=_("Card serial number"), max_length=30,
                             widget=forms.TextInput(attrs={**_DIGITS, "data-numpad": "1"}))
    pin = forms.CharField(label=_("Card PIN"), max_length=30,
                          widget=forms.PasswordInput(attrs={**_DIGITS, "data-numpad": "1"}))


class AgreeForm(IdempotentForm):
    agreed = forms.BooleanField(label=_("I have read the terms above and agree to them"), required=True)


class ConfirmForm(IdempotentForm):
    """A button that does one thing once (its key): nothing to fill in."""


class PlanChangeForm(AgreeForm):
    plan = forms.ChoiceField(label=_("New plan"), choices=())

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Nothing preselected: the customer chooses (ui.md).
        self.fields["plan"].choices = [("", _("Choose a plan"))] + [
            (p.code, f"{p.name} · ¥{p.monthly_fee}") for p in plans]
        self.order_fields(["plan", "agreed", "idempotency_key"])


class ComplaintForm(IdempotentForm):
    """A complaint (about a topic) or a suggestion (建议: its own kind, no topic; counted apart from the
    complaints)."""

    kind = forms.ChoiceField(label=_("This is"), widget=forms.RadioSelect, choices=ComplaintCategory.Kind.choices,
                             initial=ComplaintCategory.Kind.COMPLAINT, required=False)   # none: a complaint
    category = forms.ModelChoiceField(label=_("About (a complaint)"), queryset=None, required=False,
                                      empty_label=_("Choose a topic"))
    description = forms.CharField(label=_("Your complaint or suggestion"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, categories=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.order_fields(["kind", "category", "description", "idempotency_key"])

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or ComplaintCategory.Kind.COMPLAINT
        if data["kind"] == ComplaintCategory.Kind.COMPLAINT and not data.get("category"):
            self.add_error("category", _("Choose what the complaint is about."))
        return data


class ForwardingForm(AgreeForm):
    forward_to = forms.CharField(label=_("Forward calls to"), max_length=20,
                                 widget=forms.TextInput(attrs={**_DIGITS, "autocomplete": "tel", "data-numpad": "1"}))
    forward_when = forms.ChoiceField(label=_("When"), widget=forms.RadioSelect, choices=ForwardWhen.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["forward_to", "forward_when", "agreed", "idempotency_key"])


class SecondaryAddForm(AgreeForm):
    """One of the customer's own other lines (nothing preselected; no number typed, so no other customer's
    number is ever looked up from the web)."""

    secondary = forms.ChoiceField(label=_("Line that shares this plan"), choices=())

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secondary"].choices = [("", _("Choose one of your lines"))] + [
            (str(ln.pk), ln.msisdn) for ln in lines]
        self.order_fields(["secondary", "agreed", "idempotency_key"])


class SecondaryRemoveForm(AgreeForm):
    secondary = forms.CharField(widget=forms.HiddenInput, max_length=11)


class ChatForm(forms.Form):
    text = forms.CharField(label=_("Message"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class GiftOrderForm(IdempotentForm):
    """A gift and the redemption hall to collect it at: nothing preselected (the customer chooses)."""

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gift"] = forms.ChoiceField(
            label=_("Gift"), widget=forms.RadioSelect,
            choices=[(str(o.gift.pk), _("%(gift)s · %(points)s points") % {"gift": o.gift.name, "points": o.gift.points}
                      + (_(" + ¥%(topup)s at the hall") % {"topup": o.gift.cash_topup} if o.gift.cash_topup else ""))
                     for o in offers])
        halls = {h.pk: h for o in offers for h in o.halls}
        self.fields["hall"] = forms.ChoiceField(
            label=_("Collect at"), choices=[("", _("Choose a redemption hall"))]
            + [(str(h.pk), h.name) for h in sorted(halls.values(), key=lambda h: h.name)])
        self.order_fields(["gift", "hall", "idempotency_key"])
