from django import forms
from django.utils.translation import gettext_lazy as _

from billing.services.day_close import DENOMINATIONS
from boss.forms import IdempotentForm


class DrawerCloseForm(IdempotentForm):
    """Cash counted by denomination (pieces), and a reason when it differs from the ledger."""

    reason = forms.CharField(label=_("Reason for a difference"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for d in DENOMINATIONS:
            self.fields[f"d_{d}"] = forms.IntegerField(label=_("%(value)s yuan") % {"value": d}, min_value=0,
                                                       required=False,
                                                       widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        self.order_fields([f"d_{d}" for d in DENOMINATIONS] + ["reason"])

    def denominations(self) -> dict:
        return {d: self.cleaned_data.get(f"d_{d}") or 0 for d in DENOMINATIONS}


class HallDayCloseForm(IdempotentForm):
    deposit_amount = forms.DecimalField(label=_("Amount handed in to the bank"), max_digits=14, decimal_places=2,
                                        min_value=0)
    deposit_slip = forms.CharField(label=_("Deposit slip number"), max_length=40, required=False)
    carried_by = forms.CharField(label=_("Carried to the bank by"), max_length=60, required=False)


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason for re-opening"), max_length=200)


class DayForm(forms.Form):
    day = forms.DateField(label=_("business date"), required=False,
                          widget=forms.DateInput(attrs={"type": "date"}))


class ReportFilterForm(forms.Form):
    """Period, hall and rep of a report. The hall and rep choices are limited to what the user may see."""

    date_from = forms.DateField(label=_("from"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("to"), widget=forms.DateInput(attrs={"type": "date"}))
    hall = forms.ModelChoiceField(label=_("service hall"), queryset=None, required=False,
                                  empty_label=_("All halls"))
    staff = forms.ModelChoiceField(label=_("sales rep"), queryset=None, required=False, empty_label=_("All reps"))

    MAX_DAYS = 370

    def __init__(self, *args, actor, **kwargs):
        from boss.models import Hall, Staff
        from boss.permissions import restrict_to_actor

        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = restrict_to_actor(Hall.objects.filter(active=True), actor,
                                                         hall_field="pk").order_by("code")
        self.fields["staff"].queryset = restrict_to_actor(
            Staff.objects.filter(is_active=True, hall__isnull=False, is_system=False), actor).order_by("username")
        self.fields["staff"].label_from_instance = lambda s: s.display_name

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end of the period is before its start."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("date_to", _("A report covers at most a year."))
        return data


class MonthPlanForm(forms.Form):
    """The targets of a hall's month and the review note (月度工作计划与总结)."""

    openings = forms.IntegerField(label=_("Openings target"), min_value=0, required=False)
    orders = forms.IntegerField(label=_("Business volume target (orders)"), min_value=0, required=False)
    payments = forms.DecimalField(label=_("Money taken target"), min_value=0, max_digits=14, decimal_places=2,
                                  required=False)
    review = forms.CharField(label=_("Review of the month"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 4}))
