"""Safe by default (issue 12 item 4): the server entry points load settings with DEBUG off unless told
otherwise, so a server started without DJANGO_SETTINGS_MODULE never shows Django's technical pages."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import importlib, sys
module = importlib.import_module(sys.argv[1])
import gc
print("FROZEN", gc.get_freeze_count() > 0)
from django.conf import settings
print("SETTINGS", settings.SETTINGS_MODULE, "DEBUG", settings.DEBUG)
if sys.argv[1] == "boss.wsgi":
    from django.test import Client
    response = Client(HTTP_X_FORWARDED_PROTO="https").get("/no-such-page-13800138000/", HTTP_HOST="boss.example.cn")
    body = response.content.decode()
    print("STATUS", response.status_code, "TECHNICAL", "Using the URLconf" in body or "DEBUG = True" in body)
"""


def _probe(module: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update({"SECRET_KEY": "probe-secret-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH",
                "BOSS_DEMO_DEPLOYMENT": "true",  # the entry points load the production settings, on the simulators
                "ALLOWED_HOSTS": "boss.example.cn", "DATABASE_URL": "sqlite:////tmp/boss-probe.sqlite3"})
    result = subprocess.run([sys.executable, "-c", PROBE, module], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_wsgi_without_settings_module_runs_production_settings_and_hides_technical_pages():
    out = _probe("boss.wsgi")
    assert "SETTINGS boss.settings.production DEBUG False" in out
    assert "STATUS 404 TECHNICAL False" in out
    # The worker's start-up objects are frozen out of the full garbage collections (70-100 ms each otherwise).
    assert "FROZEN True" in out


def test_asgi_and_celery_default_to_debug_off_too():
    assert "SETTINGS boss.settings.production DEBUG False" in _probe("boss.asgi")
    assert "SETTINGS boss.settings.production DEBUG False" in _probe("boss.celery")


def test_the_demo_totp_command_make_run_prints_works_on_the_embedded_default_with_debug_off():
    """`make run` serves with DEBUG off and prints `manage.py demo_totp <user>` for the account room's, the
    manager's and the admin's second step: on the embedded default (manage.py's own settings, no DEBUG) the
    command gives the code, where it refused."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "BOSS_DEMO_DEPLOYMENT")}
    result = subprocess.run([sys.executable, "manage.py", "demo_totp", "account1"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().isdigit() and len(result.stdout.strip()) == 6


def test_make_runs_server_starts_without_a_warning_about_static_files(settings):
    """`make run` serves the apps' static files without a collectstatic step: WhiteNoise starts without looking
    for a collected folder, so the console shows no "No directory at" warning (it did at every start)."""
    import warnings

    from whitenoise.middleware import WhiteNoiseMiddleware

    from boss.settings import local

    settings.STATIC_ROOT, settings.WHITENOISE_USE_FINDERS = local.STATIC_ROOT, local.WHITENOISE_USE_FINDERS
    settings.WHITENOISE_AUTOREFRESH = False   # as `make run` has it (DEBUG off)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        WhiteNoiseMiddleware(lambda request: None)
    assert [str(w.message) for w in caught] == []


def test_the_embedded_brokers_connection_warns_of_nothing(tmp_path, caplog):
    """`make run`'s processes connect to the file-system broker without kombu's "No hostname was supplied" on
    the console."""
    from kombu import Connection

    from boss.settings.base import EMBEDDED_BROKER_URL

    folders = {"data_folder_in": str(tmp_path), "data_folder_out": str(tmp_path),
               "processed_folder": str(tmp_path), "control_folder": str(tmp_path)}
    with caplog.at_level("WARNING"), Connection(EMBEDDED_BROKER_URL, transport_options=folders) as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.info()["transport"] == "filesystem"
    assert [record.getMessage() for record in caplog.records if record.name.startswith("kombu")] == []
