"""Search test fixtures: ``search_backend`` yields every backend available on this machine (the
backend-neutral suite runs once per backend), and the lead ``world`` of tests/cases_exchange."""

import os
import uuid

import pytest

from tests.cases_exchange.conftest import world  # noqa: F401  (the fixture, reused)
from tests.conftest import require

#: Elasticsearch runs when ELASTICSEARCH_URL is set, skips with one line otherwise (fails under
#: REQUIRE_ELASTICSEARCH); each test gets an index of its own, dropped afterwards.
BACKENDS = ["database", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


def make_backend(name: str):
    if name == "database":
        from search.backends.database import DatabaseBackend

        return DatabaseBackend()
    if name == "elasticsearch":
        url = os.environ.get("ELASTICSEARCH_URL", "")
        require("ELASTICSEARCH", bool(url), "ELASTICSEARCH_URL is not set")
        from search.backends.elasticsearch import ElasticsearchBackend

        return ElasticsearchBackend(url, index=f"ipp-test-{uuid.uuid4().hex[:12]}")
    raise LookupError(name)


@pytest.fixture(params=BACKENDS)
def search_backend(request, db):
    """An empty index on one backend; whatever the test writes is rolled back with the test."""
    backend = make_backend(request.param)
    backend.clear()
    yield backend
    if request.param == "elasticsearch":
        backend.client.options(ignore_status=404).indices.delete(index=backend.index_name)
    else:
        backend.clear()


@pytest.fixture
def indexed(db, django_capture_on_commit_callbacks):
    """Run a block and the re-indexing its commit would trigger: ``with indexed(): ...``."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
