"""Authentication decisions go to the security log and the audit trail (ASVS 7.1.3, 7.2.1)."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from boss.audit import audit_record
from boss.logging import security_log


@receiver(user_logged_in, dispatch_uid="boss.login")
def _logged_in(sender, request, user, **kwargs):
    security_log.info("login ok: user=%s", user.username)
    if request is not None and hasattr(request, "session"):
        from boss.middleware import SessionLifetimeMiddleware

        request.session[SessionLifetimeMiddleware.KEY] = int(time.time())
    audit_record(actor=user, action="auth.login", target=user)


@receiver(user_logged_out, dispatch_uid="boss.logout")
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        security_log.info("logout: user=%s", user.username)
        audit_record(actor=user, action="auth.logout", target=user)


@receiver(user_login_failed, dispatch_uid="boss.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    security_log.warning("login failed: user=%s", username)
    audit_record(actor=None, action="auth.login_failed", after={"username": username})
