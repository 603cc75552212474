"""No personal data in any log (issue 12 item 3, ASVS 7.1.1): requests with real-looking mobile and ID
numbers in paths, query strings and bodies, and everything every handler wrote is scanned. Django's own
handlers (which wrote each "Not Found" a second time, unmasked, with DEBUG on), runserver's access log and
gunicorn's access log all pass the masking filter."""

import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MOBILE, ID = "13912345678", "440106199003071234"
RAW = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)|(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


def _stream_handlers():
    loggers = [logging.getLogger()] + [lg for lg in logging.root.manager.loggerDict.values()
                                       if isinstance(lg, logging.Logger)]
    seen = {}
    for logger in loggers:
        for handler in logger.handlers:
            # pytest's own capture handlers are the test runner's, not the product's.
            if isinstance(handler, logging.StreamHandler) and not type(handler).__module__.startswith("_pytest"):
                seen[id(handler)] = handler
    return list(seen.values())


@pytest.fixture
def every_log():
    """Every product log handler writes into a buffer for the test's length; yields the buffers' text."""
    handlers = _stream_handlers()
    assert handlers, "no log handler configured"
    buffers = [(h, io.StringIO()) for h in handlers]
    old = [h.setStream(buf) for h, buf in buffers]
    yield lambda: "".join(buf.getvalue() for _, buf in buffers)
    for (h, _), stream in zip(buffers, old, strict=True):
        h.setStream(stream)


@pytest.mark.django_db
def test_requests_with_numbers_leave_no_unmasked_number_in_any_log(client, rep, every_log, settings):
    settings.DEBUG = True          # Django's default console handler wrote only with DEBUG on
    client.force_login(rep)
    client.get(f"/customers/no-such/{MOBILE}/")                                   # 404 with a mobile
    client.get(f"/customers/?q={ID}&msisdn={MOBILE}")
    client.get(f"/customers/?q=%20{MOBILE}")                                      # after a %-escape
    client.get(f"/api/v1/lines/{MOBILE}/bills/2025-13")                            # 404 from the API
    client.post("/api/v1/customers", {"name": "张三", "id_number": ID[:-1] + "0", "contact_phone": MOBILE},
                content_type="application/json")                                 # 400 with numbers in the body
    client.post(f"/api/v1/customers/search?id_number={ID}", {"id_number": ID}, content_type="application/json")
    logging.getLogger("boss.test").warning("customer %s called from %s", ID, MOBILE)        # our own lines
    logging.getLogger("django.server").info('"%s" %s %s', f"GET /customers/?q={ID}&m={MOBILE} HTTP/1.1",
                                            "200", "512")                        # runserver's access log
    written = every_log()
    assert "Not Found" in written
    assert written.count(f"Not Found: /customers/no-such/{MOBILE[:3]}****{MOBILE[-4:]}/") == 1   # once, masked
    assert '"GET /customers/?q=440' in written                                   # the access line is there
    leaks = RAW.findall(written)
    assert not leaks, leaks


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorns_access_and_error_logs_are_masked(tmp_path):
    port = _free_port()
    access, error = tmp_path / "access.log", tmp_path / "error.log"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"SECRET_KEY": "log-test-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGHIJ",
                "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "BOSS_DEMO_DEPLOYMENT": "true",
                "DATABASE_URL": env.get("DATABASE_URL", "sqlite:////tmp/boss-logtest.sqlite3")})
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "boss.wsgi:application", "-b", f"127.0.0.1:{port}",
                             "-w", "1", "--access-logfile", str(access), "--error-logfile", str(error)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/customers/no-such/{MOBILE}/?id={ID}&q=%20{MOBILE}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=5)
            except urllib.error.HTTPError:
                break                               # an answer (404 or the login redirect's target)
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
            else:
                break
        time.sleep(0.5)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    written = access.read_text() + error.read_text()
    assert f"/customers/no-such/{MOBILE[:3]}****{MOBILE[-4:]}/" in written, written
    leaks = RAW.findall(written)
    assert not leaks, leaks
