"""Search test fixtures: ``search_backend`` yields every backend available on this machine (the
backend-neutral suite runs once per backend), and the lead ``world`` of tests/cases_exchange."""

import pytest

from tests.cases_exchange.conftest import world  # noqa: F401  (the fixture, reused)

BACKENDS = ["database"]


def make_backend(name: str):
    if name == "database":
        from search.backends.database import DatabaseBackend

        return DatabaseBackend()
    raise LookupError(name)


@pytest.fixture(params=BACKENDS)
def search_backend(request, db):
    """An empty index on one backend; whatever the test writes is rolled back with the test."""
    backend = make_backend(request.param)
    backend.clear()
    yield backend
    backend.clear()


@pytest.fixture
def indexed(db, django_capture_on_commit_callbacks):
    """Run a block and the re-indexing its commit would trigger: ``with indexed(): ...``."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
