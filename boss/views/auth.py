"""Login, logout, lockout and the per-user language switch."""

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from boss.audit import audit_record
from boss.models import Staff


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=gettext_lazy("Password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_system:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")


class LoginView(auth_views.LoginView):
    template_name = "boss/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


def lockout_response(request, original_response=None, credentials=None):
    """django-axes: 5 failures from one user name and IP lock that pair out for 15 minutes."""
    message = _("Too many failed logins. This account is locked for 15 minutes at this computer; "
                "ask your store manager if you need it sooner.")
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "message": message, "params": {}},
                            status=settings.AXES_HTTP_RESPONSE_CODE)
    return render(request, "boss/locked_out.html", {"message": message}, status=settings.AXES_HTTP_RESPONSE_CODE)


@require_POST
@login_required
def language_switch(request):
    """The staff user's language is theirs, kept on their record (Chinese by default)."""
    language = request.POST.get("language", "")
    if language in dict(Staff.Language.choices):
        before = request.user.language
        request.user.language = language
        request.user.save(update_fields=["language"])
        audit_record(actor=request.user, action="staff.language", target=request.user,
                     before={"language": before}, after={"language": language})
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = "/"
    return redirect(target)
