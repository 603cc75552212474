"""The WSGI entry point (gunicorn). Safe by default: without DJANGO_SETTINGS_MODULE it loads the
production settings (DEBUG off, a real SECRET_KEY required); `make run` asks for the local ones."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.production")
application = get_wsgi_application()

from boss.warmup import worker_warm_up  # noqa: E402 (after the settings are chosen and Django is set up)

worker_warm_up()
