from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from boss.models import Hall
from partners.models import CommissionDispute, Partner, PartnerKey, Suspect


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("name"), max_length=100)
    category = forms.ChoiceField(label=_("category"), choices=[("", "---------"), *Partner.Category.choices])
    interface_number = forms.CharField(label=_("interface number"), max_length=20,
                                       help_text=_("4 to 20 letters, digits or hyphens."))
    contact_name = forms.CharField(label=_("contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("contact phone"), max_length=30, required=False)
    receives_blacklist = forms.BooleanField(label=_("receives our blacklist"), required=False,
                                            help_text=_("The agreement allows publishing our blacklist to this "
                                                        "partner."))
    reason = forms.CharField(label=_("reason for changing the interface number"), max_length=200, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=200)


class KeyIssueForm(forms.Form):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=PartnerKey.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    allowed_ips = forms.CharField(label=_("allowed client addresses"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=_("One IP address or network per line; empty: any address."))

    def clean_allowed_ips(self):
        return [line.strip() for line in self.cleaned_data["allowed_ips"].splitlines() if line.strip()]


class HallLinkForm(forms.Form):
    hall = forms.ModelChoiceField(label=_("agent hall"), queryset=Hall.objects.filter(
        kind=Hall.Kind.PARTNER, partner_link__isnull=True, active=True))


class BlacklistUploadForm(forms.Form):
    file = forms.FileField(label=_("blacklist file (CSV)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the column names are typed verbatim in the file: shown as such, not as words of the sentence
        self.fields["file"].help_text = format_html(
            "{} <code>action,identity_type,number,number_hash,reason,since</code>", _("UTF-8 with a header line:"))


class SuspectFilterForm(forms.Form):
    day = forms.DateField(label=_("usage day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", _("all")), *Suspect.Status.choices])
    rule = forms.ChoiceField(label=_("rule"), required=False, choices=[("", _("all")), *Suspect.Rule.choices])


class SuspectReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("review note"), max_length=200)
    blacklist = forms.BooleanField(label=_("put the owner on the blacklist"), required=False)
    report = forms.BooleanField(label=_("report to the public-security partner"), required=False)


class SuspectSuspendForm(forms.Form):
    note = forms.CharField(label=_("reason for the suspension"), max_length=150)


class DisputeForm(forms.Form):
    hall = forms.ChoiceField(label=_("service hall"), required=False)
    amount = forms.DecimalField(label=_("amount in dispute"), max_digits=12, decimal_places=2,
                                help_text=_("Positive: the partner says it is owed more; negative: paid too much."))
    description = forms.CharField(label=_("what is disputed"), max_length=500,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, halls=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hall"].choices = [("", _("whole statement")),
                                       *((str(link.hall_id), link.hall.name) for link in halls)]


class DisputeResolveForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=CommissionDispute.Outcome.choices,
                                widget=forms.RadioSelect)
    adjustment = forms.DecimalField(label=_("accepted part"), max_digits=12, decimal_places=2, required=False,
                                    help_text=_("Only when partly accepted."))
    resolution = forms.CharField(label=_("reason for the outcome"), max_length=500)


class DiscountRequestForm(forms.Form):
    partner = forms.ChoiceField(label=_("partner"))
    discount = forms.ChoiceField(label=_("discount"))
    msisdn = forms.CharField(label=_("mobile number"), max_length=11, required=False)
    order_reference = forms.CharField(label=_("or the order"), max_length=20, required=False,
                                      help_text=_("The order's reference, when the discount is for an order."))
    reason = forms.CharField(label=_("reason"), max_length=200)

    def __init__(self, *args, partners=(), discounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "---------"), *((str(p.pk), p.name) for p in partners)]
        self.fields["discount"].choices = [("", "---------"), *((d.code, d.name) for d in discounts)]


class DiscountDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("decision"), choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("decision note"), max_length=200, required=False,
                           help_text=_("Required when refusing: the partner reads it."))
