"""Browser tests: the system Chromium (Playwright) against a real ASGI server with its own database.

pytest-django's ``live_server`` cannot serve websockets and flushes Wagtail's root page (PITFALLS 7), so
the server here is daphne in a subprocess on a database of its own, migrated and seeded with the demo
site. With ``DATABASE_URL``/``REDIS_URL`` set (CI's production path) the server uses a fresh PostgreSQL
database and the Redis channel layer and cache.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import require
from tests.live_server import PortalServer, server_database, server_env

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-portal-2026"

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would refuse any
# ORM call made from a test here (PITFALLS 7). Only the browser tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def portal_server(tmp_path_factory):
    """The demo site served by daphne (HTTP and websockets), shared by the browser tests of a session."""
    require("CHROMIUM", Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    tmp_dir = tmp_path_factory.mktemp("portal-server")
    with server_database(tmp_dir) as database_url:
        server = PortalServer(server_env(tmp_dir, database_url))
        server.manage("migrate", "--noinput", "-v", "0")
        server.manage("seed_demo", "--quiet-accounts")
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def browser():
    require("CHROMIUM", Path(CHROMIUM).exists(), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, portal_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def sign_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD, next_path: str = "/") -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def screenshot_dir() -> Path:
    path = ROOT / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
