"""Forms of the customer screens: the shape of the input only. Completeness (C1-F3) and every rule are the
services'; their refusals come back at the field they name."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from boss.forms import IdempotentForm
from customers.models import CustomerClass, CustomerIdentity
from customers.services import REVEALABLE_FIELDS


class IdentityFields(forms.Form):
    doc_type = forms.ChoiceField(label=_("document type"), choices=CustomerIdentity.DocType.choices,
                                 initial=CustomerIdentity.DocType.RESIDENT_ID)
    number = forms.CharField(label=_("document number"), max_length=40, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false",
                                                           "autofocus": True}))


class CustomerCreateForm(IdempotentForm, IdentityFields):
    name = forms.CharField(label=_("name on the document"), max_length=100, required=False,
                           help_text=_("Exactly as on the document (the organization's name for a licence)."))
    address = forms.CharField(label=_("address on the document"), max_length=200, required=False)
    check_method = forms.ChoiceField(label=_("checked by"), choices=CustomerIdentity.CheckMethod.choices,
                                     initial=CustomerIdentity.CheckMethod.CARD_READER)
    contact_phone = forms.CharField(label=_("contact number"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    contact_address = forms.CharField(label=_("contact address"), max_length=200, required=False)

    field_order = ["doc_type", "number", "name", "address", "check_method", "contact_phone", "contact_address"]
    # Required by the service, which reports every missing one at once with the document's problems: marked
    # on the screen (*) though the form itself lets them through.
    marked_required = ("doc_type", "number", "name", "address", "contact_phone")

    def __init__(self, *args, opening=False, **kwargs):
        super().__init__(*args, **kwargs)
        # The number is checked live as the rep leaves it, and changing the type checks it again (htmx);
        # in the opening a customer already registered is offered to continue with.
        # One check at a time per form: a newer one (the number typed after the type was chosen) aborts the one in
        # flight, whose late answer would otherwise overwrite it.
        check = {"hx-post": reverse("customers:identity_check"), "hx-trigger": "change", "hx-target": "#identity-check",
                 "hx-sync": "closest form:replace"}
        if opening:
            check["hx-vals"] = '{"opening": "1"}'
        self.fields["doc_type"].widget.attrs.update({**check, "hx-include": "[name=number]"})
        self.fields["number"].widget.attrs.update({**check, "hx-include": "[name=doc_type]", "autocomplete": "off"})


class CustomerContactForm(forms.Form):
    contact_phone = forms.CharField(label=_("contact number"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "autofocus": True,
                                                                  "autocomplete": "off"}))
    contact_address = forms.CharField(label=_("contact address"), max_length=200, required=False)


class CustomerClassForm(forms.Form):
    kind = forms.ChoiceField(label=_("class"), choices=CustomerClass.Kind.choices,
                             widget=forms.Select(attrs={"autofocus": True}))
    vip_level = forms.IntegerField(label=_("VIP level"), min_value=1, max_value=99, required=False,
                                   help_text=_("Only for big customers (VIP)."))
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)
    since = forms.DateField(label=_("since"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Empty: from today."))
    until = forms.DateField(label=_("until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Empty: until revoked."))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200, required=False,
                             widget=forms.TextInput(attrs={"autocomplete": "off"}))


class RevealForm(ReasonForm):
    field = forms.ChoiceField(label=_("field"), choices=[(k, v[0]) for k, v in REVEALABLE_FIELDS.items()])
