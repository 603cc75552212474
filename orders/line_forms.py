"""Forms of the processes on a line: the shape of the input only (the services decide). Field names are
the API's, so one mapping (orders.line_processes) serves both."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from boss.forms import IdempotentForm
from catalog.models import Discount, Feature, PaymentMethod, Plan, SimCapacity, in_force_q
from customers.models import ForwardWhen
from inventory.models import Operator
from orders.forms import PAY_METHOD_REQUIRED
from orders.models import Order, RetentionAttempt

DOC_TYPES = [("", _("no agent")), ("resident_id", _("Resident ID card")), ("passport", _("Passport")),
             ("hmt_permit", _("HK/Macau/Taiwan permit"))]


def _money_fields(form) -> None:
    # Nothing chosen for the customer (ui.md); the service refuses at this field when money is due and
    # no method was chosen (the form cannot know whether anything is due).
    form.fields["method"] = forms.ChoiceField(label=_("payment method"), widget=forms.RadioSelect, required=False,
                                              choices=[("cash", _("Cash")), ("bank_card", _("Bank card (POS)"))])
    form.fields["tendered"] = forms.DecimalField(
        label=_("cash tendered"), max_digits=12, decimal_places=2, min_value=0, required=False,
        widget=forms.NumberInput(attrs={"step": "0.01", "data-tendered": "", "data-due-from": "#amount-due-value",
                                        "data-change-target": "change"}))
    form.fields["confirm_repeat"] = forms.BooleanField(label=_("Charge again: the customer pays a second time"),
                                                       required=False)


def cash_block_hide(form) -> None:
    """Nothing to pay: no payment method, tendered amount or change on the screen (the method posts cash
    unseen: with nothing to pay there is no choice for the customer to make)."""
    for name in ("method", "tendered"):
        if name in form.fields:
            form.fields[name].widget = forms.HiddenInput()
    if "method" in form.fields:
        form.fields["method"].initial = "cash"


class LineChangeForm(IdempotentForm):
    """Documents checked and an agent when one acts: the business is entered as a draft; the agreement
    (免填单) is printed and signed, and the money taken, on the draft's screen (LineCommitForm)."""

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.fields["documents_checked"] = forms.MultipleChoiceField(
            label=_("documents checked"), required=False, choices=Order.Document.choices,
            widget=forms.CheckboxSelectMultiple)
        self.fields["agent_doc_type"] = forms.ChoiceField(label=_("agent's document"), required=False,
                                                          choices=DOC_TYPES)
        self.fields["agent_number"] = forms.CharField(label=_("agent's document number"), max_length=40, required=False)
        self.fields["agent_name"] = forms.CharField(label=_("agent's name"), max_length=100, required=False)


class LineCommitForm(IdempotentForm):
    """The draft's last step: the customer signed the printed agreement; the money when something is due
    (nothing chosen for the customer: ui.md)."""

    # The rep's next move on this screen (ui.md: focus starts where the work is, not on the cancel reason).
    agreement_signed = forms.BooleanField(label=_("The customer has signed the printed agreement"), required=False,
                                          widget=forms.CheckboxInput(attrs={"autofocus": True}))

    def __init__(self, *args, due=None, **kwargs):
        super().__init__(*args, **kwargs)
        if due:
            _money_fields(self)
            del self.fields["confirm_repeat"]       # a draft is committed once: its own state says so
            self.fields["method"].required = True
            self.fields["method"].error_messages["required"] = PAY_METHOD_REQUIRED


class MoneyForm(IdempotentForm):

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        _money_fields(self)


class PrecancelForm(LineChangeForm):
    # What the customer said starts empty and is required: an untouched form records nothing (issue 11).
    retention_reason = forms.ChoiceField(label=_("reason for leaving"),
                                         choices=[("", _("— what the customer says —"))]
                                         + RetentionAttempt.Reason.choices)
    reason_detail = forms.CharField(label=_("reason in the customer's words"), max_length=200, required=False)
    retention_offer = forms.CharField(label=_("retention offer made"), max_length=200)
    other_brands = forms.CharField(label=_("other brands or plans offered"), max_length=200, required=False)
    retention_accepted = forms.TypedChoiceField(
        label=_("the customer's answer"), widget=forms.RadioSelect, coerce=lambda v: v == "1",
        choices=[("0", _("Leaves: pre-cancel the line")), ("1", _("Stays: keep the line"))])


class CancelForm(LineChangeForm):
    """The settlement is computed by the service and shown beside the form."""


class PortOutForm(LineChangeForm):
    operator = forms.ChoiceField(label=_("operator the number moves to"),
                                 choices=[("", _("— what the customer says —"))]
                                 + [c for c in Operator.choices if c[0] != Operator.CMCC])


class FeaturesForm(LineChangeForm):

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        from orders.services.lifecycle import feature_is_international_roaming

        today = timezone.localdate()
        held = {lf.feature.code: lf.feature for lf in line.line_features.select_related("feature")
                .filter(until__isnull=True)} if line else {}

        def plain(f):
            return not feature_is_international_roaming(f) and f.kind != Feature.Kind.LONG_DISTANCE

        on_sale = [f for f in Feature.objects.filter(in_force_q(today), active=True) if plain(f) and f.code not in held]
        self.fields["add"] = forms.MultipleChoiceField(label=_("features to start"), required=False,
                                                       widget=forms.CheckboxSelectMultiple,
                                                       choices=[(f.code, f.name) for f in on_sale])
        self.fields["remove"] = forms.MultipleChoiceField(label=_("features to stop"), required=False,
                                                          widget=forms.CheckboxSelectMultiple,
                                                          choices=[(c, f.name) for c, f in held.items() if plain(f)])
        if any(f.kind == Feature.Kind.CALL_FORWARDING for f in [*on_sale, *held.values()]):
            # Call forwarding (呼叫转移): the number and the condition, both as the customer says.
            self.fields["forward_to"] = forms.CharField(
                label=_("call forwarding: forward to number"), max_length=20, required=False,
                widget=forms.TextInput(attrs={"inputmode": "tel"}))
            self.fields["forward_when"] = forms.ChoiceField(
                label=_("call forwarding: when"), required=False,
                choices=[("", _("— as the customer asks —"))] + ForwardWhen.choices)


class LongDistanceForm(LineChangeForm):
    level = forms.TypedChoiceField(label=_("long-distance level"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(0, _("No long distance")), (1, _("Domestic long distance")),
                                            (2, _("International long distance (includes domestic)"))])


class RoamingForm(LineChangeForm):
    guarantee_signed = forms.BooleanField(label=_("The customer has signed the roaming guarantee"), required=False)


class SimForm(LineChangeForm):
    sim_capacity = forms.ChoiceField(label=_("SIM card"), choices=SimCapacity.choices, initial=SimCapacity.USIM)
    iccid = forms.CharField(label=_("ICCID (scan the card, or leave empty to take one from stock)"), max_length=20,
                            required=False)


class NumberForm(LineChangeForm):
    new_msisdn = forms.RegexField(label=_("new mobile number"), regex=r"^1\d{10}$",
                                  error_messages={"invalid": _("Enter an 11-digit mobile number.")},
                                  widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11}))


class CustomerDataForm(LineChangeForm):
    name = forms.CharField(label=_("new name (as on the document)"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_("contact number"), max_length=20, required=False)
    contact_address = forms.CharField(label=_("contact address"), max_length=200, required=False)
    service_password = forms.CharField(label=_("new service password (6 digits)"), max_length=6, required=False,
                                       widget=forms.PasswordInput(attrs={"inputmode": "numeric",
                                                                         "autocomplete": "off"}))


class PaymentMethodForm(LineChangeForm):
    payment_method = forms.ChoiceField(label=_("payment method"), choices=PaymentMethod.choices,
                                       widget=forms.RadioSelect)
    bank_code = forms.CharField(label=_("bank"), max_length=20, required=False)
    bank_account_number = forms.CharField(label=_("bank account number"), max_length=40, required=False)
    bank_account_holder = forms.CharField(label=_("account holder"), max_length=100, required=False)
    bank_holder_doc_type = forms.ChoiceField(label=_("account holder's document"), required=False,
                                             choices=[("", "—")] + DOC_TYPES[1:])
    bank_holder_doc_number = forms.CharField(label=_("account holder's document number"), max_length=40,
                                             required=False)
    bank_confirmed_by = forms.CharField(label=_("confirmed by phone with (bank staff)"), max_length=100,
                                        required=False)


class DiscountsForm(LineChangeForm):
    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        held = {ld.discount.code: ld.discount for ld in line.line_discounts.select_related("discount")
                .filter(until__isnull=True)} if line else {}
        offered = [d for d in Discount.objects.filter(in_force_q(timezone.localdate()), active=True)
                   if d.code not in held and (line is None or d.plan_id in (None, line.plan_id))]
        self.fields["add"] = forms.MultipleChoiceField(label=_("discounts to grant"), required=False,
                                                       widget=forms.CheckboxSelectMultiple,
                                                       choices=[(d.code, d.name) for d in offered])
        self.fields["remove"] = forms.MultipleChoiceField(label=_("discounts to end"), required=False,
                                                          widget=forms.CheckboxSelectMultiple,
                                                          choices=[(c, d.name) for c, d in held.items()])


class HandsetForm(LineChangeForm):
    imei = forms.CharField(label=_("IMEI (scan the handset)"), max_length=15)


class TransferForm(LineChangeForm):
    new_customer = forms.IntegerField(label=_("new owner (customer number)"), min_value=1,
                                      help_text=_("Register the new owner as a customer first."))
    new_documents_checked = forms.MultipleChoiceField(label=_("new owner's documents checked"), required=False,
                                                      choices=Order.Document.choices,
                                                      widget=forms.CheckboxSelectMultiple)
    new_agent_doc_type = forms.ChoiceField(label=_("new owner's agent: document"), required=False, choices=DOC_TYPES)
    new_agent_number = forms.CharField(label=_("new owner's agent: document number"), max_length=40, required=False)
    new_agent_name = forms.CharField(label=_("new owner's agent: name"), max_length=100, required=False)
    service_password = forms.CharField(label=_("new owner's service password (6 digits)"), max_length=6,
                                       min_length=6, widget=forms.PasswordInput(attrs={"inputmode": "numeric",
                                                                                       "autocomplete": "off"}))
    prepayment = forms.DecimalField(label=_("prepayment of the new owner"), max_digits=12, decimal_places=2,
                                    min_value=0, required=False, help_text=_("Empty: the minimum."))
    corporate = forms.BooleanField(label=_("The new owner pays from a corporate account"), required=False)
    bank_code = forms.CharField(label=_("bank"), max_length=20, required=False)
    bank_account_number = forms.CharField(label=_("bank account number"), max_length=40, required=False)
    bank_account_holder = forms.CharField(label=_("account holder"), max_length=100, required=False)
    bank_confirmed_by = forms.CharField(label=_("confirmed by phone with (bank staff)"), max_length=100,
                                        required=False)
    override_username = forms.CharField(label=_("manager's user name (blacklist override)"), max_length=150,
                                        required=False)
    override_password = forms.CharField(label=_("manager's password"), required=False,
                                        widget=forms.PasswordInput(render_value=False))
    override_reason = forms.CharField(label=_("override reason"), max_length=200, required=False)

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        self.fields["documents_checked"].label = _("present owner's documents checked")
        self.fields["agent_doc_type"].label = _("present owner's agent: document")


class PlanChangeForm(LineChangeForm):
    """The new plan (nothing chosen for the customer: an accepted offer brings its plan in the link)."""

    prefill = ("plan",)

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        from boss.tariffs import tariff
        from orders.services.plan_change import plan_change_effective_on

        effective = plan_change_effective_on(immediate=False)
        plans = Plan.objects.filter(in_force_q(effective), active=True, kind=Plan.Kind.MAIN).order_by(
            "monthly_fee", "code")
        self.fields["plan"] = forms.ChoiceField(
            label=_("new plan"), choices=[("", _("— choose the plan the customer asks for —"))] + [
                (p.code, f"{p.name}（¥{p.monthly_fee}/月）") for p in plans if line is None or p.pk != line.plan_id])
        if tariff("plan_change.immediate"):
            self.fields["immediate"] = forms.BooleanField(
                label=_("At once from today, the month prorated (else from the first of next month)"), required=False)
        self.order_fields(["plan", "immediate"])


class AccountMoveForm(LineChangeForm):
    """The account the line moves to: one of the owner's other accounts, or a new cash account."""

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        from orders.services.account_move import account_choices

        accounts = account_choices(line) if line is not None else []
        self.fields["account"] = forms.ChoiceField(
            label=_("account the line moves to"), choices=[("", _("— choose the account —"))] + [
                (str(a.pk), f"{a} · {a.get_payment_method_display()}"
                 + (f" {a.masked_bank_account}" if a.bank_account_number else "")) for a in accounts]
            + [("new", _("A new cash (prepaid) account"))])
        self.order_fields(["account"])


class SecondaryAddForm(LineChangeForm):
    """The number of the owner's line that becomes a secondary card (typed as the customer says)."""

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        self.fields["secondary"] = forms.RegexField(
            label=_("number of the secondary card"), regex=r"^1\d{10}$",
            error_messages={"invalid": _("Enter an 11-digit mobile number.")},
            widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 11, "autocomplete": "off"}))
        if line is not None:
            from orders.services.secondary_cards import secondary_cards_of

            held = len(secondary_cards_of(line))
            self.fields["secondary"].help_text = _(
                "The plan %(plan)s takes %(limit)s secondary cards; this line has %(count)s.") % {
                "plan": line.plan.name, "limit": line.plan.max_secondary_cards, "count": held}
        self.order_fields(["secondary"])


class SecondaryRemoveForm(LineChangeForm):
    """Which of the line's secondary cards is removed (nothing chosen for the customer)."""

    def __init__(self, *args, line=None, **kwargs):
        super().__init__(*args, line=line, **kwargs)
        from orders.services.secondary_cards import secondary_cards_of

        cards = secondary_cards_of(line) if line is not None else []
        self.fields["secondary"] = forms.ChoiceField(
            label=_("secondary card to remove"), choices=[("", _("— the card the customer names —"))] + [
                (c.secondary.msisdn, _("%(msisdn)s (since %(since)s)") % {"msisdn": c.secondary.msisdn,
                                                                         "since": c.since.isoformat()})
                for c in cards])
        self.order_fields(["secondary"])


class ReprintForm(forms.Form):
    document = forms.TypedChoiceField(label=_("document to reprint"), coerce=int)
    reason = forms.CharField(label=_("reason for the reprint"), max_length=200)

    def __init__(self, *args, documents=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Which document is the customer's to say: none is chosen for them (ui.md).
        self.fields["document"].choices = [("", _("choose the document"))] + [
            (d.pk, f"{d.get_kind_display()} {d.display_number} ¥{d.total:.2f}") for d in documents]


FORMS = {
    "report-loss": LineChangeForm, "unlock": LineChangeForm, "suspension": LineChangeForm,
    "resumption": LineChangeForm, "features": FeaturesForm, "long-distance": LongDistanceForm,
    "roaming": RoamingForm, "roaming-close": LineChangeForm, "sim": SimForm, "number": NumberForm,
    "customer-data": CustomerDataForm, "payment-method": PaymentMethodForm, "discounts": DiscountsForm,
    "handset": HandsetForm, "precancel": PrecancelForm, "reopen": LineChangeForm, "cancel": CancelForm,
    "cancel-fee-recovery": MoneyForm, "port-out": PortOutForm, "transfer": TransferForm,
    "plan-change": PlanChangeForm, "plan-change-cancel": LineChangeForm, "account": AccountMoveForm,
    "secondary-add": SecondaryAddForm, "secondary-remove": SecondaryRemoveForm,
}
