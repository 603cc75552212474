"""Forms of the number, stock and catalog screens: they check the shape of the input only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boss.forms import IdempotentForm
from catalog.models import Business, PaymentMethod, SimCapacity
from catalog.selectors import feature_list, plan_list


class NumberReserveForm(IdempotentForm):
    """The customer is the one the screen serves (carried, never typed: a rep cannot know an internal
    number), or found by the ID number the customer shows."""

    customer = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    identity_number = forms.CharField(
        label=_("customer's ID number"), required=False, max_length=30,
        help_text=_("Optional: the number on the customer's ID card; empty holds the number for nobody yet."))

    def __init__(self, *args, served=None, **kwargs):
        super().__init__(*args, **kwargs)
        if served is not None:          # the banner names the customer: nothing to type
            del self.fields["identity_number"]


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


# --------------------------------------------------------------------------------------------------
# Opening an account and collecting fees
# --------------------------------------------------------------------------------------------------


class CustomerFindForm(forms.Form):
    q = forms.CharField(label=_("Customer name, ID number or mobile number"), max_length=60,
                        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}))


class OpenAccountForm(IdempotentForm):
    """Step 2 of an opening: number, product, payment, documents (shape only; the rules are the service's)."""

    msisdn = forms.CharField(label=_("mobile number"), max_length=11,
                             widget=forms.TextInput(attrs={"readonly": True, "data-testid": "chosen-msisdn"}))
    product = forms.ModelChoiceField(label=_("main plan"), queryset=plan_list(on_sale_only=True, kind="main"),
                                     to_field_name="code", empty_label=_("choose a main plan"))
    features = forms.ModelMultipleChoiceField(label=_("features"), queryset=feature_list(on_sale_only=True),
                                              to_field_name="code", required=False,
                                              widget=forms.CheckboxSelectMultiple)
    sim_capacity = forms.ChoiceField(label=_("SIM card"), choices=SimCapacity.choices, initial=SimCapacity.USIM)
    iccid = forms.CharField(label=_("ICCID (scan the card, or leave empty to take one from stock)"), max_length=20,
                            required=False)
    # How the customer will pay is the customer's answer: nothing chosen for them (ui.md).
    payment_method = forms.ChoiceField(label=_("payment method"), choices=PaymentMethod.choices,
                                       widget=forms.RadioSelect,
                                       error_messages={"required": _("Choose how the customer pays each month: "
                                                                     "cash (prepaid) or bank collection.")})
    bank_code = forms.CharField(label=_("bank"), max_length=20, required=False)
    bank_account_number = forms.CharField(label=_("bank account number"), max_length=40, required=False)
    bank_account_holder = forms.CharField(label=_("account holder"), max_length=100, required=False)
    bank_holder_doc_type = forms.ChoiceField(label=_("account holder's document"), required=False,
                                             choices=[("", "—"), ("resident_id", _("Resident ID card")),
                                                      ("passport", _("Passport")), ("hmt_permit",
                                                                                    _("HK/Macau/Taiwan permit"))])
    bank_holder_doc_number = forms.CharField(label=_("account holder's document number"), max_length=40,
                                             required=False)
    bank_confirmed_by = forms.CharField(label=_("confirmed by phone with (bank staff)"), max_length=100,
                                        required=False)
    agent_doc_type = forms.ChoiceField(label=_("agent's document"), required=False,
                                       choices=[("", _("no agent")), ("resident_id", _("Resident ID card")),
                                                ("passport", _("Passport")), ("hmt_permit",
                                                                              _("HK/Macau/Taiwan permit"))])
    agent_number = forms.CharField(label=_("agent's document number"), max_length=40, required=False)
    agent_name = forms.CharField(label=_("agent's name"), max_length=100, required=False)
    documents_checked = forms.MultipleChoiceField(label=_("documents checked"), required=False,
                                                  choices=[], widget=forms.CheckboxSelectMultiple)
    service_password = forms.CharField(
        label=_("service password (6 digits, typed by the customer)"), max_length=6, min_length=6,
        widget=forms.PasswordInput(render_value=False, attrs={"inputmode": "numeric", "autocomplete": "new-password"}))
    override_username = forms.CharField(label=_("manager's user name (blacklist override)"), max_length=150,
                                        required=False)
    override_password = forms.CharField(label=_("manager's password"), required=False,
                                        widget=forms.PasswordInput(render_value=False))
    override_reason = forms.CharField(label=_("override reason"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        from orders.models import Order

        super().__init__(*args, **kwargs)
        self.fields["documents_checked"].choices = Order.Document.choices
        # Exactly one main plan: add-on packs are not offered as the product of an opening.
        self.fields["product"].queryset = plan_list(on_sale_only=True, kind="main")


# How the customer pays is theirs to say: the payment forms start with no method chosen (ui.md).
PAY_METHOD_REQUIRED = _("Choose how the customer pays.")


class OrderPayForm(IdempotentForm):
    """Step 3: the customer signed, the money (唱收唱付)."""

    agreement_signed = forms.BooleanField(label=_("The customer has signed the printed service agreement"),
                                          required=False)
    method = forms.ChoiceField(label=_("payment method"), widget=forms.RadioSelect,
                               choices=[("cash", _("Cash")), ("bank_card", _("Bank card (POS)"))],
                               error_messages={"required": PAY_METHOD_REQUIRED})
    tendered = forms.DecimalField(label=_("cash tendered"), max_digits=12, decimal_places=2, min_value=0,
                                  required=False, widget=forms.NumberInput(attrs={"step": "0.01", "data-tendered": ""}))


class OrderCancelForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)


class FeeLookupForm(forms.Form):
    msisdn = forms.CharField(label=_("mobile number"), max_length=20,
                             widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off",
                                                           "inputmode": "numeric"}))


class FeeCollectForm(IdempotentForm):
    method = forms.ChoiceField(label=_("payment method"), widget=forms.RadioSelect,
                               choices=[("cash", _("Cash")), ("bank_card", _("Bank card (POS)")),
                                        ("recharge_card", _("Recharge card"))],
                               error_messages={"required": PAY_METHOD_REQUIRED})
    amount = forms.DecimalField(label=_("amount"), max_digits=12, decimal_places=2, min_value=0, required=False,
                                widget=forms.NumberInput(attrs={"step": "0.01"}))
    tendered = forms.DecimalField(label=_("cash tendered"), max_digits=12, decimal_places=2, min_value=0,
                                  required=False, widget=forms.NumberInput(attrs={"step": "0.01", "data-tendered": ""}))
    recharge_serial = forms.CharField(label=_("recharge card serial"), max_length=20, required=False)
    recharge_pin = forms.CharField(label=_("recharge card PIN"), max_length=30, required=False,
                                   widget=forms.PasswordInput(render_value=False))
    confirm_repeat = forms.BooleanField(label=_("Charge again: the customer pays a second time"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("method") == "recharge_card":
            if not (data.get("recharge_serial") and data.get("recharge_pin")):
                self.add_error("recharge_serial", _("Enter the card's serial and PIN."))
        elif data.get("amount") in (None, 0):
            self.add_error("amount", _("Enter the amount the customer pays."))
        return data
