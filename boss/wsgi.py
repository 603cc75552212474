"""The WSGI entry point (gunicorn). Safe by default: without DJANGO_SETTINGS_MODULE it loads the
production settings (DEBUG off, a real SECRET_KEY required); `make run` asks for the local ones."""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boss.settings.production")
application = get_wsgi_application()

# What a worker loads at start lives as long as the worker: frozen, Python's full (generation 2) garbage
# collections stop walking it again and again. Unfrozen, a full collection cost 70-100 ms of CPU to whichever
# request it fell into, every few screens: a screen answering in 20-30 ms (the refunds list, a number's
# reservation) measured 115-260 ms at its p95 in the screen crawl; frozen, the same collection takes about 9 ms.
# The URLconf (every app's views, forms and tables) is loaded first so that it is frozen too.
get_resolver().url_patterns  # noqa: B018 (loaded for its side effect)
gc.freeze()
