"""The ASGI entry point. Safe by default, like boss/wsgi.py: the production settings (DEBUG off) unless
DJANGO_SETTINGS_MODULE says otherwise."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.production")
application = get_asgi_application()
