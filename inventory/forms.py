"""Forms of the stock screens (they check the shape of the input only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boss.models import Hall
from inventory.models import StockImport


class StockImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=StockImport.Kind.choices)
    hall = forms.ModelChoiceField(label=_("service hall"), queryset=Hall.objects.filter(active=True), required=False,
                                  help_text=_("Empty: your own hall. Numbers belong to no hall."))
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None and not actor.has_perm("boss.all_halls"):
            del self.fields["hall"]  # hall staff import into their own hall
