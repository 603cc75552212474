"""Forms check the shape of the input only; the rules live in complaints.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boss.forms import IdempotentForm
from boss.models import Department
from complaints.models import Article, ArticleCategory, Complaint, ComplaintCategory

MSISDN = r"^1\d{10}$"


def _textarea(rows=3, **attrs):
    return forms.Textarea(attrs={"rows": rows, **attrs})




class ComplaintOpenForm(IdempotentForm):
    channel = forms.ChoiceField(label=_("channel"), choices=Complaint.Channel.choices)
    msisdn = forms.RegexField(label=_("mobile number"), regex=MSISDN, required=False, max_length=11,
                              error_messages={"invalid": _("Enter an 11-digit mobile number.")},
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autofocus": True}))
    caller_name = forms.CharField(label=_("caller's name"), max_length=100, required=False)
    contact_phone = forms.RegexField(label=_("contact number"), regex=r"^[0-9+\- ]{5,20}$", required=False,
                                     max_length=20, error_messages={"invalid": _("Enter a telephone number.")})
    category = forms.ModelChoiceField(label=_("category"), queryset=ComplaintCategory.objects.filter(active=True))
    severity = forms.ChoiceField(label=_("severity"), choices=Complaint.Severity.choices,
                                 initial=Complaint.Severity.NORMAL)
    disputed_on = forms.DateField(label=_("date of the disputed event"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  help_text=_("Required for billing disputes: the date of the bill or charge."))
    order_reference = forms.CharField(label=_("order number"), max_length=40, required=False)
    description = forms.CharField(label=_("description"), widget=_textarea(4), max_length=4000)
    solved_on_the_spot = forms.BooleanField(label=_("Solved on the spot"), required=False)
    answer = forms.CharField(label=_("answer to the customer"), widget=_textarea(2), max_length=4000,
                             required=False, help_text=_("Only when solved on the spot."))


class DispatchForm(IdempotentForm):
    prefix = "dispatch"
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.filter(
        kind=Department.Kind.COMPLAINT, active=True))
    category = forms.ModelChoiceField(label=_("category"), queryset=ComplaintCategory.objects.filter(active=True))
    severity = forms.ChoiceField(label=_("severity"), choices=Complaint.Severity.choices)
    note = forms.CharField(label=_("note to the department"), widget=_textarea(2), max_length=2000, required=False)


class PassDownForm(IdempotentForm):
    prefix = "pass_down"
    unit = forms.ModelChoiceField(label=_("district unit"), queryset=Department.objects.none())
    note = forms.CharField(label=_("note"), widget=_textarea(2), max_length=2000, required=False)

    def __init__(self, *args, department=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Department.objects.filter(
            kind=Department.Kind.DISTRICT, active=True, parent=department)


class ReturnForm(IdempotentForm):
    prefix = "return"
    reason = forms.CharField(label=_("reason for returning it"), widget=_textarea(2), max_length=2000)


class ReplyForm(IdempotentForm):
    prefix = "reply"
    reply = forms.CharField(label=_("reply"), widget=_textarea(6), max_length=8000)
    template_article = forms.ModelChoiceField(queryset=Article.objects.filter(kind=Article.Kind.ANSWER_TEMPLATE),
                                              required=False, widget=forms.HiddenInput)


class AcceptForm(IdempotentForm):
    prefix = "accept"
    answer = forms.CharField(label=_("answer given to the customer"), widget=_textarea(4), max_length=8000)


class RedispatchForm(IdempotentForm):
    prefix = "redispatch"
    reason = forms.CharField(label=_("why the reply did not handle it"), widget=_textarea(2), max_length=2000)
    department = forms.ModelChoiceField(
        label=_("re-dispatch to"), required=False,
        queryset=Department.objects.filter(kind__in=[Department.Kind.COMPLAINT, Department.Kind.DISTRICT],
                                           active=True),
        help_text=_("Empty: the department that replied."))


class CallbackForm(IdempotentForm):
    prefix = "callback"
    satisfaction = forms.ChoiceField(label=_("satisfaction"), choices=Complaint.Satisfaction.choices,
                                     widget=forms.RadioSelect)
    note = forms.CharField(label=_("callback note"), widget=_textarea(2), max_length=2000, required=False)


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    kind = forms.ChoiceField(label=_("kind"), choices=Article.Kind.choices)
    category = forms.ModelChoiceField(label=_("category"), queryset=ArticleCategory.objects.filter(active=True))
    body = forms.CharField(label=_("text"), widget=_textarea(12), max_length=20000)
    keywords = forms.CharField(label=_("keywords"), max_length=200, required=False)
    valid_from = forms.DateField(label=_("valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"},
                                                                                               format="%Y-%m-%d"))
    valid_until = forms.DateField(label=_("valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("change note"), max_length=200, required=False)
    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
