"""Forms of the stock screens (they check the shape of the input only)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from boss.models import Hall
from inventory.models import Gift, StockImport


class StockImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=StockImport.Kind.choices)
    hall = forms.ModelChoiceField(label=_("service hall"), queryset=Hall.objects.filter(active=True), required=False,
                                  help_text=_("Empty: your own hall. Numbers belong to no hall."))
    file = forms.FileField(label=_("CSV file"))

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is not None and not actor.has_perm("boss.all_halls"):
            del self.fields["hall"]  # hall staff import into their own hall


PICTURE_MAX_BYTES = 512 * 1024


class GiftAdminForm(forms.ModelForm):
    """The gift catalogue's form: the picture is uploaded as a file and kept in the row (PNG, JPEG or WebP,
    at most 512 KB, checked to be an image)."""

    upload = forms.ImageField(label=_("picture"), required=False,
                              help_text=_("PNG, JPEG or WebP, at most 512 KB."))

    class Meta:
        model = Gift
        fields = ["code", "name", "description", "points", "cash_topup", "valid_from", "valid_until", "return_days",
                  "active"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        if upload.size > PICTURE_MAX_BYTES:
            raise forms.ValidationError(_("The picture is larger than 512 KB."))
        kind = (getattr(upload, "image", None) and upload.image.format or "").lower()
        if kind not in ("png", "jpeg", "webp"):
            raise forms.ValidationError(_("The picture must be PNG, JPEG or WebP."))
        return upload

    def save(self, commit=True):
        gift = super().save(commit=False)
        upload = self.cleaned_data.get("upload")
        if upload is not None:
            upload.seek(0)
            gift.picture = upload.read()
            gift.picture_type = f"image/{upload.image.format.lower()}"
        if commit:
            gift.save()
        return gift
