"""Which objects are searchable, and which backend serves them (DESIGN §5).

- :func:`register` adds a :class:`~search.base.SearchableType`; apps declare theirs in
  ``search/types.py`` (pages, agencies, case leads), and later capabilities add their own the same way.
- :func:`get_backend` returns the backend chosen by settings: the database backend by default,
  Elasticsearch when ``ELASTICSEARCH_URL`` is set (imported only then).
"""

from __future__ import annotations

import threading

from django.conf import settings

from search.base import SearchableType, SearchBackend

_types: dict[str, SearchableType] = {}
_backend: SearchBackend | None = None
_backend_lock = threading.Lock()


def register(searchable: SearchableType) -> SearchableType:
    _types[searchable.kind] = searchable
    return searchable


def searchable_types() -> list[SearchableType]:
    return list(_types.values())


def searchable_for_model(model) -> list[SearchableType]:
    return [t for t in _types.values() if issubclass(model, t.model)]


def get_type(kind: str) -> SearchableType | None:
    return _types.get(kind)


def get_backend() -> SearchBackend:
    """The configured backend, one instance per process."""
    global _backend
    if _backend is None:
        with _backend_lock:
            if _backend is None:
                if getattr(settings, "ELASTICSEARCH_URL", None):
                    from search.backends.elasticsearch import ElasticsearchBackend

                    _backend = ElasticsearchBackend()
                else:
                    from search.backends.database import DatabaseBackend

                    _backend = DatabaseBackend()
    return _backend
