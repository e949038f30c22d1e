"""Wagtail's admin search (pages, snippets, documents, images) with Chinese words (PITFALLS 1).

``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}``. This is Wagtail's own
database backend (modelsearch: SQLite FTS5 or PostgreSQL full text, whichever database is in use) with two
changes, so that an editor typing 地理标志 finds a page whose title says 关于地理标志保护的通知:

- indexed text goes through ``search.analysis`` first and is stored as space-separated terms (jieba
  search mode, traditional folding, synonyms), which the stock tokenizers split exactly at the spaces;
- a query string is analysed the same way (jieba precise mode) before the stock backend sees it.

modelsearch builds its per-object indexer from a module-level ``ObjectIndexer`` class inside ``add_items``,
with no setting to replace it, so the vendor module's name is pointed at a subclass when this backend is
created; the subclass only changes how a value becomes text. After switching backends (or upgrading
Wagtail) run ``manage.py update_index`` so that existing objects are indexed with the new text.
"""

from __future__ import annotations

import importlib

from django.utils.encoding import force_str
from modelsearch.backends import database as stock

from search import analysis


def analysed_text(value: str) -> str:
    folded = analysis.fold(value or "")
    identifiers, rest = analysis.extract_identifiers(folded)
    return " ".join([*analysis.segment(rest), *identifiers])


def analysed_query(value: str) -> str:
    folded = analysis.fold(value or "")[: analysis.MAX_QUERY_CHARS]
    identifiers, rest = analysis.extract_identifiers(folded)
    return " ".join(dict.fromkeys([*analysis.segment(rest, search_mode=False), *identifiers]))


def _indexer_class(base):
    class ChineseObjectIndexer(base):
        def prepare_value(self, value):
            if isinstance(value, str):
                return analysed_text(value)
            if isinstance(value, list):
                return " ".join(self.prepare_value(item) for item in value)
            if isinstance(value, dict):
                return " ".join(self.prepare_value(item) for item in value.values())
            return analysed_text(force_str(value))

    ChineseObjectIndexer.__name__ = f"Chinese{base.__name__}"
    return ChineseObjectIndexer


class ChineseQueryMixin:
    """Analyse plain query strings before the stock backend builds its full-text query."""

    def search(self, query, *args, **kwargs):
        if isinstance(query, str):
            query = analysed_query(query)
        return super().search(query, *args, **kwargs)

    def autocomplete(self, query, *args, **kwargs):
        if isinstance(query, str):
            query = analysed_query(query)
        return super().autocomplete(query, *args, **kwargs)


def SearchBackend(params):  # the name Wagtail looks up in a backend module
    backend = stock.SearchBackend(params)
    module = importlib.import_module(type(backend).__module__)
    indexer = getattr(module, "ObjectIndexer", None)
    if indexer is not None and not indexer.__name__.startswith("Chinese"):
        module.ObjectIndexer = _indexer_class(indexer)
    backend.__class__ = type(f"Chinese{type(backend).__name__}", (ChineseQueryMixin, type(backend)), {})
    return backend
