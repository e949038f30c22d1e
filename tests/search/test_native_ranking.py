# ruff: noqa: S608 — the statements are assembled from the backend's own fragments and placeholders.
"""``ipp_bm25()``, the SQLite backend's BM25 in C (search/csrc/ipp_rank.c, search/native.py): FTS5's
``bm25()`` scores given the IDFs the backend remembers, in the statements that rank — and ``bm25()``
where a connection lacks it."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError
from django.test.utils import CaptureQueriesContext

from search import native
from search.backends import database
from search.base import PUBLIC, SearchQuery
from tests.conftest import require

from .test_backend import document

pytestmark = pytest.mark.django_db

#: Documents in which the words come more or less often, in titles or bodies, in texts short and long.
CORPUS = [
    document("n:1", "商标侵权案件通报", "商标侵权线索移送，侵权商品查扣。"),
    document("n:2", "地理标志保护工作", "地理标志产品保护，商标侵权少见。" * 3),
    document("n:3", "专利导航", "专利导航服务企业，商标品牌建设。"),
    document("n:4", "商标品牌建设", "商标 商标 商标，品牌培育与地理标志运用。"),
    document("n:5", "知识产权质押融资", "质押融资风险补偿，专利商标质押。" + "融资服务。" * 8),
    document("n:6", "侵权假冒治理", "侵权假冒商品治理，地理标志冒用查处，专利侵权判定。"),
    document("n:7", "展会知识产权保护", "展会期间商标侵权投诉处理。"),
    document("n:8", "地理标志保护专项行动", "开展地理标志保护，查扣侵权商品。"),
    document("n:9", "侵权商品查扣情况", "各地查扣侵权商品，地理标志与品牌保护并重。" * 2),
    document("l:1", "线索：商标侵权", "仓库查获侵权商品。", access=("agency:1",), kind="lead"),
]

#: Expressions as the backend writes them: alternatives, a group named twice (the strict expression's
#: anchor), relaxed ORs, a phrase found nowhere.
EXPRESSIONS = [
    '("商标")',
    '("商标") AND ("侵权") AND ("商标" OR "商标侵权")',
    '("商标" OR "品牌") AND ("地理标志" OR "地标")',
    '("专利") OR ("商标") OR ("质押" OR "融资") OR ("无此词")',
]


@pytest.fixture
def ranked():
    if connection.vendor != "sqlite":
        pytest.skip("ipp_bm25() ranks SQLite's full-text index; PostgreSQL computes BM25 in SQL")
    connection.ensure_connection()
    require(
        "NATIVE_RANKING",
        native.available(connection),
        f"{settings.SEARCH_NATIVE_LIBRARY} is not built (make builds it where cc and sqlite3.h are)",
    )
    backend = database.DatabaseBackend()
    backend.clear()
    backend.index(CORPUS)
    return backend


def _scores(sql: str, params: list, expression: str) -> list[tuple[int, float]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, {sql} FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid",
            [*params, expression],
        )
        return cursor.fetchall()


def test_ipp_bm25_gives_the_scores_of_bm25_to_the_last_bit(ranked):
    for expression in EXPRESSIONS:
        sql, params = database._bm25(expression)
        assert sql.startswith("-ipp_bm25("), expression
        assert len(params) == expression.count('"') // 2, expression  # one IDF per phrase
        connection.ipp_bm25 = False  # as on a connection without the function: bm25() and its weights
        try:
            fallback, nothing = database._bm25(expression)
        finally:
            connection.ipp_bm25 = None
        assert fallback.startswith("-bm25(search_fts, "), expression
        ours, theirs = _scores(sql, params, expression), _scores(fallback, nothing, expression)
        assert len({score for _, score in theirs}) > 1, expression  # the scores tell documents apart
        assert ours == theirs, expression  # exactly equal floats, row by row


def test_a_search_ranks_and_scores_alike_with_either_function(ranked, monkeypatch):
    officer = frozenset({PUBLIC, "agency:1"})
    # words, and words whose neighbours make phrases (地理标志保护, 侵权商品 and 商品查扣), which only score
    queries = ["商标侵权", "商标 地理标志", "质押融资 专利", "地标 品牌", "地理标志保护", "侵权商品查扣"]

    def run() -> list:
        # Ten to a page (few match every word: the relaxed pass), and two to a page over three pages
        # (enough match every word: strict).
        pages = ({}, {"per_page": 2, "page": 1}, {"per_page": 2, "page": 2}, {"per_page": 2, "page": 3})
        return [
            [(h.key, h.score) for h in ranked.search(SearchQuery(text=text, access=officer, **page)).hits]
            for text in queries
            for page in pages
        ]

    def both() -> tuple[list, list]:
        with CaptureQueriesContext(connection) as statements:
            ours = run()
        assert any("ipp_bm25(" in s["sql"] for s in statements.captured_queries)
        # In a strict search, whether a row holds the query's phrases is asked of the row, not of a
        # subquery walking their documents (the relaxed pass keeps those).
        holding = [s["sql"] for s in statements.captured_queries if "ipp_holds(" in s["sql"]]
        assert holding
        assert not any("IN (SELECT rowid FROM search_fts" in sql for sql in holding)
        assert not any(" bm25(" in s["sql"] or "-bm25(" in s["sql"] for s in statements.captured_queries)
        connection.ipp_bm25 = False  # as on a connection without the function
        try:
            with CaptureQueriesContext(connection) as statements:
                theirs = run()
        finally:
            connection.ipp_bm25 = None  # asked again
        assert not any("ipp_bm25(" in s["sql"] for s in statements.captured_queries)
        return ours, theirs

    ours, theirs = both()
    assert sum(map(bool, ours)) > len(ours) // 2
    assert ours == theirs
    # The window (more matches than are ranked exactly), its phrase bonus and the relaxed pass too.
    monkeypatch.setattr(database, "EXACT_UP_TO", 2)
    monkeypatch.setattr(database, "TITLE_WINDOW", 2)
    monkeypatch.setattr(database, "RECENT_WINDOW", 3)
    ours, theirs = both()
    assert sum(map(bool, ours)) > len(ours) // 2
    assert ours == theirs


def test_a_wrong_number_of_idfs_or_a_phrase_out_of_range_is_an_error_not_a_score(ranked):
    with pytest.raises(OperationalError, match="expected 4 column weights and 2 phrase IDFs"):
        _scores("ipp_bm25(search_fts, 1.0, 1.0, 1.0, 1.0, 2.0)", [], '"商标" AND "侵权"')
    with pytest.raises(OperationalError, match="2 phrases from phrase 1 asked of 2"):
        _scores("ipp_holds(search_fts, 1, 2)", [], '"商标" AND "侵权"')


def test_arguments_that_are_not_numbers_or_change_within_a_statement_are_errors(ranked):
    expression = '"商标" AND "侵权"'
    for arguments in ("1.0, 1.0, 1.0, NULL, 2.0, 2.0", "1.0, 1.0, 1.0, 1.0, '2', 'x'"):
        with pytest.raises(OperationalError, match="is not a number"):
            _scores(f"ipp_bm25(search_fts, {arguments})", [], expression)
    first, second = "1.0, 1.0, 1.0, 1.0, 2.0, 2.0", "5.0, 1.0, 1.0, 1.0, 2.0, 2.0"
    with pytest.raises(OperationalError, match="different arguments in one statement"):
        _scores(f"ipp_bm25(search_fts, {first}) + ipp_bm25(search_fts, {second})", [], expression)
    for arguments in ("NULL, 1", "0.9, 1", "4294967296, 1", "0, 4294967297", "-1, 1"):
        with pytest.raises(OperationalError, match="ipp_holds"):
            _scores(f"ipp_holds(search_fts, {arguments})", [], expression)


def test_a_library_of_another_build_is_left_unused(ranked, monkeypatch, caplog):
    monkeypatch.setattr(native, "VERSION", native.VERSION + 1)
    connection.ipp_bm25 = None  # asked again
    try:
        assert native.available(connection) is False
        assert database._bm25('"商标"')[0].startswith("-bm25(")
    finally:
        monkeypatch.undo()
        connection.ipp_bm25 = None
    assert "rebuild it" in caplog.text
    assert native.available(connection) is True


def test_ipp_holds_says_which_rows_hold_a_phrase(ranked):
    expression = '("商标") AND ("商标" OR "地理标志" OR "专利")'
    held = _scores("ipp_holds(search_fts, 2, 1) * 10 + ipp_holds(search_fts, 3, 1)", [], expression)
    for phrase, digit in (('"地理标志"', 10), ('"专利"', 1)):
        with connection.cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [f"商标 AND {phrase}"])
            holding = {row[0] for row in cursor.fetchall()}
        assert holding  # some rows hold it, not all
        assert holding != {rowid for rowid, _ in held}
        assert {rowid for rowid, value in held if value // digit % 10} == holding, phrase


def test_column_filters_and_prefixes_keep_bm25(ranked):
    for expression in ('{title} : ("商标")', '"商标" *', '"商标" NEAR("侵权")'):
        sql, params = database._bm25(expression)
        assert sql.startswith("-bm25("), expression
        assert params == [], expression
