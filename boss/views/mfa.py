"""The second factor (boss.mfa): verify a code, or enrol an authenticator app the first time."""

import base64

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from boss.mfa import mfa_enrol_confirm, mfa_enrol_device, mfa_enrolled, mfa_verify


class MfaCodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Code"), max_length=20, widget=forms.TextInput(attrs={
        "autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}))


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


@never_cache
@login_required
def mfa_view(request):
    """Verify with the authenticator's code or a recovery code; without an authenticator yet, enrol one:
    its secret (and otpauth link) is shown, the first code confirms it, the recovery codes are shown once."""
    user = request.user
    form = MfaCodeForm(request.POST or None)
    enrolled = mfa_enrolled(user)
    if enrolled:
        if request.method == "POST" and form.is_valid():
            if mfa_verify(request, token=form.cleaned_data["code"]):
                return redirect(_next(request))
            form.add_error("code", _("This code is not right. Type the current code of your app, or a recovery code."))
        return render(request, "boss/mfa.html", {"form": form, "enrolled": True, "next": _next(request),
                                                 "plain_page": True})
    device = mfa_enrol_device(user)
    if request.method == "POST" and form.is_valid():
        codes = mfa_enrol_confirm(request, device=device, token=form.cleaned_data["code"])
        if codes is not None:
            return render(request, "boss/mfa_recovery.html", {"codes": codes, "next": _next(request),
                                                               "plain_page": True})
        form.add_error("code", _("This code is not right. Type the code your app shows now."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(request, "boss/mfa.html", {"form": form, "enrolled": False, "secret": secret,
                                             "otpauth": device.config_url, "next": _next(request),
                                             "plain_page": True})
