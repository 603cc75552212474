"""Production: behind TLS, real secrets from the environment. Must pass `check --deploy`."""

from .base import *  # noqa: F403
from .base import BOSS_DEMO_DEPLOYMENT, BOSS_SMS_BACKEND, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")  # no default: refuse to start without a real key
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host- cookies: Secure, Path=/, no Domain (ASVS 3.4.4)
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_HTTPONLY = True

# The simulated SMS gateway in production would tell the counter a customer was notified while nothing was sent
# (issue 13): refuse to start on it unless the deployment says it is a demonstration (the setting `check
# --deploy` reads too, boss/checks.py).
if BOSS_SMS_BACKEND.rsplit(".", 1)[-1].startswith("Simulated") and not BOSS_DEMO_DEPLOYMENT:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"BOSS_SMS_BACKEND is the simulated SMS gateway ({BOSS_SMS_BACKEND}): production settings refuse to "
        "start on it. Configure a real sender (BOSS_SMS_BACKEND=notifications.backends.SmppSmsGateway with "
        "BOSS_SMS_BACKEND_OPTIONS), or set BOSS_DEMO_DEPLOYMENT=true for a demonstration deployment.")
