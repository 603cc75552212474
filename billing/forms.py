"""Forms of the billing screens: shape only; the rules are in the services."""

import re
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from billing.models import BankCollectionItem, BillAdjustment
from billing.services.refunds import DOCUMENTS
from boss.idempotency import new_key

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """A month typed as YYYY-MM (an <input type="month">), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-10"})

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))
        return date(int(match.group(1)), int(match.group(2)), 1)


class BillRunStartForm(forms.Form):
    period = MonthField(label=_("Month to bill"))


class PlanCorrectionForm(forms.Form):
    period = MonthField(label=_("Month"))
    plan = forms.ModelChoiceField(label=_("Plan in force that month"), queryset=None)
    reason = forms.CharField(label=_("Reason for the correction"), max_length=200)

    def __init__(self, *args, **kwargs):
        from catalog.models import Plan

        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(kind=Plan.Kind.MAIN).order_by("code")


class BankCollectionCreateForm(forms.Form):
    period = MonthField(label=_("Month to collect"))


class BankResultForm(forms.Form):
    file = forms.FileField(label=_("Bank's result file (CSV)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("The file must be UTF-8 text.")) from exc


class RefundRequestForm(forms.Form):
    msisdn = forms.RegexField(label=_("Mobile number"), regex=r"^1\d{10}$", max_length=11)
    description = forms.CharField(label=_("What the customer says"), max_length=500, widget=forms.Textarea(
        attrs={"rows": 3}))


class RefundDecisionForm(forms.Form):
    DECISIONS = [("approve", _("Refund")), ("reject", _("Reject"))]

    collection_item = forms.ModelChoiceField(label=_("Bank collection checked"), queryset=None)
    over_deducted = forms.DecimalField(label=_("Over-deducted amount found"), max_digits=12, decimal_places=2,
                                       min_value=0)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("Amount to refund"), max_digits=12, decimal_places=2, min_value=0,
                                required=False, help_text=_("Empty: the over-deducted amount."))
    note = forms.CharField(label=_("Note (the reason, when rejecting)"), max_length=300, required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["collection_item"]
        field.queryset = (BankCollectionItem.objects.filter(account_id=case.account_id,
                                                             status=BankCollectionItem.Status.PAID)
                          .order_by("-period"))
        field.label_from_instance = lambda i: f"{i} · {i.period:%Y-%m} · ¥{i.paid_amount:.2f}"
        if case.collection_item_id and not self.is_bound:
            self.initial.setdefault("collection_item", case.collection_item_id)


class RefundPayForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount paid"), max_digits=12, decimal_places=2, min_value=0)
    documents = forms.MultipleChoiceField(label=_("Documents checked"), choices=list(DOCUMENTS.items()),
                                          widget=forms.CheckboxSelectMultiple, required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", new_key())


class BillAdjustmentForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("bill adjustment", "direction"),
                             choices=BillAdjustment.Kind.choices, widget=forms.RadioSelect)
    amount = forms.DecimalField(label=_("amount"), max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("reason"), max_length=200)


class BillAdjustmentDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("decision note"), max_length=200, required=False,
                           help_text=_("Required when rejecting."))
