from django import forms
from django.utils.translation import gettext_lazy as _

from boss.models import Staff
from catalog.models import Offer
from hall.models import Announcement, Business


class TicketForm(forms.Form):
    """The ticket machine: what the customer came for (no choice made for them) and, optionally, their number."""

    business = forms.ChoiceField(label=_("business"), choices=Business.choices, widget=forms.HiddenInput)
    msisdn = forms.CharField(label=_("mobile number (optional)"), max_length=11, required=False)


class WindowForm(forms.Form):
    window = forms.CharField(label=_("counter window"), max_length=10,
                             widget=forms.TextInput(attrs={"size": 4, "inputmode": "numeric"}))


class TransferForm(forms.Form):
    to_staff = forms.ModelChoiceField(label=_("to the counter of"), queryset=Staff.objects.none())

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_staff"].queryset = (Staff.objects.filter(hall_id=actor.hall_id, is_active=True)
                                            .exclude(pk=actor.pk).order_by("username"))


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=100)
    kind = forms.ChoiceField(label=_("kind"), choices=[("", "---------"), *Announcement.Kind.choices])
    audience = forms.ChoiceField(label=_("audience"), choices=[("", "---------"), *Announcement.Audience.choices])
    body = forms.CharField(label=_("text"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    offer = forms.ModelChoiceField(label=_("offer (for a campaign)"), queryset=Offer.objects.order_by("name"),
                                   required=False)
    halls = forms.ModelMultipleChoiceField(label=_("service halls"), queryset=None, required=False,
                                           help_text=_("None chosen: every hall."))
    valid_from = forms.DateTimeField(label=_("valid from"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    valid_until = forms.DateTimeField(label=_("valid until"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    mandatory = forms.BooleanField(label=_("reps must acknowledge"), required=False)

    def __init__(self, *args, halls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["halls"].queryset = halls
