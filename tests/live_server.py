"""Real portal servers for tests that need one: daphne processes on a database of their own.

Used by the browser tests and the multi-process delivery tests. With ``DATABASE_URL`` pointing at
PostgreSQL the server gets a fresh PostgreSQL database (dropped afterwards), otherwise a SQLite file;
``REDIS_URL`` passes through, so several processes share the Redis channel layer and cache.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server_database(tmp_dir: Path):
    """A database URL for the server: a new PostgreSQL database when DATABASE_URL is PostgreSQL, else a
    SQLite file. PostgreSQL databases are dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_dir / 'portal.sqlite3'}"
        return
    import psycopg

    name = f"ipp_live_{uuid.uuid4().hex[:10]}"
    parts = urlsplit(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PortalServer:
    """A running portal: ``base_url``, its environment, and helpers to run management commands on it."""

    def __init__(self, env: dict, workers: int = 1):
        self.env = env
        self.processes: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.workers = workers

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.ports[0]}"

    def url(self, worker: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[worker]}"

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    def start(self) -> None:
        for _ in range(self.workers):
            port = free_port()
            log = open(Path(self.env["PORTAL_VAR_DIR"]) / f"daphne-{port}.log", "w")  # noqa: SIM115
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("daphne")),
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "portal.asgi:application",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            self.processes.append(process)
            self.ports.append(port)
        for port in self.ports:
            wait_for(f"http://127.0.0.1:{port}/healthz")

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not start")


def server_env(tmp_dir: Path, database_url: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.dev",
        "DATABASE_URL": database_url,
        "PORTAL_VAR_DIR": str(tmp_dir),
        "SECRET_KEY": "live-server-tests-" + uuid.uuid4().hex * 2,
        "DEBUG": "0",
        "CACHE_KEY_PREFIX": f"live-{uuid.uuid4().hex[:8]}",
        "CHANNEL_PREFIX": f"live-{uuid.uuid4().hex[:8]}",
        "SIGN_IN_LIMIT_PER_ADDRESS": "100000",  # every test client signs in from 127.0.0.1
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env
