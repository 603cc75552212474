"""Multi-factor authentication (ASVS 4.3.1, issue 12): a TOTP app for the administrator, managers and the
account room, with one-time recovery codes; every enrolment, verification and failure audited.

django-otp keeps the devices (otp_totp: the authenticator app; otp_static: the recovery codes) and marks a
session verified (`request.user.is_verified()`); `boss.middleware.MfaRequiredMiddleware` sends a user of
these roles to the MFA screen until then. `BOSS_MFA_REQUIRED` switches the enforcement (on everywhere but in
the test settings, where the MFA tests switch it on themselves).
"""

import secrets

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from boss.audit import audit_record
from boss.logging import security_log

RECOVERY_CODES = 10


def mfa_required(user) -> bool:
    """Whether this user must pass a second factor: their role is one of BOSS_MFA_ROLES (or a superuser)."""
    if not (getattr(settings, "BOSS_MFA_REQUIRED", True) and user is not None and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    roles = set(getattr(settings, "BOSS_MFA_ROLES", ()))
    return any(name in roles for name in user.groups.values_list("name", flat=True))


def mfa_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_enrol_device(user) -> TOTPDevice:
    """The authenticator device being set up (unconfirmed until the first code is typed), one per user."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def mfa_enrol_confirm(request, *, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the authenticator with its first code: the device is kept, ten recovery codes are made (shown
    once), the session is verified. Returns the codes, or None for a wrong code (audited)."""
    user = request.user
    if device.user_id != user.pk or not device.verify_token((token or "").strip()):
        audit_record(actor=user, action="auth.mfa_failed", target=user, after={"step": "enrol"})
        security_log.warning("mfa enrolment code refused: user=%s", user.username)
        return None
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user)
    otp_login(request, device)
    audit_record(actor=user, action="auth.mfa_enrol", target=user, after={"recovery_codes": len(codes)})
    security_log.info("mfa enrolled: user=%s", user.username)
    return codes


def recovery_codes_renew(user) -> list[str]:
    """Ten new one-time recovery codes (the old ones stop working). Stored as django-otp static tokens."""
    static, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=code) for code in codes])
    return codes


def mfa_verify(request, *, token: str) -> bool:
    """Check a code from the authenticator or a recovery code (used once) and mark the session verified.
    Every answer is audited; django-otp throttles repeated failures per device."""
    user = request.user
    device = match_token(user, (token or "").strip().replace(" ", ""))
    if device is None:
        audit_record(actor=user, action="auth.mfa_failed", target=user, after={"step": "verify"})
        security_log.warning("mfa code refused: user=%s", user.username)
        return False
    otp_login(request, device)
    method = "recovery_code" if isinstance(device, StaticDevice) else "totp"
    audit_record(actor=user, action="auth.mfa_verify", target=user, after={"method": method})
    security_log.info("mfa verified: user=%s method=%s", user.username, method)
    return True
