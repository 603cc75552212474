"""Throwaway servers for the fault tests (tests/test_faults.py): a gunicorn serving the app on the test's
database, a PostgreSQL cluster of the test's own (initdb/pg_ctl in a temporary folder, on a free port) that
the test may restart, and a redis-server of its own that the test may stop. Nothing here touches the shared
PostgreSQL or Redis: a fault test stops or restarts only what it started."""

import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 30, what: str = "condition", interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def pg_bin(name: str) -> str:
    """A PostgreSQL server binary (Debian keeps them out of PATH, under /usr/lib/postgresql/<major>/bin)."""
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)),
                                       None)
    if not found:
        raise RuntimeError(f"{name} not found: install the PostgreSQL server package")
    return found


class Http:
    """A tiny JSON client for a server on 127.0.0.1 (the test talks HTTP to a real gunicorn)."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token

    def request(self, method: str, path: str, body=None, key: str | None = None, timeout: float = 30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json",
                   "Accept-Language": "zh-hans", "X-Forwarded-Proto": "https"}
        if key:
            headers["Idempotency-Key"] = key
        try:
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            response = conn.getresponse()
            raw = response.read()
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = {"raw": raw[:300]}
            return response.status, data, dict(response.getheaders())
        finally:
            conn.close()


class Gunicorn:
    """`boss.wsgi` under gunicorn (sync workers) with the worker-test settings on database `db_name`."""

    def __init__(self, db_name: str, *, workers: int = 1, env: dict | None = None, database_url: str | None = None,
                 args: tuple = ()):
        self.port = free_port()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "boss.settings.worker_test", "BOSS_TEST_DB_NAME": db_name,
                    **({"DATABASE_URL": database_url} if database_url else {}), **(env or {})}
        self.workers, self.args = workers, list(args)
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Gunicorn":
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "boss.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--timeout", "120", "--graceful-timeout", "2",
             *self.args],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        wait_for(self._answers, 60, "gunicorn to answer")
        return self

    def _answers(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"gunicorn exited: {self.proc.stderr.read().decode()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/api/v1/numbers")
            conn.getresponse().read()
            return len(self.worker_pids()) == self.workers
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        pids = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                fields = Path(stat).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.split("/")[2]))
        return pids

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own in a temporary folder, on a free port, trust authentication, no
    fsync. initdb refuses to run as root: as root (a CI container) the server runs as the `postgres` user the
    Debian package creates."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="boss-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def url(self, db: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def start(self) -> "PrivatePostgres":
        if not self.data.exists():
            subprocess.run([*self.as_user, pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
                            "--no-sync", "-E", "UTF8", "--locale=C"], check=True, capture_output=True)
        self._ctl("start", "-w", "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        return self

    def _ctl(self, *args):
        subprocess.run([*self.as_user, pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), *args],
                       check=True, capture_output=True, timeout=60)

    def restart(self):
        """`pg_ctl restart -m fast`: every connection is cut, open transactions roll back, then it starts."""
        self._ctl("restart", "-w", "-m", "fast")

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self._ctl("stop", "-w", "-m", "immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def copy_of(self, source_url: str, db: str) -> str:
        """A database `db` here holding a copy of `source_url` (schema and data, as pg_dump sees them)."""
        subprocess.run([pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", db],
                       check=True, capture_output=True)
        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", f"--dbname={source_url}"], check=True,
                              capture_output=True)
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.url(db)], input=dump.stdout, check=True,
                       capture_output=True)
        return self.url(db)


class PrivateRedis:
    """A redis-server of the test's own on a free port, no persistence; it can be stopped and started again on
    the same port."""

    def __init__(self):
        self.port = free_port()      # kept across stop() and start(): the clients reconnect to the same address
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "PrivateRedis":
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_for(self._answers, 20, "redis-server to answer")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
