"""Access terms in SQLite's full-text index (search/backends/database.py: ACCESS_MARK): the statements that
count matches leave out what the asker may not see inside the full-text expression. No text can forge one,
migration search/0005 writes them for entries indexed before, and the access rows still decide what is
shown."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection

from search.backends import database
from search.base import PUBLIC, SearchQuery

from .test_backend import document, keys

pytestmark = pytest.mark.django_db

MARK = database.ACCESS_MARK
OFFICER = frozenset({PUBLIC, "agency:7"})
OTHER = frozenset({PUBLIC, "agency:8"})
migration = importlib.import_module("search.migrations.0005_access_terms")


@pytest.fixture
def backend():
    if connection.vendor != "sqlite":
        pytest.skip("access terms are SQLite's; PostgreSQL checks the access rows in every statement")
    backend = database.DatabaseBackend()
    backend.clear()
    return backend


def ident(key: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT f.ident FROM search_fts f JOIN search_indexentry e ON e.id = f.rowid WHERE e.key = %s",
            [key],
        )
        return cursor.fetchone()[0]


def found(backend, text, access, **kwargs):
    results = backend.search(SearchQuery(text=text, access=access, facets=("kind", "city"), **kwargs))
    return results.total, keys(results), dict(results.facets.get("city", []))


def test_a_lead_is_counted_and_faceted_for_its_agencies_only(backend):
    backend.index(
        [
            document("n:1", "仓库检查通报", "仓库 商标", facets={"city": ("徐州市",)}),
            document(
                "s:1",
                "仓库线索",
                "仓库 商标",
                access=("agency:7",),
                kind="lead",
                facets={"city": ("宿迁市",)},
            ),
        ]
    )
    assert ident("s:1").split() == [f"{MARK}restricted", f"{MARK}agency7"]
    assert ident("n:1") == ""  # public: no access terms
    assert found(backend, "仓库", frozenset({PUBLIC})) == (1, ["n:1"], {"徐州市": 1})
    assert found(backend, "仓库", OTHER) == (1, ["n:1"], {"徐州市": 1})
    assert found(backend, "仓库", OFFICER)[0:2] == (2, ["s:1", "n:1"])
    assert found(backend, "仓库", OFFICER)[2] == {"徐州市": 1, "宿迁市": 1}


def test_no_text_can_forge_or_match_an_access_term(backend):
    forged = f"{MARK}restricted {MARK}agency8 {MARK}public"
    backend.index(
        [
            # a public document whose text carries the mark: still public
            document("n:1", "仓库检查通报", f"仓库 {forged}"),
            # a lead that claims another agency and the public in its text: still theirs alone
            document("s:1", f"仓库线索{MARK}public", f"仓库 {forged}", access=("agency:7",), kind="lead"),
        ]
    )
    assert MARK + "agency8" not in ident("s:1")
    assert found(backend, "仓库", frozenset({PUBLIC}))[0:2] == (1, ["n:1"])
    assert found(backend, "仓库", OTHER)[0:2] == (1, ["n:1"])
    for text in (f"{MARK}restricted", f"仓库 {MARK}agency7", MARK):
        assert "s:1" not in found(backend, text, frozenset({PUBLIC}))[1], text


def test_the_migration_writes_access_terms_for_entries_indexed_before_it(backend, monkeypatch):
    backend.index(
        [document("n:1", "仓库检查通报", "仓库 商标")]
        + [
            document(f"s:{i}", f"仓库线索{i}", "仓库 商标", access=("agency:7",), kind="lead")
            for i in range(3)
        ]
    )
    monkeypatch.setattr(migration, "BATCH", 2)  # more than one batch
    editor = SimpleNamespace(connection=connection)  # all the migration uses of its schema editor
    migration.remove_access_terms(None, editor)  # as an index written before search/0005
    assert ident("s:1") == ""
    # The access rows still decide what is shown and what the exact path counts …
    assert found(backend, "仓库", frozenset({PUBLIC}))[0:2] == (1, ["n:1"])
    migration.add_access_terms(None, editor)
    migration.add_access_terms(None, editor)  # twice: nothing added twice
    assert ident("s:1").split() == [f"{MARK}restricted", f"{MARK}agency7"]
    assert found(backend, "仓库", frozenset({PUBLIC}))[0:2] == (1, ["n:1"])
    assert found(backend, "仓库", OFFICER)[0] == 4
    # … and the titles' own index was handed back what it held, so that a document deleted later leaves it
    backend.delete(["s:0"])
    assert found(backend, "仓库", OFFICER)[0] == 3
    assert titles_matching("线索") == titles_matching(f"{MARK}restricted") == entry_ids("s:1", "s:2")


def titles_matching(term: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM search_fts_titles WHERE search_fts_titles MATCH %s ORDER BY rowid",
            [f'"{term}"'],
        )
        return [row[0] for row in cursor.fetchall()]


def entry_ids(*keys: str) -> list[int]:
    from search.models import IndexEntry

    return sorted(IndexEntry.objects.filter(key__in=keys).values_list("pk", flat=True))


@pytest.fixture
def windows(monkeypatch):
    """A handful of documents standing for a million: more matches than EXACT_UP_TO take the window path."""
    monkeypatch.setattr(database, "EXACT_UP_TO", 4)
    monkeypatch.setattr(database, "TITLE_WINDOW", 2)
    monkeypatch.setattr(database, "RECENT_WINDOW", 3)


def corpus(lead_access=("agency:7",), **lead_fields):
    public = [
        document(f"n:{i}", f"仓库通报{i}", "仓库 商标 检查", facets={"city": ("徐州市",)}) for i in range(6)
    ]
    leads = [
        document(
            f"s:{i}", f"仓库线索{i}", "仓库 商标 检查", access=lead_access, kind="lead",
            facets={"city": ("宿迁市",)}, **lead_fields,
        )
        for i in range(6)
    ]  # fmt: skip
    return public + leads  # the leads newest: they would fill the window first


@pytest.mark.parametrize("text", ["仓库", "仓库 审批"])  # every concept, and a relaxed question
def test_on_the_window_path_a_lead_is_counted_for_its_agencies_only(backend, windows, text):
    backend.index(corpus())
    for asker in (frozenset({PUBLIC}), OTHER):
        total, hits, cities = found(backend, text, asker)
        # the window: the two newest title matches and the three newest matches the asker may see
        assert (total, sorted(hits), list(cities)) == (6, ["n:3", "n:4", "n:5"], ["徐州市"])
    total, hits, cities = found(backend, text, OFFICER)
    assert (total, sorted(hits), list(cities)) == (12, ["s:3", "s:4", "s:5"], ["宿迁市"])  # their newest


def test_access_terms_cannot_be_forged_through_identifiers_or_names(backend, windows):
    forged = (f"{MARK}agency8", f"{MARK}public", f"x{MARK}restricted")
    backend.index(corpus(identifiers=forged, names=forged))
    assert [term for term in ident("s:0").split() if MARK in term] == [f"{MARK}restricted", f"{MARK}agency7"]
    assert found(backend, "仓库", OTHER)[0] == 6
    assert found(backend, "仓库", frozenset({PUBLIC}))[0] == 6


def test_leads_written_without_access_terms_are_never_candidates_for_the_public(backend, windows):
    """As if a process of the release before search/0005 had indexed them after the migration: at worst
    counted among more than EXACT_UP_TO matches, never shown, and never in place of public documents."""
    backend.index(corpus())
    migration.remove_access_terms(None, SimpleNamespace(connection=connection))
    results = backend.search(SearchQuery(text="仓库", access=frozenset({PUBLIC}), facets=("city",)))
    assert sorted(keys(results)) == ["n:3", "n:4", "n:5"]
    assert dict(results.facets["city"]) == {"徐州市": len(keys(results))}
