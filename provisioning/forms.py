from django import forms
from django.utils.translation import gettext_lazy as _


class WorkOrderActionForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200, required=False)


class WorkOrderRollbackForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)
