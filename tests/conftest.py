"""Suite-wide fixtures: the demo site built once per test database, and the REQUIRE_* rules.

A test that needs something the machine lacks (PostgreSQL, Redis, Chromium, Elasticsearch) skips with a
one-line reason — unless the matching ``REQUIRE_*`` variable is set, and then it fails, so that CI
cannot pass by skipping what it was meant to test.
"""

import os

import pytest


def require(name: str, available: bool, reason: str) -> None:
    """Skip (or fail, when ``REQUIRE_<NAME>`` is set) unless ``available``."""
    if available:
        return
    if os.environ.get(f"REQUIRE_{name}"):
        pytest.fail(f"REQUIRE_{name} is set but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config, items):
    """Run browser tests last: Playwright's synchronous API keeps an event loop running in the main
    thread for the rest of the session, and tests that drive asyncio themselves cannot start after it."""
    items.sort(key=lambda item: "tests/browser/" in item.nodeid.replace("\\", "/"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the demo site once per test database; each test then runs in a rolled-back transaction."""
    from portal.demo.build import demo_build

    with django_db_blocker.unblock():
        demo_build()


@pytest.fixture
def demo(db):
    """Handles on the demo data most tests use."""
    from types import SimpleNamespace

    from alliances.models import Agency, Alliance
    from portal.models import HomePage, PolicyDocumentPage, User

    return SimpleNamespace(
        home=HomePage.objects.get(),
        huaihai=Alliance.objects.get(code="HH"),
        chengyu=Alliance.objects.get(code="CY"),
        xuzhou_msa=Agency.objects.get(name="徐州市市场监督管理局"),
        chengdu_msa=Agency.objects.get(name="成都市市场监督管理局"),
        policy=PolicyDocumentPage.objects.get(slug="xuzhou-ip-demonstration-city-plan"),
        editor=User.objects.get(username="editor"),
        officer=User.objects.get(username="xz_officer"),
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    """Whole-page and rate-limit caches must not carry state from one test into the next."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()
    # Search's per-process document counts: a test's own documents are rolled back, its counts must go too.
    from search.backends import database

    database._forget_frequencies()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a request to an English page, or a sign-in
    that activates a user's language, must not turn a later test's messages into English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
