# ruff: noqa: S608 — statements are assembled from fixed fragments and "%s" placeholders only; every
# value (terms, access keys, facet values) is passed as a parameter.
"""The embedded search backend: SQLite FTS5 or PostgreSQL full text over pre-analysed terms.

Documents and queries go through ``search.analysis`` first; this module only stores terms and ranks.

- **Storage**: :class:`~search.models.IndexEntry` rows (what a hit shows), their access keys and facet
  values as rows of their own, and the terms — an FTS5 table ``search_fts`` (columns title, body, extra
  pinyin, identifiers) on SQLite, with a second, contentless one ``search_fts_titles`` of the same title,
  pinyin and identifier terms (see :data:`TITLE_WINDOW`), a weighted ``tsvector`` (A title, B body, C
  pinyin, D identifiers) with a GIN index on PostgreSQL.
- **Matching**: a document must hold every concept of the query (any alternative of each group). When that
  leaves fewer than a page of results, documents holding only some concepts follow, ranked lower — so a
  question phrased in many words still finds what answers it.
- **Ranking** (:data:`RANKING`): in that second pass, documents holding more of the query's telling
  concepts first, then those holding its rarer words; then documents holding every phrase of the query
  (its neighbouring words side by side, indexed as one term by the pipeline); then BM25 — ``bm25()`` on
  SQLite with column weights (title and identifiers count most), the same BM25 computed in SQL on
  PostgreSQL — in which the phrase terms count too (in an SQLite window, as their IDF added for each
  candidate holding them); then recency.
- **Safety**: the full-text expression is built from analysed terms only (letters and digits), each
  quoted, and passed as a parameter; access keys are kept to inside every statement that finds matches —
  on SQLite the statements that count them leave out what the asker may not see within the full-text
  expression (:data:`ACCESS_MARK`), every other statement (and PostgreSQL's) has an ``EXISTS`` clause on
  the access rows, as facet filters do — and facets are counted over the ids those statements returned,
  so totals and facet counts never include what the caller may not see.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Iterable
from dataclasses import replace
from itertools import islice

from django.db import connection, transaction

from search import analysis, native
from search.base import (
    COUNT_LIMIT,
    PUBLIC,
    AnalysedQuery,
    Hit,
    IndexDocument,
    SearchBackend,
    SearchQuery,
    SearchResults,
)
from search.models import IndexAccess, IndexEntry, IndexFacet

#: How much of a document's text is kept for its snippet (the terms hold all of it): enough for the longest
#: policy document, so that a word far into one is shown where it stands rather than the opening.
BODY_CHARS = 100_000
MERGE_PAGES = 2_000  # full-text index pages merged per transaction by ``optimize``
BATCH = 500
TITLE_WEIGHT, BODY_WEIGHT, EXTRA_WEIGHT, IDENT_WEIGHT = 6.0, 1.0, 3.0, 20.0
BOOST_WEIGHT = 0.5  # how much a phrase term counts in BM25 beside the words (PostgreSQL)
#: SQLite ranks and facets every match exactly up to this many matches. Beyond, the work is bounded: the
#: results are the :data:`TITLE_WINDOW` most recently indexed matches in titles, names or identifiers,
#: then the :data:`RECENT_WINDOW` most recently indexed matches — each tier in the order of
#: :data:`RANKING` — and facets are counted over those candidates (marked approximate). BM25 over all
#: 267,000 matches of 地理标志 takes 200 ms at a million documents; over the window, a few.
#: The title matches come from ``search_fts_titles``, whose document lists hold only titles, names and
#: identifiers: finding them in the whole index's lists with a column filter stepped through every match of
#: the query (28 ms for 成渝地区知识产权保护合作 at a million documents; 0.1 ms in the titles' own index).
#: At most ``COUNT_LIMIT``: the count's ``COUNT_LIMIT + 1`` ids tell the two paths apart.
EXACT_UP_TO = 2_000
TITLE_WINDOW = 500
RECENT_WINDOW = 1_000
#: When documents holding every concept are too few, documents holding more of the query's concepts come
#: first. A concept held by more than about a third of the documents (BM25 IDF below this) tells little about
#: what answers the question (知识产权, 服务 in 哪些机构提供知识产权仲裁服务) and is not counted.
TELLING_IDF = 1.0
#: A group whose BM25 IDF is below this (in more than 47.5 % of all documents) weighs next to nothing in a
#: score; see :meth:`_SQLite.common_groups`.
COMMON_IDF = 0.1
#: How results are ordered (columns of the page query): documents holding more of the query's telling
#: concepts, then rarer ones (only when some hold not all, see :func:`_coordination`); then documents holding
#: every phrase of the query (开放许可 side by side, not 开放 here and 许可 there); then BM25.
RANKING = "held DESC, coordination DESC, phrases DESC, score DESC"
#: How a window's candidates are ordered: :data:`RANKING` with the title tier first among documents holding
#: as many of the telling concepts, then the newest, then the id (as the exact path orders).
WINDOW_RANKING = "held DESC, coordination DESC, tier DESC, phrases DESC, score DESC, day DESC, e.id"
#: How long this process trusts a document count it read (SQLite): counting a word's documents reads its
#: whole document list (88 ms for 知识产权, in 95 % of a million documents). This process's own writes
#: forget every count at once; another process's are seen after this long. The counts only weigh and
#: order (IDF); they are never shown.
FREQUENCY_SECONDS = 300
_frequencies: dict[tuple[str, str], tuple[float, int]] = {}
#: FTS5 walks document lists oldest first about a third faster than newest first (a count of
#: 成渝地区知识产权保护合作's 7,000 matches at a million documents: 25 against 31 ms). When the remembered
#: document counts of one of a query's words say it matches at most this many documents, the matches are
#: read oldest first — all of them — and turned round; otherwise newest first, stopping after
#: ``COUNT_LIMIT + 1``. Half as many again as that: reading 3,034 matches oldest first cost what reading
#: the newest 2,001 did (16.3 against 16.5 ms for 知识产权质押融资风险补偿 at a million documents; at
#: 12,000 against 10,001 it was the same, and at 18,000 half as dear again).
OLDEST_FIRST_UP_TO = 3_000


def _forget_frequencies() -> None:
    _frequencies.clear()


def _forget_frequencies_now_and_on_commit() -> None:
    """Before a write, and again once it commits: a search in another thread between the two must not
    keep counts read before the write for :data:`FREQUENCY_SECONDS`."""
    _forget_frequencies()
    transaction.on_commit(_forget_frequencies)


def _frequency_key(expression: str) -> tuple[str, str]:
    return (str(connection.settings_dict["NAME"]), expression)


def _remembered_frequency(expression: str) -> int | None:
    """The document count of ``expression`` if this process read it in the last :data:`FREQUENCY_SECONDS`."""
    known = _frequencies.get(_frequency_key(expression))
    if known is not None and time.monotonic() - known[0] < FREQUENCY_SECONDS:
        return known[1]
    return None


def _document_frequency(cursor, expression: str) -> int:
    """How many documents match the FTS5 ``expression`` (all documents for ``""``), remembered for
    :data:`FREQUENCY_SECONDS`."""
    known = _remembered_frequency(expression)
    if known is not None:
        return known
    if expression:
        cursor.execute("SELECT COUNT(*) FROM search_fts WHERE search_fts MATCH %s", [expression])
    else:
        # One FTS row per entry; counting the FTS5 table itself reads every row's content (0.9 s at 500k
        # documents), the entry table's b-tree a few milliseconds.
        cursor.execute("SELECT COUNT(*) FROM search_indexentry")
    count = int(cursor.fetchone()[0])
    if len(_frequencies) > 10_000:
        _frequencies.clear()
    _frequencies[_frequency_key(expression)] = (time.monotonic(), count)
    return count


def _delete_terms(cursor, ids: list[int]) -> None:
    """Take documents out of both full-text tables (SQLite). ``search_fts_titles`` keeps no copy of its
    text, so FTS5 is handed back what it indexed — read from ``search_fts`` — to remove it."""
    for chunk in _batches(ids):
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"SELECT rowid, title, extra, ident FROM search_fts WHERE rowid IN ({marks})", chunk)
        indexed = cursor.fetchall()
        cursor.executemany(
            "INSERT INTO search_fts_titles (search_fts_titles, rowid, title, extra, ident) "
            "VALUES ('delete', %s, %s, %s, %s)",
            indexed,
        )
        cursor.executemany("DELETE FROM search_fts WHERE rowid = %s", [(pk,) for pk, *_ in indexed])


def _batches(iterable: Iterable, size: int = BATCH):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


#: Access terms (SQLite): a document the public may not see carries ``ACCESS_MARK + "restricted"`` and one
#: ``ACCESS_MARK`` + key term per access key in its identifier column, so that the statements finding
#: matches leave out what the asker may not see inside the full-text expression — ``… NOT (restricted NOT
#: (their keys))`` — instead of probing each match's access rows (about 1 µs a match: as long as the
#: full-text walk itself for the broadest queries). FTS5's ``unicode61`` tokenizer keeps this private-use
#: character inside a token; the analysis pipeline never emits one (terms are letters and digits, and the
#: character is also taken out of every term written or asked), so no text can forge or match an access
#: term. The access rows stay the record: every statement that returns results to show, and the exact
#: path's totals and facets, still check them.
ACCESS_MARK = "\ue000"
RESTRICTED = ACCESS_MARK + "restricted"


def access_terms(access: Iterable[str]) -> list[str]:
    """The access terms of a document with these access keys: none for a public one."""
    keys = list(dict.fromkeys(access))
    if PUBLIC in keys:
        return []
    return [RESTRICTED, *(ACCESS_MARK + "".join(ch for ch in key if ch.isalnum()) for key in keys)]


def _unmarked(term: str) -> str:
    return term.replace(ACCESS_MARK, "")


def _access_phrase(term: str) -> str:
    """An access term quoted for FTS5 (letters, digits and the mark: nothing to escape)."""
    return f'"{term}"'


def _hidden(access: frozenset[str]) -> str:
    """What an asker with these access keys may not see, as a full-text expression over the access terms:
    documents not public and not given to any of their keys. Empty when the asker is not one of the public
    (no key ``public``): their statements check the access rows."""
    if PUBLIC not in access:
        return ""
    theirs = access_terms(sorted(access - {PUBLIC}))[1:]
    restricted = _access_phrase(RESTRICTED)
    if not theirs:
        return restricted
    return f"({restricted} NOT ({' OR '.join(_access_phrase(term) for term in theirs)}))"


def _fts_phrase(term: str) -> str:
    return '"' + _unmarked(term).replace('"', '""') + '"'


def _fts_any(alternatives: tuple[str, ...]) -> str:
    """An FTS5 expression matching any of the alternatives."""
    return " OR ".join(_fts_phrase(t) for t in alternatives)


def _ts_any(alternatives: tuple[str, ...]) -> str:
    """A tsquery matching any of the alternatives."""
    return " | ".join(_ts_lexeme(t) for t in alternatives)


def _ts_lexeme(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def _bm25_idf(total: int, df: int) -> float:
    """The inverse document frequency FTS5's ``bm25()`` uses, 10⁻⁶ where it would not be positive (a word
    in half the documents or more), as FTS5 clamps it."""
    idf = math.log((total - df + 0.5) / (df + 0.5)) if total > df else 0.0
    return max(idf, 1e-6)


def _idf(total: int, df: int) -> float:
    """BM25's inverse document frequency, rounded so that near-equal concepts tie and BM25 decides."""
    return round(math.log(1 + (total - df + 0.5) / (df + 0.5)), 1)


def _idf_of(cursor, expression: str, formula=_idf) -> float:
    """``formula`` (:func:`_idf` or :func:`_bm25_idf`) of the index's size and the FTS5 ``expression``'s
    document count, both remembered (:func:`_document_frequency`)."""
    return formula(_document_frequency(cursor, ""), _document_frequency(cursor, expression))


#: A quoted FTS5 phrase; what :func:`_bm25` finds outside them decides whether it may name each one's IDF.
_QUOTED = re.compile(r'"(?:[^"]|"")*"')


#: The column weights as ``bm25()`` and ``ipp_bm25()`` take them (title, body, extra, ident).
_FTS_WEIGHTS = f"{TITLE_WEIGHT}, {BODY_WEIGHT}, {EXTRA_WEIGHT}, {IDENT_WEIGHT}"


def _ipp_bm25(phrases: int) -> str:
    """SQL calling ``ipp_bm25()`` with the column weights and a parameter for each phrase's IDF."""
    return f"-ipp_bm25(search_fts, {_FTS_WEIGHTS}, {', '.join(['%s'] * phrases)})"


def _bm25(expression: str) -> tuple[str, list]:
    """SQL scoring the rows of a statement that matches the FTS5 ``expression`` by BM25 with the column
    weights, and its parameters: ``ipp_bm25()`` (:mod:`search.native`) given each phrase's IDF from the
    remembered document counts where this connection has it, else FTS5's ``bm25()``, which counts them
    itself in every statement. FTS5 numbers an expression's phrases in the order they are written; an
    expression with more than quoted phrases, ``AND``, ``OR``, ``NOT`` and brackets (a column filter, a
    prefix) keeps ``bm25()``, whose counts would differ from the plain phrase's."""
    operators = _QUOTED.sub(" ", expression).replace("(", " ").replace(")", " ").split()
    phrases = _QUOTED.findall(expression)
    if not native.available(connection) or not phrases or set(operators) - {"AND", "OR", "NOT"}:
        return f"-bm25(search_fts, {_FTS_WEIGHTS})", []
    with connection.cursor() as cursor:
        idf = [_idf_of(cursor, phrase, _bm25_idf) for phrase in phrases]
    return _ipp_bm25(len(idf)), idf


def _coordination(
    holds: str,
    concepts: list[str],
    concept_idf: list[float],
    groups: list[str],
    group_idf: list[float],
    *,
    asked: int = 1,
) -> tuple[str, str, list]:
    """SQL for how many of the query's concepts a document holds, and the summed rarity of the groups it
    holds, with their parameters.

    ``holds`` is a fragment worth 1 when the document holds a full-text expression, which it asks for in
    ``asked`` ``%s`` placeholders.
    Only telling concepts are counted (:data:`TELLING_IDF`). Among documents holding as many, each group
    adds its IDF: the rare concept of a question counts for more than its common words, and a document
    holding more of a long compound's parts ranks higher.
    """
    telling = [concept for concept, idf in zip(concepts, concept_idf, strict=True) if idf >= TELLING_IDF]
    held = " + ".join([holds] * len(telling)) or "0"
    coordination = " + ".join([f"%s * {holds}"] * len(groups)) or "0"
    params = [
        *(concept for concept in telling for _ in range(asked)),
        *(value for idf, group in zip(group_idf, groups, strict=True) for value in (idf, *[group] * asked)),
    ]
    return held, coordination, params


class DatabaseBackend(SearchBackend):
    """SQLite FTS5 / PostgreSQL full text, chosen by the database Django is connected to."""

    name = "database"

    def __init__(self, using: str = "default"):
        self.using = using

    # --- writing -----------------------------------------------------------------------------------

    @property
    def vendor(self) -> str:
        return connection.vendor

    def index(self, documents: Iterable[IndexDocument]) -> int:
        _forget_frequencies_now_and_on_commit()
        written = 0
        for chunk in _batches(documents):
            analysed = [analysis.analyse_document(d) for d in chunk]
            with transaction.atomic():
                self.delete([a.document.key for a in analysed])
                entries = IndexEntry.objects.bulk_create(
                    [
                        IndexEntry(
                            key=a.document.key,
                            kind=a.document.kind,
                            title=a.document.title[:300],
                            body=a.document.body[:BODY_CHARS],
                            url=a.document.url[:500],
                            date=a.document.date,
                            title_en=a.document.title_en[:300],
                            body_en=a.document.body_en[:BODY_CHARS],
                        )
                        for a in analysed
                    ]
                )
                access, facets = [], []
                for entry, a in zip(entries, analysed, strict=True):
                    access.extend(IndexAccess(entry=entry, key=k) for k in dict.fromkeys(a.document.access))
                    values = {"kind": (a.document.kind,), **a.document.facets}
                    for name, vals in values.items():
                        facets.extend(
                            IndexFacet(entry=entry, name=name, value=str(v)[:120])
                            for v in dict.fromkeys(vals)
                            if v not in (None, "")
                        )
                IndexAccess.objects.bulk_create(access)
                IndexFacet.objects.bulk_create(facets)
                self._write_terms(list(zip(entries, analysed, strict=True)))
            written += len(chunk)
        return written

    def _write_terms(self, pairs) -> None:
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                rows = []
                for entry, a in pairs:
                    idents = [t for t in a.extra_terms if analysis.is_identifier_term(t)]
                    extra = [t for t in a.extra_terms if not analysis.is_identifier_term(t)]
                    columns = (a.title_terms, a.body_terms, extra, idents)
                    terms = [[_unmarked(t) for t in column] for column in columns]
                    terms[3].extend(access_terms(a.document.access))
                    rows.append((entry.pk, *(" ".join(column) for column in terms)))
                _delete_terms(cursor, [r[0] for r in rows])
                cursor.executemany(
                    "INSERT INTO search_fts (rowid, title, body, extra, ident) VALUES (%s, %s, %s, %s, %s)",
                    rows,
                )
                cursor.executemany(
                    "INSERT INTO search_fts_titles (rowid, title, extra, ident) VALUES (%s, %s, %s, %s)",
                    [(pk, title, extra, ident) for pk, title, _body, extra, ident in rows],
                )
            elif self.vendor == "postgresql":
                rows = [(self._tsvector(a), entry.pk) for entry, a in pairs]
                cursor.executemany("UPDATE search_indexentry SET vector = %s::tsvector WHERE id = %s", rows)

    @staticmethod
    def _tsvector(a) -> str:
        positions: dict[str, list[str]] = {}
        pos = 0
        columns = (
            ("A", a.title_terms),
            ("B", a.body_terms),
            ("C", [t for t in a.extra_terms if not analysis.is_identifier_term(t)]),
            ("D", [t for t in a.extra_terms if analysis.is_identifier_term(t)]),
        )
        for weight, terms in columns:
            for term in terms:
                pos = min(pos + 1, 16383)
                slots = positions.setdefault(term, [])
                if len(slots) < 255:
                    slots.append(f"{pos}{weight}")
        return " ".join(f"{_ts_lexeme(t)}:{','.join(p)}" for t, p in positions.items())

    def delete(self, keys: Iterable[str]) -> None:
        _forget_frequencies_now_and_on_commit()
        keys = list(keys)
        for chunk in _batches(keys):
            ids = list(IndexEntry.objects.filter(key__in=chunk).values_list("pk", flat=True))
            if not ids:
                continue
            IndexAccess.objects.filter(entry_id__in=ids).delete()
            IndexFacet.objects.filter(entry_id__in=ids).delete()
            if self.vendor == "sqlite":
                with connection.cursor() as cursor:
                    _delete_terms(cursor, ids)
            IndexEntry.objects.filter(pk__in=ids)._raw_delete(IndexEntry.objects.db)

    def clear(self) -> None:
        _forget_frequencies_now_and_on_commit()
        IndexAccess.objects.all()._raw_delete(IndexAccess.objects.db)
        IndexFacet.objects.all()._raw_delete(IndexFacet.objects.db)
        IndexEntry.objects.all()._raw_delete(IndexEntry.objects.db)
        if self.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM search_fts")
                cursor.execute("INSERT INTO search_fts_titles (search_fts_titles) VALUES ('delete-all')")

    def optimize(self) -> None:
        """After a bulk load: SQLite merges each full-text index into one segment (a rebuild leaves a dozen
        or more, each consulted for every word of every query; about 40 s of work at a million documents),
        PostgreSQL refreshes the planner's statistics of the index table.

        SQLite merges in steps of :data:`MERGE_PAGES` pages, each its own transaction outside an atomic
        block, so the site's other writes (an audit record on every lead read) wait for one step at most,
        never for the whole merge — FTS5's one-statement ``optimize`` would hold the write lock
        throughout. A negative ``merge`` merges all segments as ``optimize`` does; a step that changes
        (almost) nothing means it is done."""
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                for table in ("search_fts", "search_fts_titles"):
                    while True:
                        before = connection.connection.total_changes
                        cursor.execute(
                            f"INSERT INTO {table} ({table}, rank) VALUES ('merge', %s)", [-MERGE_PAGES]
                        )
                        if connection.connection.total_changes - before < 2:
                            break
            elif self.vendor == "postgresql":
                cursor.execute("ANALYZE search_indexentry")

    # --- reading -----------------------------------------------------------------------------------

    def _filters_sql(
        self, query: SearchQuery, entry: str = "e.id", *, access: bool = True
    ) -> tuple[str, list]:
        """``AND …`` clauses on the entry id ``entry`` for access keys (unless ``access`` is false: the
        full-text expression keeps to them, see :data:`ACCESS_MARK`) and facet filters."""
        sql, params = ["1"], []
        if access:
            keys = sorted(query.access) or ["-"]
            # SQLite: one seek on the entry's few keys rather than one probe per key asked (``+`` keeps the
            # planner from probing (entry, key) for each): 20.6 → 13.2 ms over 10,000 matches with three
            # keys.
            key = "+a.key" if self.vendor == "sqlite" else "a.key"
            sql = [
                f"EXISTS (SELECT 1 FROM search_indexaccess a WHERE a.entry_id = {entry} "
                f"AND {key} IN ({', '.join(['%s'] * len(keys))}))"
            ]
            params = list(keys)
        for name, values in sorted(query.filters.items()):
            values = [str(v) for v in values if str(v)]
            if not values:
                continue
            sql.append(
                f"EXISTS (SELECT 1 FROM search_indexfacet f WHERE f.entry_id = {entry} AND f.name = %s "
                f"AND f.value IN ({', '.join(['%s'] * len(values))}))"
            )
            params.extend([name, *values])
        return " AND ".join(sql), params

    def search(self, query: SearchQuery) -> SearchResults:
        analysed = analysis.analyse_query(query.text)
        if not analysed.groups:
            return SearchResults(total=0, hits=[], facets={}, suggestion=None)
        page = max(1, int(query.page))
        per_page = max(1, min(int(query.per_page), 100))
        engine_class = _SQLite if self.vendor == "sqlite" else _Postgres
        if analysed.initials:
            # Initials the dictionary cannot read (zlbh): what they stand for is read from the first
            # documents holding them that the asker may see (专利保护), and searched for.
            probe = engine_class(self, analysed, query)
            rows = probe.page(strict=True, offset=0, limit=analysis.READING_HITS)
            entries = IndexEntry.objects.in_bulk([r[0] for r in rows])
            analysed = analysis.read_initials(analysed, [f"{e.title} {e.body}" for e in entries.values()])
        engine = engine_class(self, analysed, query)
        total = engine.count(strict=True)
        strict = True
        if analysed.relax(total, per_page):
            strict = False
            total = engine.count(strict=False)
        rows = engine.page(strict=strict, offset=(page - 1) * per_page, limit=per_page) if total else []
        facets = engine.facets(strict=strict) if (query.facets and total) else {}
        total_exact = total <= COUNT_LIMIT
        total = min(total, COUNT_LIMIT)
        entries = IndexEntry.objects.in_bulk([r[0] for r in rows])
        hits = []
        for pk, score in rows:
            entry = entries.get(pk)
            if entry is None:
                continue
            title, text = entry.title, entry.body or entry.title
            if query.english and (entry.title_en or entry.body_en):
                title, text = entry.title_en or title, entry.body_en or text
            hits.append(
                Hit(
                    key=entry.key,
                    kind=entry.kind,
                    title=title,
                    url=entry.url,
                    snippet=analysis.snippet(text, analysed.highlight) if query.highlight else "",
                    score=float(score),
                    date=entry.date,
                )
            )
        suggestion = analysis.refine_suggestion(analysed, [f"{e.title} {e.body}" for e in entries.values()])
        return SearchResults(
            total=total,
            hits=hits,
            facets=facets,
            suggestion=suggestion,
            total_exact=total_exact,
            facets_exact=engine.window is None,
        )

    def autocomplete(
        self, prefix: str, access: frozenset[str], limit: int = 8, *, english: bool = False
    ) -> list[str]:
        folded = analysis.fold(prefix)[: analysis.MAX_QUERY_CHARS].strip()
        terms = analysis.segment(folded, search_mode=False)
        if not terms:
            return []
        head, last = terms[:-1], terms[-1]
        query = SearchQuery(text=prefix, access=access)
        filters_sql, filter_params = self._filters_sql(query)
        limit = max(1, min(limit, 20))
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                expression = " AND ".join([*(_fts_phrase(t) for t in head), _fts_phrase(last) + " *"])
                expression = "{title extra} : (" + expression + ")"
                cursor.execute(
                    "SELECT e.title, e.title_en FROM search_fts "
                    "JOIN search_indexentry e ON e.id = search_fts.rowid "
                    f"WHERE search_fts MATCH %s AND {filters_sql} "
                    "ORDER BY bm25(search_fts, 10.0, 1.0, 5.0, 1.0), e.date DESC LIMIT %s",
                    [expression, *filter_params, limit * 3],
                )
            else:
                expression = " & ".join([*(f"{_ts_lexeme(t)}:AC" for t in head), f"{_ts_lexeme(last)}:*AC"])
                cursor.execute(
                    "SELECT e.title, e.title_en FROM search_indexentry e WHERE e.vector @@ %s::tsquery "
                    f"AND {filters_sql} ORDER BY ts_rank(e.vector, %s::tsquery) DESC, e.date DESC NULLS LAST "
                    "LIMIT %s",
                    [expression, *filter_params, expression, limit * 3],
                )
            titles = [(title_en if english and title_en else title) for title, title_en in cursor.fetchall()]
        return list(dict.fromkeys(titles))[:limit]


class _Engine:
    #: ``(title_ids, recent_cut)`` when the matches are too many to rank exactly (SQLite): the candidates
    #: are the newest title matches and all matches from rowid ``recent_cut`` on.
    window: tuple[list[int], int] | None = None

    def __init__(self, backend: DatabaseBackend, analysed: AnalysedQuery, query: SearchQuery):
        self.backend = backend
        self.analysed = analysed
        self.query = query
        self.filters_sql, self.filter_params = backend._filters_sql(query)

    def _facets_from(
        self, matching_sql: str, params: list, *, from_matches: bool = False
    ) -> dict[str, list[tuple[str, int]]]:
        names = list(dict.fromkeys(self.query.facets))
        placeholders = ", ".join(["%s"] * len(names))
        if from_matches:
            # Start from the matching entries and look up their facet rows, instead of reading every facet
            # row of these names and testing it against the matches (SQLite's own choice, which costs
            # ~2 s at a million documents even when one document matches) — all of an entry's few facet
            # rows in one seek (``+`` keeps SQLite from seeking once per name: 4.9 → 3.6 ms over 1,500
            # entries and four names).
            sql = (
                f"SELECT f.name, f.value, COUNT(*) FROM ({matching_sql}) m CROSS JOIN search_indexfacet f "
                f"ON f.entry_id = m.id WHERE +f.name IN ({placeholders}) GROUP BY f.name, f.value"
            )
            sql_params = [*params, *names]
        else:
            sql = (
                "SELECT f.name, f.value, COUNT(*) FROM search_indexfacet f "
                f"WHERE f.name IN ({placeholders}) AND f.entry_id IN ({matching_sql}) "
                "GROUP BY f.name, f.value"
            )
            sql_params = [*names, *params]
        with connection.cursor() as cursor:
            cursor.execute(sql, sql_params)
            counted: dict[str, list[tuple[str, int]]] = {name: [] for name in names}
            for name, value, count in cursor.fetchall():
                counted[name].append((value, int(count)))
        for name in counted:
            counted[name].sort(key=lambda item: (-item[1], item[0]))
        return counted


class _SQLite(_Engine):
    #: Groups the window's statements leave out (:meth:`common_groups`); set when the matches are counted.
    common: frozenset[str] = frozenset()
    window_match: str = ""

    def __init__(self, *args):
        super().__init__(*args)
        self.groups = [_fts_any(group) for group in self.analysed.groups]
        self.phrases = [_fts_any(phrase) for phrase in self.analysed.phrases]
        self.scored = [*self.phrases, *(_fts_any(near) for near in self.analysed.proximity)]
        self.concepts = [
            " AND ".join(f"({_fts_any(group)})" for group in concept)
            if len(concept) > 1
            else _fts_any(concept[0])
            for concept in self.analysed.concept_groups()
        ]
        self.hidden = _hidden(self.query.access)

    def expression(
        self, strict: bool, *, leaving_out: frozenset[str] = frozenset(), scoring: bool = True
    ) -> str:
        """The full-text expression: every group (``strict``) or any; ``leaving_out`` names groups left out
        of a strict one (see :meth:`common_groups`). A strict one names the query's phrases only for
        ``scoring``: they change no match, and reading their documents costs (6 ms of a count's 28)."""
        kept = [group for group in self.groups if group not in leaving_out] or self.groups
        groups = [f"({group})" for group in kept]
        scored = [f"({phrase})" for phrase in self.scored]
        if strict:
            required = " AND ".join(groups)
            if scored and scoring:
                # Scored but not required: bm25() sums over every phrase of the expression.
                return f"{required} AND ({kept[0]} OR {' OR '.join(scored)})"
            return required
        return " OR ".join([*groups, *scored])

    def common_groups(self) -> frozenset[str]:
        """The groups each of whose words is in about half of all documents or more (:data:`COMMON_IDF`),
        unless every group is.

        BM25 gives such a word (next to) no weight — FTS5 clamps the IDF of one in more than half the
        documents to 10⁻⁶ — yet ``bm25()`` reads its whole document list (知识产权, in 95 % of a million
        documents: 88 ms; 保护, in 49.8 %: 35 ms) in every statement naming it. Once the matches are counted
        with every group, the window's ranking statement leaves these out and keeps to the matches
        counted: the same candidates, in the order of scores that differ by the word's near-zero share
        (every candidate holds it). The title window keeps every word: its tier means the title holds
        the query.
        """
        with connection.cursor() as cursor:
            # Every alternative of the group, not the group: bm25() weighs each alone, and a rare
            # alternative (饱和 beside 保护 for baohu) keeps its weight.
            common = frozenset(
                expression
                for expression, alternatives in zip(self.groups, self.analysed.groups, strict=True)
                if all(_idf_of(cursor, _fts_phrase(term), _bm25_idf) < COMMON_IDF for term in alternatives)
            )
        return common if len(common) < len(set(self.groups)) else frozenset()

    def _matching(
        self, strict: bool, expression: str | None = None, *, table: str = "search_fts"
    ) -> tuple[str, list]:
        """The visible matches' ids — from the full-text table alone: joining the entries to filter on
        rowids doubled the cost of counting (27.7 → 12.0 ms over 10,000 matches)."""
        expression = expression or self.expression(strict, scoring=False)
        if self.hidden:
            expression = f"({expression}) NOT {self.hidden}"
        filters_sql, filter_params = self.backend._filters_sql(
            self.query, entry=f"{table}.rowid", access=not self.hidden
        )
        return (
            f"SELECT {table}.rowid AS id FROM {table} WHERE {table} MATCH %s AND {filters_sql}",
            [expression, *filter_params],
        )

    def count(self, strict: bool) -> int:
        """How many match, up to one more than :data:`COUNT_LIMIT`; their ids, newest first, are kept for
        the window and the facets (reading them costs about what counting them does)."""
        sql, params = self._matching(strict)
        bound = self._known_bound() if strict else None
        with connection.cursor() as cursor:
            ids = None
            if bound is not None and bound <= OLDEST_FIRST_UP_TO:
                cursor.execute(f"{sql} ORDER BY search_fts.rowid LIMIT %s", [*params, OLDEST_FIRST_UP_TO + 1])
                ids = [row[0] for row in cursor.fetchall()]
                # More than the bound (a count remembered from before another process's writes): newest first.
                ids = ids[::-1][: COUNT_LIMIT + 1] if len(ids) <= OLDEST_FIRST_UP_TO else None
            if ids is None:
                cursor.execute(f"{sql} ORDER BY search_fts.rowid DESC LIMIT %s", [*params, COUNT_LIMIT + 1])
                ids = [row[0] for row in cursor.fetchall()]
            self.ids = ids
        if len(self.ids) <= EXACT_UP_TO:
            # Exact totals and facets are read from these ids: checked against the access rows too.
            self.ids = self._checked(self.ids)
        self.matched = len(self.ids)
        self.common = self.common_groups() if strict and self.matched > EXACT_UP_TO else frozenset()
        self.window = self._window(strict) if self.matched > EXACT_UP_TO else None
        self._ranked = None
        return self.matched

    def _known_bound(self) -> int | None:
        """The fewest documents a word of the query is in, from the document counts this process
        remembers (:func:`_remembered_frequency`; a group's alternatives added up) — at least as many as
        match the whole query; ``None`` when no group's counts are all remembered."""
        bounds = []
        for alternatives in self.analysed.groups:
            counts = [_remembered_frequency(_fts_phrase(term)) for term in alternatives]
            if None not in counts:
                bounds.append(sum(counts))
        return min(bounds, default=None)

    def _among_counted(self) -> tuple[str, list]:
        """``AND …`` keeping a statement to the matches counted, when its expression leaves out common
        groups (and so matches more); nothing otherwise. The ``+`` keeps SQLite from asking FTS5 for each
        rowid of the list one by one."""
        if not self.common:
            return "", []
        return " AND +search_fts.rowid IN (SELECT value FROM json_each(%s))", [json.dumps(self.ids)]

    def window_expression(self, strict: bool) -> str:
        """What a window's candidates hold: the query (every concept), or in a relaxed search any of its
        telling concepts — a document holding only words found almost everywhere (知识产权, 服务) ranks
        last anyway (:data:`TELLING_IDF`), and must not fill the window in place of one holding the rare
        word the question is about."""
        if strict:
            # The words only: the phrases add to the score as a bonus (_scoring) without bm25() reading
            # their documents.
            return self.expression(strict, leaving_out=self.common, scoring=False)
        concept_idf, _group_idf = self._weights(strict)
        telling = [c for c, idf in zip(self.concepts, concept_idf, strict=True) if idf >= TELLING_IDF]
        return " OR ".join(f"({concept})" for concept in telling) if telling else self.expression(strict)

    def _window(self, strict: bool) -> tuple[list[int], int]:
        """The newest title matches, and the rowid from which all matches are candidates (see
        :data:`EXACT_UP_TO`): FTS5 walks a term's documents in rowid order, so the newest N are read
        without the rest."""
        # A strict search's title tier means the title holds the query: every word, the common ones that
        # the ranking statement leaves out (window_expression) too.
        counted = self.expression(strict, scoring=False)
        expression = counted if strict else self.window_expression(strict)
        # In titles, names (pinyin) or identifiers rather than only in the body — among the matches counted
        # (the newest COUNT_LIMIT), so that the scoring statement never reads further back than counting did
        # (or than a relaxed search's newest candidates reach: _candidates).
        floor = self.ids[-1] if len(self.ids) > COUNT_LIMIT else 0
        title_ids, recent = self._candidates(strict, expression, counted, floor)
        # What the ranking statement matches (and scores) among the candidates.
        self.window_match = self.window_expression(strict)
        if not (title_ids or recent) and expression != counted:
            # A relaxed question whose telling words are in no document the asker may see (知识产权 xyzzy):
            # the candidates are the newest documents holding any of its words, as counted.
            title_ids, recent = self._candidates(strict, counted, counted, floor)
            self.window_match = self.expression(strict)
        return title_ids, recent[min(RECENT_WINDOW, len(recent)) - 1] if recent else 0

    def _candidates(self, strict: bool, expression: str, counted: str, floor: int) -> tuple[list, list]:
        """The window's title matches and newest matches of ``expression``, newest first. A relaxed
        search's newest matches of its telling words can reach back past the matches counted: the title
        matches then reach as far, so that a title match among the candidates keeps its tier."""
        with connection.cursor() as cursor:
            if expression == counted:
                recent = self._checked(self.ids, want=RECENT_WINDOW)
            else:
                sql, params = self._matching(strict, expression)
                cursor.execute(f"{sql} ORDER BY search_fts.rowid DESC LIMIT %s", [*params, RECENT_WINDOW])
                recent = self._checked([row[0] for row in cursor.fetchall()])
            if recent:
                floor = min(floor, recent[-1])
            sql, params = self._matching(strict, expression, table="search_fts_titles")
            cursor.execute(
                f"{sql} AND search_fts_titles.rowid >= {int(floor)} "
                "ORDER BY search_fts_titles.rowid DESC LIMIT %s",
                [*params, TITLE_WINDOW],
            )
            return self._checked([row[0] for row in cursor.fetchall()]), recent

    def _checked(self, ids: list[int], want: int | None = None) -> list[int]:
        """``ids`` (in their order) that the access rows let the asker see — the first ``want`` of them —
        when they were found by access terms (``hidden``): the candidates the window ranks and the
        exact path's matches are checked against the record, so that an entry written without its access
        terms (by a process of an older release) is never a candidate in place of one the asker may see.
        About 1 µs per id."""
        if not self.hidden or not ids:
            return ids
        unfiltered = replace(self.query, filters={})  # the access rows only
        access_sql, access_params = self.backend._filters_sql(unfiltered, entry="j.value")
        step = want or len(ids)
        seen: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(ids), step):
                cursor.execute(
                    f"SELECT j.value FROM json_each(%s) j WHERE {access_sql} ORDER BY j.key",
                    [json.dumps(ids[start : start + step]), *access_params],
                )
                seen.extend(row[0] for row in cursor.fetchall())
                if want is not None and len(seen) >= want:
                    return seen[:want]
        return seen

    def _weights(self, strict: bool) -> tuple[list[float], list[float]]:
        """The IDF of each concept and of each group (relaxed searches rank by them), read once."""
        if getattr(self, "_idf_pair", None) is None:
            idf = self.idf([*self.concepts, *self.groups])
            self._idf_pair = (idf[: len(self.concepts)], idf[len(self.concepts) :])
        return self._idf_pair

    def _scoring(
        self, strict: bool, match: str, *, window: tuple[int, list[int]] | None = None, bonus: bool = False
    ) -> tuple[str, list]:
        """The ranking columns (score, held, coordination, phrases) of :data:`RANKING`, with their parameters,
        for a statement matching the full-text expression ``match`` (see :func:`_bm25`).

        ``window`` — the rowid from which every match is a candidate, and the older candidates (title
        matches) — bounds the sets saying whether a document holds a concept or a phrase to the candidates,
        so that a common word's or phrase's million documents are not read: from that rowid on, and the
        older ones each looked up (reading from the oldest title match on read all 228,057 documents of
        知识产权保护 for one title match of 成渝地区知识产权保护合作: 20 ms).

        ``bonus`` — for a window whose expression leaves the scored phrases out (:meth:`window_expression`)
        — adds each phrase's BM25 IDF to the score of a candidate holding it, about what ``bm25()`` gives a
        phrase found once in a body of average length; its document count is read once per process
        (:func:`_document_frequency`), not by ``bm25()`` in every search (知识产权保护: 228,057 documents).
        """
        holds, asked = "(search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s))", 1
        if window is not None:
            cut, older = window
            holds = (
                "(search_fts.rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                f"AND rowid >= {int(cut)}))"
            )
            if older:
                listed = json.dumps(sorted(int(pk) for pk in older))
                holds = (
                    f"({holds} OR search_fts.rowid IN (SELECT rowid FROM search_fts "
                    f"WHERE search_fts MATCH %s AND rowid IN (SELECT value FROM json_each('{listed}'))))"
                )
                asked = 2
        score, params = _bm25(match)
        if bonus and self.scored:
            with connection.cursor() as cursor:
                idf = [_idf_of(cursor, phrase, _bm25_idf) for phrase in self.scored]
            score = f"({score} + " + " + ".join([f"%s * {holds}"] * len(self.scored)) + ")"
            for weight, phrase in zip(idf, self.scored, strict=True):
                params.extend([weight, *[phrase] * asked])
        held, coordination = "0", "0"
        if not strict:
            concept_idf, group_idf = self._weights(strict)
            held, coordination, coordination_params = _coordination(
                holds, self.concepts, concept_idf, self.groups, group_idf, asked=asked
            )
            params.extend(coordination_params)
        phrases = "0"
        if self.phrases:
            phrases = holds
            params.extend([" AND ".join(f"({phrase})" for phrase in self.phrases)] * asked)
        columns = f"{score} AS score, {held} AS held, {coordination} AS coordination, {phrases} AS phrases"
        return columns, params

    def _native_scoring(self, leaving_out: frozenset[str], *, bonus: bool) -> tuple[str, str, list]:
        """The match expression and :meth:`_scoring`'s columns of a strict search on a connection with
        ``ipp_bm25()``, with their parameters. The expression names the scored phrases (:meth:`expression`:
        ``required AND (first OR phrase …)``), so whether a row holds one is asked of the row itself
        (``ipp_holds()``): no subquery walking the phrase's document list (知识产权保护: 228,057 documents
        at a million), no bound needed for older title matches. ``bonus`` (a window): the phrases add
        their BM25 IDF to the score of a row holding them, as in :meth:`_scoring`, and neither they nor
        the anchor before them weigh in ``ipp_bm25()`` (their IDFs passed as 0)."""
        match = self.expression(True, leaving_out=leaving_out)
        phrases = _QUOTED.findall(match)
        kept = [group for group in self.groups if group not in leaving_out] or self.groups
        at = sum(len(_QUOTED.findall(group)) for group in kept)
        words = at  # the required groups' phrases; then the anchor (the first group again), then the scored
        at += len(_QUOTED.findall(kept[0])) if self.scored else 0
        holds = []
        for item in self.scored:
            count = len(_QUOTED.findall(item))
            holds.append(f"ipp_holds(search_fts, {at}, {count})")
            at += count
        if at != len(phrases):  # what expression() writes and what is counted here must agree
            raise ValueError(f"{len(phrases)} phrases in {match!r}, {at} expected")
        weighed = phrases[:words] if bonus else phrases  # the others' IDFs are passed as 0
        with connection.cursor() as cursor:
            idf = [_idf_of(cursor, phrase, _bm25_idf) for phrase in weighed]
            bonus_idf = [_idf_of(cursor, item, _bm25_idf) for item in self.scored] if bonus else []
        idf += [0.0] * (len(phrases) - len(weighed))
        score = _ipp_bm25(len(idf))
        if bonus_idf:
            score = f"({score} + " + " + ".join(f"%s * {held}" for held in holds) + ")"
        phrases_held = " * ".join(holds[: len(self.phrases)]) or "0"
        columns = f"{score} AS score, 0 AS held, 0 AS coordination, {phrases_held} AS phrases"
        return match, columns, [*idf, *bonus_idf]

    def page(self, strict: bool, offset: int, limit: int) -> list[tuple[int, float]]:
        if self.window is not None:
            return [(row[0], row[1]) for row in self._window_ranked(strict)[offset : offset + limit]]
        if strict and native.available(connection):
            expression, columns, params = self._native_scoring(frozenset(), bonus=False)
        else:
            expression = self.expression(strict)
            columns, params = self._scoring(strict, expression)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.id, {columns} FROM search_fts JOIN search_indexentry e ON e.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s AND {self.filters_sql} ORDER BY {RANKING}, e.date DESC, e.id "
                "LIMIT %s OFFSET %s",
                [*params, expression, *self.filter_params, limit, offset],
            )
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def _window_ranked(self, strict: bool) -> list[tuple]:
        """Every candidate of the window in order: the first tier (title matches among the newest
        :data:`TITLE_WINDOW` of them and, in a relaxed search, the few documents holding every concept),
        then the newest :data:`RECENT_WINDOW` matches; each tier by :data:`RANKING`.

        One statement scores both windows, bounded below by the oldest candidate's rowid (where FTS5
        starts its walk; never older than the matches counted): ``bm25()`` first reads the whole document
        list of each of the expression's terms (12 ms for 知识产权 at 600,000 documents), once per
        statement — the words only; phrases score as a bonus (:meth:`_scoring`)."""
        if self._ranked is not None:
            return self._ranked
        title_ids, recent_cut = self.window
        lowest = min([recent_cut, *title_ids]) or 1
        titles = json.dumps(title_ids)
        in_titles = "(search_fts.rowid IN (SELECT value FROM json_each(%s)))"
        match = self.window_match
        if strict and native.available(connection):
            match, columns, params = self._native_scoring(self.common, bonus=True)
        else:
            columns, params = self._scoring(
                strict, match, window=(recent_cut, [pk for pk in title_ids if pk < recent_cut]), bonus=strict
            )
        among_sql, among_params = self._among_counted()
        best: dict[int, tuple] = {}
        with connection.cursor() as cursor:
            # The date as text (ISO, ordered as dates are), not turned into a date object row by row; a
            # strict search's candidates are ordered by SQLite (RANKING, the title tier first, then the
            # newest, then the id, as the exact path orders), a relaxed one's below once they are all in.
            cursor.execute(
                f"SELECT e.id, {columns}, {in_titles} AS tier, CAST(e.date AS TEXT) AS day FROM search_fts "
                "JOIN search_indexentry e ON e.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s AND search_fts.rowid >= {int(lowest)}{among_sql} "
                f"AND (search_fts.rowid >= {int(recent_cut)} OR {in_titles}) AND {self.filters_sql}"
                + (f" ORDER BY {WINDOW_RANKING}" if strict else ""),
                [*params, titles, match, *among_params, titles, *self.filter_params],
            )
            for pk, score, held, coordination, phrases, tier, day in cursor.fetchall():
                best[pk] = (pk, score, tier, held, coordination, phrases, day or "")
            if strict:
                self._ranked = list(best.values())
                return self._ranked
            # The few documents holding every concept, wherever they are: they come first (they hold
            # every concept); those the statement above did not score follow the scored ones, newest
            # first.
            concept_idf, group_idf = self._weights(strict)
            held = sum(1 for idf in concept_idf if idf >= TELLING_IDF)
            cursor.execute(
                "SELECT e.id, CAST(e.date AS TEXT) FROM search_fts "
                "JOIN search_indexentry e ON e.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s AND {self.filters_sql}",
                [self.expression(strict=True, scoring=False), *self.filter_params],
            )
            for pk, day in cursor.fetchall():
                if pk in best:
                    best[pk] = (*best[pk][:2], 1, *best[pk][3:])
                else:
                    best[pk] = (pk, 0.0, 1, held, sum(group_idf), 0, day or "")
        # WINDOW_RANKING, here in Python: the relaxed pass adds candidates of its own.
        key = lambda r: (r[3], r[4], r[2], r[5], r[1], r[6], -r[0])  # noqa: E731 — WINDOW_RANKING's columns
        self._ranked = sorted(best.values(), key=key, reverse=True)
        return self._ranked

    def idf(self, expressions: list[str]) -> list[float]:
        """Each full-text expression's inverse document frequency."""
        with connection.cursor() as cursor:
            return [_idf_of(cursor, expression) for expression in expressions]

    def facets(self, strict: bool) -> dict[str, list[tuple[str, int]]]:
        # The matches (up to EXACT_UP_TO) or a window's candidates, by id: the matching is not done again.
        ids = self.ids if self.window is None else [row[0] for row in self._window_ranked(strict)]
        matches = "SELECT value AS id FROM json_each(%s)"
        return self._facets_from(matches, [json.dumps(ids)], from_matches=True)


class _Postgres(_Engine):
    # ts_rank's weights are given as {D, C, B, A}: identifiers, pinyin, body, title.
    WEIGHTS = f"{{1.0, {EXTRA_WEIGHT / TITLE_WEIGHT}, {BODY_WEIGHT / TITLE_WEIGHT * 2}, 1.0}}"

    def __init__(self, *args):
        super().__init__(*args)
        self.group_queries = [_ts_any(group) for group in self.analysed.groups]
        self.phrase_queries = [_ts_any(phrase) for phrase in self.analysed.phrases]
        self.concept_queries = [
            " & ".join(f"({_ts_any(group)})" for group in concept)
            if len(concept) > 1
            else _ts_any(concept[0])
            for concept in self.analysed.concept_groups()
        ]
        self._idf: list[float] | None = None

    def tsquery(self, strict: bool) -> str:
        parts = [f"({q})" for q in self.group_queries]
        return (" & " if strict else " | ").join(parts)

    def _matching(self, strict: bool) -> tuple[str, list]:
        return (
            f"SELECT e.id FROM search_indexentry e WHERE e.vector @@ %s::tsquery AND {self.filters_sql}",
            [self.tsquery(strict), *self.filter_params],
        )

    def count(self, strict: bool) -> int:
        """How many match, counted up to one more than :data:`COUNT_LIMIT`."""
        sql, params = self._matching(strict)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT %s) AS matching", [*params, COUNT_LIMIT + 1])
            return int(cursor.fetchone()[0])

    def statistics(self) -> tuple[list[str], list[float], float]:
        """Each query term with its BM25 inverse document frequency, and the mean document length,
        in one statement."""
        if self._idf is None:
            scored = (*self.analysed.groups, *self.analysed.phrases, *self.analysed.proximity)
            terms = list(dict.fromkeys(term for group in scored for term in group))
            counts = ", ".join("COUNT(*) FILTER (WHERE vector @@ %s::tsquery)" for _ in terms)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT COUNT(*), COALESCE(AVG(length(vector)), 1), {counts} FROM search_indexentry",
                    [_ts_lexeme(t) for t in terms],
                )
                total, average, *frequencies = cursor.fetchone()
            idf = [math.log(1 + (total - df + 0.5) / (df + 0.5)) for df in frequencies]
            required = self._required
            idf = [w * (1.0 if t in required else BOOST_WEIGHT) for t, w in zip(terms, idf, strict=True)]
            self._idf = (terms, idf, float(average) or 1.0)
        return self._idf

    def idf(self, queries: list[str]) -> list[float]:
        """Each tsquery's inverse document frequency, in one statement."""
        distinct = list(dict.fromkeys(queries))  # a concept of one group is that group
        counts = ", ".join("COUNT(*) FILTER (WHERE vector @@ %s::tsquery)" for _ in distinct)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), {counts} FROM search_indexentry", distinct)
            total, *frequencies = cursor.fetchone()
        found = dict(zip(distinct, frequencies, strict=True))
        return [_idf(total, found[query]) for query in queries]

    @property
    def _required(self) -> set[str]:
        return {t for g in self.analysed.groups for t in g}

    def page(self, strict: bool, offset: int, limit: int) -> list[tuple[int, float]]:
        terms, idf, average = self.statistics()
        # BM25 (k1 1.2, b 0.75) as FTS5 computes it: a term's frequency is the column-weighted count of
        # its positions (weights A title, B body, C pinyin, D identifiers), length is the lexeme count.
        score = (
            "(SELECT COALESCE(SUM((%s::float8[])[array_position(%s::text[], u.lexeme)] * t.tf * 2.2 "
            "/ (t.tf + 1.2 * (0.25 + 0.75 * length(e.vector) / %s))), 0) "
            "FROM unnest(e.vector) AS u, LATERAL (SELECT SUM(CASE w "
            f"WHEN 'A' THEN {TITLE_WEIGHT} WHEN 'B' THEN {BODY_WEIGHT} WHEN 'C' THEN {EXTRA_WEIGHT} "
            f"ELSE {IDENT_WEIGHT} END)::float8 AS tf FROM unnest(u.weights) AS w) AS t "
            "WHERE u.lexeme = ANY(%s::text[]))"
        )
        params: list = [idf, terms, average, terms]
        ident = ""
        if self.analysed.identifiers:
            ident = " + CASE WHEN e.vector @@ %s::tsquery THEN 1000 ELSE 0 END"
            params.append(" | ".join(f"{_ts_lexeme(t)}:D" for t in self.analysed.identifiers))
        held, coordination = "0", "0"
        holds = "(e.vector @@ %s::tsquery)::int"
        if not strict:
            idf = self.idf([*self.concept_queries, *self.group_queries])
            concept_idf, group_idf = idf[: len(self.concept_queries)], idf[len(self.concept_queries) :]
            held, coordination, more = _coordination(
                holds, self.concept_queries, concept_idf, self.group_queries, group_idf
            )
            params.extend(more)
        phrases = "0"
        if self.phrase_queries:
            phrases = holds
            params.append(" & ".join(f"({phrase})" for phrase in self.phrase_queries))
        sql, match_params = self._matching(strict)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT e.id, ({score}{ident}) AS score, {held} AS held, {coordination} AS coordination, "
                f"{phrases} AS phrases FROM search_indexentry e WHERE e.id IN ({sql}) "
                f"ORDER BY {RANKING}, e.date DESC NULLS LAST, e.id LIMIT %s OFFSET %s",
                [*params, *match_params, limit, offset],
            )
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def facets(self, strict: bool) -> dict[str, list[tuple[str, int]]]:
        sql, params = self._matching(strict)
        return self._facets_from(sql, params)
