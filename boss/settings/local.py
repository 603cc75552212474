"""The embedded default used by `make run` and `make dev`: SQLite, file-system broker. DEBUG is off unless
asked for (DEBUG=true; `make dev` sets it), as `make run` serves the way production does."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
# The embedded default is a demonstration (its demo data and logins, the simulated HLR and SMS gateway), so the
# command `make run` prints for the demo users' authenticator codes (`manage.py demo_totp <user>`) works with DEBUG
# off. A real deployment runs boss.settings.production, where this stays off unless set.
BOSS_DEMO_DEPLOYMENT = env.bool("BOSS_DEMO_DEPLOYMENT", default=True)
# Serve static files straight from the apps (no collectstatic step): WhiteNoise indexes them once at start;
# with DEBUG on it re-reads them on every request so that an edited file shows at once.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = None   # nothing is collected: WhiteNoise would warn, on `make run`'s console, that the folder is missing
