"""Bounded work on very broad queries: totals stop counting at a limit, and on SQLite the ranking and facets
of more matches than it can rank exactly cover a window of candidates (search/backends/database.py).

The limits are lowered here so that a handful of documents stands for a million."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from search import analysis
from search.backends import database
from search.base import PUBLIC, SearchQuery
from search.registry import get_backend

from .test_backend import document, keys

pytestmark = pytest.mark.django_db

HIDDEN = ("agency:99",)


@pytest.fixture
def count_limit(monkeypatch):
    def lower(limit: int):
        from search.backends import elasticsearch

        monkeypatch.setattr(database, "COUNT_LIMIT", limit)
        monkeypatch.setattr(elasticsearch, "COUNT_LIMIT", limit)

    return lower


@pytest.fixture
def windows(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("windows bound SQLite's ranking; PostgreSQL ranks every match")
    monkeypatch.setattr(database, "EXACT_UP_TO", 4)
    monkeypatch.setattr(database, "TITLE_WINDOW", 2)
    monkeypatch.setattr(database, "RECENT_WINDOW", 3)


def test_totals_stop_at_the_limit_and_hidden_documents_never_count(search_backend, count_limit):
    search_backend.index(
        [document(f"n:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(6)]
        + [document(f"s:{i}", f"线索{i}", "商标 仓库", access=HIDDEN, kind="lead") for i in range(3)]
    )
    count_limit(4)
    found = search_backend.search(SearchQuery(text="商标"))
    assert (found.total, found.total_exact) == (4, False)
    count_limit(6)
    visitor = search_backend.search(SearchQuery(text="商标"))
    assert (visitor.total, visitor.total_exact) == (6, True)  # the three hidden leads are not counted
    officer = search_backend.search(SearchQuery(text="商标", access=frozenset({PUBLIC, *HIDDEN})))
    assert (officer.total, officer.total_exact) == (6, False)


def test_a_broad_query_ranks_the_newest_title_matches_then_the_newest_matches(windows):
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("t:old", "商标保护旧闻", "商标")])  # indexed first: outside both windows
    backend.index([document(f"b:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(5)])
    backend.index([document("t:mid", "商标维权", "维权"), document("t:new", "商标品牌", "品牌")])
    backend.index([document("s:1", "商标线索", "商标", access=HIDDEN, kind="lead")])  # newest, hidden
    found = backend.search(SearchQuery(text="商标", facets=("kind",)))
    assert (found.total, found.total_exact, found.facets_exact) == (8, True, False)
    assert sorted(keys(found)[:2]) == ["t:mid", "t:new"]  # the title tier, hidden lead not taking a slot
    assert keys(found)[2:] == ["b:4"]  # then the newest matches not already shown
    assert found.facets["kind"] == [("news", 3)]  # counted over the candidates only, and said so
    officer = backend.search(SearchQuery(text="商标", access=frozenset({PUBLIC, *HIDDEN})))
    assert set(keys(officer)) == {"s:1", "t:new", "t:mid"}


def test_title_matches_are_taken_among_the_matches_counted(windows, count_limit):
    """Bounded work: a title match older than the newest COUNT_LIMIT matches is not fetched from far back."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("t:old", "商标保护旧闻", "商标")])
    backend.index([document(f"b:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(7)])
    count_limit(5)
    found = backend.search(SearchQuery(text="商标"))
    assert (found.total, found.total_exact) == (5, False)
    assert sorted(keys(found)) == ["b:4", "b:5", "b:6"]  # the recent window; t:old is beyond the six counted


def test_the_title_tier_follows_a_title_that_changes_or_goes(windows):
    """The title tier comes from an index of titles that keeps no text of its own: a re-indexed document is
    found there by its new title only, a deleted one not at all, and a cleared index holds nothing."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("t:old", "商标保护旧闻", "商标"), document("t:gone", "商标侵权通报", "商标")])
    backend.index([document(f"b:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(5)])
    assert sorted(keys(backend.search(SearchQuery(text="商标")))[:2]) == ["t:gone", "t:old"]
    backend.index([document("t:old", "旧闻", "商标")])  # its title no longer holds 商标
    backend.delete(["t:gone"])
    backend.index([document(f"c:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(5)])
    assert sorted(keys(backend.search(SearchQuery(text="商标")))) == ["c:2", "c:3", "c:4"]  # no title tier
    assert _title_rows("商标") == []
    assert _title_rows("旧闻") != []
    backend.clear()
    assert _title_rows("旧闻") == []


def _title_rows(word: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM search_fts_titles WHERE search_fts_titles MATCH %s", [f'"{word}"'])
        return [row[0] for row in cursor.fetchall()]


def test_an_older_title_match_holding_the_phrase_ranks_first_in_its_tier(windows):
    """Both title matches are older than the newest matches; the one holding 知识产权保护 as written comes
    first, though its long text gives it the lower BM25 score of the two."""
    backend = database.DatabaseBackend()
    backend.clear()
    agenda = "，".join(f"议程{i}" for i in range(80))
    backend.index([document("t:phrase", "知识产权保护典型案例发布会", agenda)])
    backend.index([document("t:apart", "保护知识产权", "保护知识产权")])
    backend.index([document(f"b:{i}", f"新闻{i}", f"知识产权的保护{i}") for i in range(6)])
    found = backend.search(SearchQuery(text="知识产权保护", per_page=2))  # a page's worth: strict
    assert found.facets_exact is False  # the window applies
    assert keys(found) == ["t:phrase", "t:apart"]


def test_below_the_window_every_match_is_ranked_and_faceted_exactly(windows):
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("t:old", "商标保护旧闻", "商标")])
    backend.index([document(f"b:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(3)])
    found = backend.search(SearchQuery(text="商标", facets=("kind",)))
    assert (found.total, found.facets_exact) == (4, True)
    assert keys(found)[0] == "t:old"
    assert found.facets["kind"] == [("news", 4)]


def test_documents_holding_every_concept_stay_first_when_a_question_is_relaxed(windows):
    """Too few hold both words, so those holding one follow — more than the window; the one holding both
    is old and has neither in its title, and still comes first."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("both", "旧闻", "砀山酥梨的商标被假冒")])
    backend.index([document(f"b:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(8)])
    found = backend.search(SearchQuery(text="砀山 商标"))
    assert keys(found)[0] == "both"
    assert found.facets_exact is False


def test_a_relaxed_broad_query_keeps_the_documents_holding_its_rare_word(windows):
    """仲裁 is rare, 商标 everywhere; no document holds both, so documents holding one follow. Those holding
    仲裁 come first — even one older than the newest 商标 documents and without 仲裁 in its title — and
    a title holding only the common word does not put a document ahead of them."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("rare:old", "旧闻", "知识产权仲裁中心成立")])
    backend.index([document(f"t:{i}", f"商标新闻{i}", f"关于商标的报道{i}") for i in range(12)])
    backend.index([document("rare:new", "仲裁动态", "仲裁员培训")])
    found = backend.search(SearchQuery(text="仲裁 商标"))
    assert found.facets_exact is False  # the window applies
    assert keys(found)[:2] == ["rare:new", "rare:old"]


def test_a_word_in_most_documents_leaves_the_window_statements_but_not_their_results(windows, monkeypatch):
    """商标 is in nearly every document, 维权 in under half: once the matches of 商标 维权 are counted, the
    window's ranking statement leaves 商标 out (reading its document list costs most) and keeps to the matches
    counted — the newest documents holding 维权 without 商标 never appear, a title holding only 维权 is no
    title match, and results and facets are those of the whole query."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("x:title", "维权指南", "商标")])  # 维权 in its title, 商标 only in the body
    backend.index([document(f"m:{i}", f"商标维权{i}", f"商标维权案例{i}") for i in range(5)])
    backend.index([document(f"o:{i}", f"商标新闻{i}", f"商标报道{i}", kind="policy") for i in range(10)])
    backend.index([document(f"v:{i}", f"维权动态{i}", f"维权援助{i}", kind="case") for i in range(3)])
    query = SearchQuery(text="商标 维权", facets=("kind",), per_page=5)  # a page's worth hold both: strict
    engine = database._SQLite(backend, analysis.analyse_query(query.text), query)
    assert engine.count(strict=True) == 6
    assert engine.common
    assert not any("维权" in group for group in engine.common)
    found = backend.search(query)
    assert sorted(keys(found)) == ["m:2", "m:3", "m:4"]  # the window's candidates: matches only
    assert (found.total, found.facets["kind"], found.facets_exact) == (6, [("news", 3)], False)
    monkeypatch.setattr(database, "COMMON_IDF", float("-inf"))  # nothing is common: 商标 in every statement
    whole = backend.search(query)
    assert (keys(whole), whole.total, whole.facets) == (keys(found), found.total, found.facets)


def test_words_near_each_other_count_in_the_window_without_reading_their_documents(windows):
    """The window's ranking statement leaves a question's neighbouring pairs (成渝地区, 商标合作) out of
    ``bm25()`` — their document lists are read once per process for their weight instead — and a candidate
    holding its words side by side still ranks above one holding them apart, though its longer list of
    terms gives its words the lower BM25 score."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document(f"other:{i}", f"动态{i}", "专利审查") for i in range(12)])
    backend.index([document(f"old:{i}", f"旧闻{i}", "合作，商标，地区，成渝") for i in range(4)])
    backend.index([document("near", "新闻甲", "成渝地区商标合作")])
    backend.index([document("apart", "新闻乙", "合作，商标，地区，成渝")])
    query = SearchQuery(text="成渝地区商标合作", per_page=2)
    engine = database._SQLite(backend, analysis.analyse_query(query.text), query)
    engine.count(strict=True)
    assert engine.window is not None
    assert not engine.phrases
    assert engine.scored
    assert not any(pair in engine.window_match for pair in engine.scored)
    found = backend.search(query)
    assert found.facets_exact is False  # the window applies
    assert keys(found)[0] == "near"


def test_a_count_bounded_by_remembered_word_counts_reads_oldest_first_with_the_same_results(
    monkeypatch, count_limit
):
    """When a word's remembered document count bounds the matches, they are read oldest first and turned
    round — the same total, page and ids as newest first; a count remembered before another process's
    writes (too low) falls back to newest first."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite reads the matches' ids to count them; PostgreSQL counts in SQL")
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document(f"n:{i}", f"新闻{i}", f"维权 商标 报道{i}") for i in range(7)])
    backend.index([document(f"o:{i}", f"动态{i}", f"商标 报道{i}") for i in range(5)])
    query = SearchQuery(text="商标 维权", per_page=3)

    def searched(*, remember: int | None):
        database._forget_frequencies()
        if remember is not None:
            key = (str(connection.settings_dict["NAME"]), database._fts_phrase("维权"))
            database._frequencies[key] = (database.time.monotonic(), remember)
        engine = database._SQLite(backend, analysis.analyse_query(query.text), query)
        with CaptureQueriesContext(connection) as statements:
            total = engine.count(strict=True)
        walks = [
            "oldest" if "ORDER BY search_fts.rowid LIMIT" in q["sql"] else "newest"
            for q in statements.captured_queries
            if "ORDER BY search_fts.rowid" in q["sql"]
        ]
        return total, engine.ids, walks

    newest = searched(remember=None)
    assert newest[0] == 7
    assert newest[2] == ["newest"]
    assert newest[1] == sorted(newest[1], reverse=True)
    assert searched(remember=7) == (7, newest[1], ["oldest"])
    monkeypatch.setattr(database, "OLDEST_FIRST_UP_TO", 5)
    assert searched(remember=5) == (7, newest[1], ["oldest", "newest"])  # remembered too low: 7 > 5
    assert searched(remember=6) == (7, newest[1], ["newest"])  # over the bound: newest first at once
    monkeypatch.setattr(database, "OLDEST_FIRST_UP_TO", 20)
    count_limit(3)
    assert searched(remember=7) == (4, newest[1][:4], ["oldest"])  # the newest COUNT_LIMIT + 1, as before
    database._forget_frequencies()


def test_document_counts_are_remembered_until_this_process_writes(monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL counts a query's words in the statement that ranks")
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("a", "商标", "商标")])

    def counted() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as statements, connection.cursor() as cursor:
            found = database._document_frequency(cursor, '"商标"')
        return found, len(statements)

    assert counted() == (1, 1)
    assert counted() == (1, 0)  # remembered
    backend.index([document("b", "商标", "商标")])
    assert counted() == (2, 1)  # forgotten by the write
    monkeypatch.setattr(database, "FREQUENCY_SECONDS", 0)  # another process's writes: seen once it expires
    assert counted() == (2, 1)


def test_optimising_the_index_keeps_every_result(search_backend):
    for batch in range(3):
        search_backend.index([document(f"n:{batch}:{i}", f"商标新闻{i}", "郫县豆瓣") for i in range(4)])
    before = [keys(search_backend.search(SearchQuery(text=text))) for text in ("商标", "郫县豆瓣", "新闻 2")]
    segments = _fts_segments() if connection.vendor == "sqlite" else None
    search_backend.optimize()
    after = [keys(search_backend.search(SearchQuery(text=text))) for text in ("商标", "郫县豆瓣", "新闻 2")]
    assert all(before)
    assert after == before
    if segments is not None:  # segments written batch by batch, merged into one
        assert segments > 1
        assert _fts_segments() == 1


def _fts_segments() -> int:
    """How many segments the FTS5 index has, from its structure record (a 4-byte cookie, then varints: the
    number of levels, the number of segments)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT block FROM search_fts_data WHERE id = 10")
        record = bytes(cursor.fetchone()[0])
    position, values = 4, []
    for _ in range(2):
        value = 0
        while True:
            byte = record[position]
            position += 1
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values[1]


def test_the_page_and_the_api_say_more_than_and_stop_at_the_last_reachable_page(client, count_limit):
    backend = get_backend()
    backend.clear()
    backend.index([document(f"n:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(6)])
    count_limit(4)
    with translation.override("zh-hans"):
        html = client.get(reverse("search:search"), {"q": "商标"}).content.decode()
    assert "找到超过 4 条结果" in html
    body = client.get("/api/v1/search", {"q": "商标", "page": 500, "page_size": 50}).json()
    assert (body["total"], body["total_exact"], body["page"]) == (4, False, 20)  # 1,000 results reachable


def test_reindex_writes_every_document_oldest_first(demo, world):  # world: leads of several dates
    from datetime import date
    from io import StringIO

    from django.core.management import call_command

    from search.models import IndexEntry
    from search.registry import searchable_types

    out = StringIO()
    call_command("search_reindex", stdout=out, stderr=StringIO())
    assert "optimised the index" in out.getvalue()
    dates = [d or date.min for d in IndexEntry.objects.order_by("id").values_list("date", flat=True)]
    expected = sum(1 for searchable in searchable_types() for _ in searchable.documents())
    assert len(dates) == expected
    assert len({d for d in dates if d != date.min}) > 3  # pages and leads of several dates
    assert dates == sorted(dates)  # so the most recently indexed are the newest (the SQLite window)


def test_the_count_reads_enough_to_tell_the_exact_path_from_the_window():
    """SQLite ranks exactly what it counted: an exact path over more matches than the count read would
    rank and facet part of them as if they were all."""
    assert database.EXACT_UP_TO <= database.COUNT_LIMIT


def test_the_facets_of_a_window_are_counted_from_the_facet_index_alone(windows):
    """Not a table row per facet value: at a million documents that was half the facets' time."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index(
        [document(f"b:{i}", f"新闻{i}", f"关于商标的报道{i}", facets={"city": ("徐州市",)}) for i in range(6)]
    )
    with CaptureQueriesContext(connection) as captured:
        found = backend.search(SearchQuery(text="商标", facets=("kind", "city")))
    assert (found.facets_exact, found.facets["city"]) == (False, [("徐州市", 3)])  # the three candidates
    (counting,) = [q["sql"] for q in captured.captured_queries if "GROUP BY f.name, f.value" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {counting}")
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX search_facet_entry_value" in plan, plan


def test_a_relaxed_search_keeps_the_title_tier_as_far_back_as_its_candidates_reach(windows, count_limit):
    """No document holds both words: the candidates are the newest holding the telling one (仲裁), which
    reach back past the five matches counted; the one with 仲裁 in its title still comes first."""
    backend = database.DatabaseBackend()
    backend.clear()
    agenda = "，".join(f"议程{i}" for i in range(80))  # long: its BM25 alone would rank it last
    backend.index([document("r:title", "仲裁中心" + "动态" * 30, f"仲裁 {agenda}")])
    backend.index([document(f"r:{i}", f"旧闻{i}", "仲裁仲裁仲裁") for i in range(2)])
    backend.index([document(f"b:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(12)])
    count_limit(4)
    found = backend.search(SearchQuery(text="仲裁 商标"))
    assert (found.total, found.total_exact) == (4, False)
    assert keys(found)[0] == "r:title"
    assert sorted(keys(found)[1:]) == ["r:0", "r:1"]


def test_a_relaxed_window_puts_every_document_holding_every_concept_in_the_first_tier(windows):
    """Whether or not the window's statement scored them, the documents holding every concept are marked
    for the first tier — the older one outside the window too."""
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index([document("both:old", "旧闻", "砀山酥梨的商标被假冒")])
    backend.index([document(f"pear:{i}", f"酥梨{i}", f"砀山酥梨上市{i}") for i in range(4)])
    backend.index([document(f"both:{i}", f"维权{i}", f"砀山 商标 维权{i}") for i in range(2)])
    backend.index([document(f"mark:{i}", f"新闻{i}", f"关于商标的报道{i}") for i in range(4)])
    query = SearchQuery(text="砀山 商标")
    engine = database._SQLite(backend, analysis.analyse_query(query.text), query)
    assert engine.count(strict=True) == 3  # fewer than a page: relaxed
    assert engine.count(strict=False) > database.EXACT_UP_TO  # a window
    entries = dict(database.IndexEntry.objects.values_list("id", "key"))
    first_tier = {entries[row[0]] for row in engine._window_ranked(strict=False) if row[2]}
    assert first_tier == {"both:old", "both:0", "both:1"}
    assert set(keys(backend.search(query))[:3]) == first_tier
