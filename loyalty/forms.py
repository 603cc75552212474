"""Forms of the redemption screens: the shape of the input only (the services decide). Field names are the
API's."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boss.forms import IdempotentForm
from loyalty.models import Redemption
from orders.line_forms import DOC_TYPES
from orders.models import Order

ANSWERS = [("yes", _("Confirmed: may collect")), ("no", _("Refused"))]


class LookupForm(forms.Form):
    msisdn = forms.CharField(label=_("mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}))


def _topup_fields(form) -> None:
    # How the customer pays the top-up is theirs to say: nothing chosen (ui.md); the service asks for it when a
    # top-up is due.
    form.fields["method"] = forms.ChoiceField(label=_("top-up paid by"), required=False,
                                              choices=[("", "—"), ("cash", _("Cash")),
                                                       ("bank_card", _("Bank card (POS)"))])
    form.fields["tendered"] = forms.DecimalField(label=_("cash tendered"), max_digits=12, decimal_places=2,
                                                 min_value=0, required=False)


class RedeemForm(IdempotentForm):
    """The gift, the documents checked, who collects, the seal, the signature. Nothing the customer says is
    preselected: the gift, the documents and the signature start empty."""

    def __init__(self, *args, gifts=(), organization=False, pickup=False, topup=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not pickup:   # the pick-up of an online order: the gift was chosen online
            self.fields["gift"] = forms.ChoiceField(label=_("gift"), widget=forms.RadioSelect,
                                                    choices=[(str(g.pk), g.name) for g in gifts])
        self.fields["documents_checked"] = forms.MultipleChoiceField(
            label=_("documents checked"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(d.value, d.label) for d in (Order.Document.ID_ORIGINAL, Order.Document.UNIT_LETTER,
                                                   Order.Document.LICENCE, Order.Document.AGENT_ID)])
        if organization:
            self.fields["seal"] = forms.ChoiceField(label=_("seal on the licence"), required=False,
                                                    choices=[("", "—"), *Redemption.Seal.choices])
        self.fields["agent_doc_type"] = forms.ChoiceField(label=_("collected by an agent: document"), required=False,
                                                          choices=DOC_TYPES)
        self.fields["agent_number"] = forms.CharField(label=_("agent's document number"), max_length=40,
                                                      required=False)
        self.fields["agent_name"] = forms.CharField(label=_("agent's name"), max_length=100, required=False)
        self.fields["receipt_signed"] = forms.BooleanField(
            label=_("The customer signed the redemption receipt (needed when no confirmation is asked)"),
            required=False)
        if topup:   # the pick-up of an online order without a cash top-up asks for none
            _topup_fields(self)


class AnswerForm(forms.Form):
    """The big-customer room's answer, or the customer's answer on the phone: required, never preselected."""

    answer = forms.ChoiceField(label=_("answer"), choices=ANSWERS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("who may collect, or why not"), max_length=200)


class CompleteForm(IdempotentForm):
    receipt_signed = forms.BooleanField(label=_("The customer signed the redemption receipt"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _topup_fields(self)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("reason for the return"), max_length=200)
