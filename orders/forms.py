"""Forms of the number, stock and catalog screens: they check the shape of the input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boss.forms import IdempotentForm
from boss.models import Hall
from orders.models import Business, PaymentMethod, SimCapacity, StockImport
from orders.selectors import feature_list, plan_list


class NumberReserveForm(IdempotentForm):
    customer = forms.IntegerField(label=_("customer number"), required=False, min_value=1,
                                  help_text=_("Optional: the customer the number is held for."))


class QuoteForm(forms.Form):
    business = forms.ChoiceField(label=_("business type"), choices=Business.choices, initial=Business.OPEN_ACCOUNT)
    product = forms.ModelChoiceField(label=_("product"), queryset=plan_list(on_sale_only=True),
                                     to_field_name="code", empty_label=_("choose a product"))
    msisdn = forms.RegexField(label=_("mobile number"), regex=r"^1\d{10}$", required=False,
                              error_messages={"invalid": _("Enter an 11-digit mobile number.")},
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11}))
    sim_capacity = forms.ChoiceField(label=_("SIM card"), choices=[("", _("none"))] + SimCapacity.choices,
                                     required=False)
    features = forms.ModelMultipleChoiceField(label=_("features"), queryset=feature_list(on_sale_only=True),
                                              to_field_name="code", required=False,
                                              widget=forms.CheckboxSelectMultiple)
    payment_method = forms.ChoiceField(label=_("payment method"), choices=PaymentMethod.choices,
                                       initial=PaymentMethod.CASH)
    on_date = forms.DateField(label=_("date"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              help_text=_("Empty: today."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Products and features on sale today, read when the form is made (not when the module loads).
        self.fields["product"].queryset = plan_list(on_sale_only=True)
        self.fields["features"].queryset = feature_list(on_sale_only=True)


class RecommendationOutcomeForm(forms.Form):
    customer = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    offer = forms.CharField(max_length=40, widget=forms.HiddenInput)
    accepted = forms.TypedChoiceField(choices=[("1", _("Accepted")), ("0", _("Declined"))], coerce=lambda v: v == "1")
    business = forms.ChoiceField(choices=[("", "-")] + Business.choices, required=False, widget=forms.HiddenInput)
    next = forms.CharField(max_length=500, required=False, widget=forms.HiddenInput)


class StockImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=StockImport.Kind.choices)
    hall = forms.ModelChoiceField(label=_("service hall"), queryset=Hall.objects.filter(active=True), required=False,
                                  help_text=_("Empty: your own hall. Numbers belong to no hall."))
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None and not actor.has_perm("boss.all_halls"):
            del self.fields["hall"]  # hall staff import into their own hall
