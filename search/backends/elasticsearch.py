"""Elasticsearch 8 search backend (DESIGN §5): the backend for scale, with facets and highlighting.

Chosen when ``ELASTICSEARCH_URL`` is set (``search.registry``). It receives what the shared pipeline
(``search.analysis``) makes of documents and queries, so Chinese segmentation, pinyin, traditional
characters, identifiers and synonyms behave exactly as on the database backend:

- the analysed terms are stored space-separated in ``title_terms`` / ``body_terms`` / ``extra_terms`` and
  indexed with a ``whitespace`` tokenizer + ``lowercase`` — Elasticsearch must not segment a second time
  (its standard analyzer would cut Chinese into single characters);
- the original ``title`` and ``body`` are indexed with the built-in ``cjk`` analyzer (overlapping bigrams)
  only so that the highlighter can mark the surface words the user typed inside the original sentences;
- access keys, kind, facets and identifiers are ``keyword`` fields; ``date`` ranks as a tie-breaker.

Every request body is built by a pure function (:func:`index_body`, :func:`search_body`,
:func:`index_actions`, :func:`delete_actions`, :func:`autocomplete_body`) and sent by
:class:`ElasticsearchBackend`, so the requests are tested without a server
(``tests/search/test_elasticsearch_requests.py``) and against a real one when ``ELASTICSEARCH_URL`` is set.
User input only ever reaches Elasticsearch inside ``match`` / ``multi_match`` / ``terms`` /
``match_phrase`` / ``bool_prefix`` values — never ``query_string`` — so ``"``, ``*``, ``OR`` and ``:``
are just text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from datetime import date
from html import escape
from typing import Any

from django.conf import settings
from elasticsearch import Elasticsearch, NotFoundError, helpers
from elasticsearch.dsl import (
    Date,
    Document,
    Index,
    Keyword,
    MetaField,
    Object,
    Q,
    Search,
    Text,
    analyzer,
)

from search.analysis import (
    MAX_QUERY_CHARS,
    READING_HITS,
    analyse_document,
    analyse_query,
    fold,
    normalise_identifier,
    read_initials,
    refine_suggestion,
    segment,
)
from search.backends.database import BODY_CHARS
from search.base import (
    COUNT_LIMIT,
    FACET_VALUES,
    AnalysedDocument,
    AnalysedQuery,
    Hit,
    IndexDocument,
    SearchBackend,
    SearchQuery,
    SearchResults,
)

DEFAULT_INDEX = "ipp-search"
#: Elasticsearch refuses ``from + size`` beyond ``index.max_result_window`` (10,000 by default).
MAX_RESULT_WINDOW = 10_000
#: A 10,000-character query must stay one bounded request: concepts beyond this many are not searched.
MAX_GROUPS = 32
MAX_ALTERNATIVES = 16
MAX_PER_PAGE = 100
SNIPPET_CHARS = 160
#: Field weights: a word in the title counts three times a word in the body (DESIGN §5).
SEARCH_FIELDS = ("title_terms^3", "body_terms", "extra_terms")
IDENTIFIER_BOOST = 20.0
#: The database backend orders by how many telling concepts a document holds, then by the rarity of the
#: groups it holds, then by whether it holds every phrase, then by BM25 (``search.backends.database``).
#: Here each of these is a constant score added to BM25, a step of each worth more than the rest below it.
CONCEPT_BOOST = 100_000.0  # per telling concept held (relaxed search)
RARITY_BOOST = 1_000.0  # times each held group's IDF, rounded to 0.1 (relaxed search)
PHRASE_BOOST = 50.0  # for holding every phrase of the query
#: As on the database backend, a concept held by more than about a third of the documents is not counted.
TELLING_IDF = 1.0
#: The facets every document carries as named fields; others (declared by later searchable types)
#: are mapped as keywords by the ``facets.*`` dynamic template.
KNOWN_FACETS = ("alliance", "city", "ip_type", "list_kind", "agency_type", "credit_grade", "year")
_FACET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

#: The pipeline has already segmented and folded the text: split on spaces, lower-case what is left.
terms_analyzer = analyzer("ipp_terms", tokenizer="whitespace", filter=["lowercase"])


class SearchEntry(Document):
    """One searchable object in the Elasticsearch index (检索条目). The index name, shard and replica
    counts come from settings; see :func:`search_index`."""

    key = Keyword()
    kind = Keyword()
    url = Keyword(index=False)
    access = Keyword()
    date = Date()
    # original text, shown and highlighted; the cjk bigrams only serve the highlighter
    title = Text(analyzer="cjk", index_options="offsets")
    body = Text(analyzer="cjk", index_options="offsets")
    # What editors wrote in English, shown on the English pages (its terms are in title_terms / body_terms)
    title_en = Text(index=False)
    body_en = Text(analyzer="standard", index_options="offsets")
    # what the shared pipeline made of it: ranked with BM25
    title_terms = Text(analyzer=terms_analyzer)
    body_terms = Text(analyzer=terms_analyzer)
    extra_terms = Text(analyzer=terms_analyzer)
    identifiers = Keyword(ignore_above=256)
    names = Keyword(ignore_above=256)
    # open to facets that later searchable types declare (the ``facets.*`` template maps them as keywords)
    facets = Object(dynamic=True, properties={name: Keyword(ignore_above=256) for name in KNOWN_FACETS})

    class Meta:
        # a misspelt field is an error, not a silently guessed mapping
        dynamic = MetaField("strict")
        dynamic_templates = MetaField(
            [
                {
                    "facet_keywords": {
                        "path_match": "facets.*",
                        "mapping": {"type": "keyword", "ignore_above": 256},
                    }
                }
            ]
        )


def _setting(name: str, default):
    return getattr(settings, name, None) or default


def search_index(name: str | None = None, *, shards: int | None = None, replicas: int | None = None) -> Index:
    """The index definition: :class:`SearchEntry`'s mapping and the analysis settings it uses, with the
    shard and replica counts from ``ELASTICSEARCH_SHARDS`` / ``ELASTICSEARCH_REPLICAS`` (default 1 and 0,
    one node)."""
    index = Index(name or _setting("ELASTICSEARCH_INDEX", DEFAULT_INDEX))
    index.settings(
        number_of_shards=int(shards if shards is not None else _setting("ELASTICSEARCH_SHARDS", 1)),
        number_of_replicas=int(replicas if replicas is not None else _setting("ELASTICSEARCH_REPLICAS", 0)),
        max_result_window=MAX_RESULT_WINDOW,
    )
    index.document(SearchEntry)
    return index


def index_body(index: Index) -> dict[str, Any]:
    """The body of ``PUT /<index>``: settings (shards, replicas, analysis) and mappings."""
    return index.to_dict()


# --- documents -------------------------------------------------------------------------------------------


def facet_values(document: IndexDocument) -> dict[str, list[str]]:
    """The document's facet values as its searchable type declares them (``kind`` is a field of its own)."""
    values = {
        name: [str(v) for v in vals] for name, vals in document.facets.items() if _FACET_NAME.match(name)
    }
    values.pop("kind", None)
    return values


def entry_for(analysed: AnalysedDocument, index_name: str) -> SearchEntry:
    """The :class:`SearchEntry` stored for one analysed document."""
    doc = analysed.document
    identifiers = (normalise_identifier(value) for value in doc.identifiers)
    return SearchEntry(
        meta={"id": doc.key, "index": index_name},
        key=doc.key,
        kind=doc.kind,
        url=doc.url,
        access=list(doc.access),
        date=doc.date.isoformat() if doc.date else None,
        title=doc.title,
        body=doc.body,
        title_en=doc.title_en,
        body_en=doc.body_en,
        title_terms=" ".join(analysed.title_terms),
        body_terms=" ".join(analysed.body_terms),
        extra_terms=" ".join(analysed.extra_terms),
        identifiers=list(dict.fromkeys(i for i in identifiers if i)),
        names=list(doc.names),
        facets=facet_values(doc),
    )


def index_actions(analysed: Iterable[AnalysedDocument], index_name: str) -> Iterator[dict[str, Any]]:
    """Bulk ``index`` actions (add or replace by key) for ``elasticsearch.helpers.bulk``."""
    for item in analysed:
        action = entry_for(item, index_name).to_dict(include_meta=True)
        action["_op_type"] = "index"
        yield action


def delete_actions(keys: Iterable[str], index_name: str) -> Iterator[dict[str, Any]]:
    """Bulk ``delete`` actions; deleting a key that is not indexed is not an error."""
    for key in keys:
        yield {"_op_type": "delete", "_index": index_name, "_id": key}


# --- queries ---------------------------------------------------------------------------------------------


def facet_field(name: str) -> str | None:
    """The keyword field behind a facet name, or ``None`` for a name that cannot be a facet."""
    if name == "kind":
        return "kind"
    return f"facets.{name}" if _FACET_NAME.match(name) else None


def _group_clause(alternatives: tuple[str, ...]) -> Q:
    """A document matches a concept when one of its alternatives (synonyms, readings) is in the title,
    the body or the extra terms; an alternative of several terms needs all of them in one field."""
    clauses = [
        Q("multi_match", query=alt, fields=list(SEARCH_FIELDS), type="best_fields", operator="and")
        for alt in alternatives[:MAX_ALTERNATIVES]
    ]
    return clauses[0] if len(clauses) == 1 else Q("bool", should=clauses, minimum_should_match=1)


def _filters(query: SearchQuery) -> list[Q]:
    filters = [Q("terms", access=sorted(query.access))]
    for name, values in sorted(query.filters.items()):
        field = facet_field(name)
        if not values:
            continue  # nothing chosen: no filter (as on the database backend)
        if field is None:
            filters.append(Q("match_none"))  # an unknown facet accepts nothing rather than everything
        else:
            filters.append(Q("terms", **{field: sorted(str(v) for v in values)}))
    return filters


def _highlight_query(analysed: AnalysedQuery, field: str) -> Q:
    words = analysed.highlight or tuple(alt for group in analysed.groups for alt in group)
    return Q("bool", should=[Q("match_phrase", **{field: w}) for w in dict.fromkeys(words) if w.strip()])


def page_window(query: SearchQuery) -> tuple[int, int]:
    """``(from, size)`` for the requested page; beyond the result window the page is empty, not an error."""
    size = max(1, min(query.per_page, MAX_PER_PAGE))
    start = (max(1, query.page) - 1) * size
    if start + size > MAX_RESULT_WINDOW:
        return 0, 0
    return start, size


def _concept_clause(concept: tuple[tuple[str, ...], ...]) -> Q:
    """A document holds a concept when it holds every group of it (a compound's parts)."""
    clauses = [_group_clause(group) for group in concept]
    return clauses[0] if len(clauses) == 1 else Q("bool", must=clauses)


def statistics_body(analysed: AnalysedQuery) -> list[dict[str, Any]]:
    """The ``_msearch`` body that counts the documents holding each concept and each group of a query (and
    all documents), for :func:`inverse_frequencies`. Counts are over the whole index, as on the database
    backend: they only order results, never show."""
    lines: list[dict[str, Any]] = []
    queries = [
        Q("match_all"),
        *(_concept_clause(c) for c in analysed.concept_groups()[:MAX_GROUPS]),
        *(_group_clause(g) for g in analysed.groups[:MAX_GROUPS]),
    ]
    for clause in queries:
        lines.extend([{}, {"size": 0, "track_total_hits": True, "query": clause.to_dict()}])
    return lines


def inverse_frequencies(totals: list[int], analysed: AnalysedQuery) -> tuple[list[float], list[float]]:
    """``(concept IDFs, group IDFs)`` from the counts :func:`statistics_body` asked for (BM25's IDF, rounded
    to 0.1 as the database backend does)."""
    total, *counts = totals
    idf = [round(math.log(1 + (total - df + 0.5) / (df + 0.5)), 1) for df in counts]
    concepts = len(analysed.concept_groups()[:MAX_GROUPS])
    return idf[:concepts], idf[concepts:]


def search_body(
    query: SearchQuery,
    analysed: AnalysedQuery,
    *,
    strict: bool = True,
    idf: tuple[list[float], list[float]] | None = None,
) -> dict[str, Any]:
    """The body of ``POST /<index>/_search`` for a query the pipeline has analysed.

    ``filter`` holds the access keys and facet filters, so that totals and facet counts never include a
    document the asker may not see; ``must`` holds one clause per concept; ``should`` adds the query's
    phrases (a constant step for holding all of them, and each one's BM25), an exact-match boost for
    identifiers found in the input; ties are broken by the most recent date. ``strict=False`` is the second
    chance the backend takes when too few documents hold every concept (as the database backend does): any
    concept matches, and documents holding more of the telling concepts come first, then those holding the
    rarer groups — ``idf`` gives each concept's and group's IDF (:func:`inverse_frequencies`); without it
    every concept counts and every group weighs the same.
    """
    search = Search()
    groups = [g for g in analysed.groups if g][:MAX_GROUPS]
    concepts = list(analysed.concept_groups()[:MAX_GROUPS])
    identifiers = sorted(set(analysed.identifiers))
    clauses = [_group_clause(group) for group in groups]
    should = [Q("terms", identifiers=identifiers, boost=IDENTIFIER_BOOST)] if identifiers else []
    if strict or len(clauses) < 2:
        must = clauses
    else:
        must = [Q("bool", should=clauses, minimum_should_match=1)]
        concept_idf, group_idf = idf or ([TELLING_IDF] * len(concepts), [1.0] * len(groups))
        should += [
            Q("constant_score", filter=_concept_clause(concept), boost=CONCEPT_BOOST)
            for concept, weight in zip(concepts, concept_idf, strict=True)
            if weight >= TELLING_IDF
        ]
        should += [
            Q("constant_score", filter=clause, boost=RARITY_BOOST * weight)
            for clause, weight in zip(clauses, group_idf, strict=True)
            if weight > 0
        ]
    if not must and should:  # only an identifier was typed: it alone decides
        must, should = should, []
    phrases = [_group_clause(phrase) for phrase in analysed.phrases[:MAX_GROUPS]]
    if phrases:
        # documents holding every phrase (开放许可 side by side) first, then each phrase adds its BM25
        whole = phrases[0] if len(phrases) == 1 else Q("bool", must=phrases)
        should.append(Q("constant_score", filter=whole, boost=PHRASE_BOOST))
    should += [*phrases, *(_group_clause(near) for near in analysed.proximity[:MAX_GROUPS])]
    search = search.query(Q("bool", filter=_filters(query), must=must, should=should))
    for name in dict.fromkeys(query.facets):
        field = facet_field(name)
        if field:
            search.aggs.bucket(name, "terms", field=field, size=FACET_VALUES)
    start, size = page_window(query)
    search = search.extra(from_=start, size=size, track_total_hits=COUNT_LIMIT, track_scores=True)
    search = search.sort({"_score": {"order": "desc"}}, {"date": {"order": "desc", "missing": "_last"}})
    if query.highlight:
        # the body is only needed where pinyin is read back from the results, as the database backend does
        reads = analysed.suggestion is not None or bool(analysed.initials)
        body = [] if reads else ["body", "body_en"]
        search = search.source(excludes=["title_terms", "body_terms", "extra_terms", *body])
        search = search.highlight_options(
            pre_tags=["<mark>"], post_tags=["</mark>"], encoder="html", type="unified"
        )
        for field in ("body", "body_en") if query.english else ("body",):
            search = search.highlight(
                field,
                fragment_size=SNIPPET_CHARS,
                number_of_fragments=1,
                no_match_size=SNIPPET_CHARS,
                highlight_query=_highlight_query(analysed, field).to_dict(),
            )
    else:
        search = search.source(excludes=["title_terms", "body_terms", "extra_terms"])
    return search.to_dict()


def autocomplete_body(prefix: str, access: frozenset[str], limit: int) -> dict[str, Any]:
    """Titles for the header search box: the prefix's words in the title or the pinyin of names, the last
    word possibly unfinished (``match_bool_prefix``), among documents the asker may see."""
    terms = segment(fold(prefix)[:MAX_QUERY_CHARS].strip(), search_mode=False)[:MAX_GROUPS]
    match = Q(
        "multi_match",
        query=" ".join(terms),
        type="bool_prefix",
        fields=["title_terms^3", "extra_terms"],
        operator="and",
    )
    search = Search().query(Q("bool", filter=[Q("terms", access=sorted(access))], must=[match]))
    search = search.sort({"_score": {"order": "desc"}}, {"date": {"order": "desc", "missing": "_last"}})
    search = search.source(["title", "title_en"]).extra(size=max(1, min(limit, 20)) * 3, track_scores=True)
    return search.to_dict()


# --- responses -------------------------------------------------------------------------------------------


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def results_from(response: dict[str, Any], query: SearchQuery, analysed: AnalysedQuery) -> SearchResults:
    """Turn a ``_search`` response into :class:`SearchResults`."""
    hits = []
    for hit in response["hits"]["hits"]:
        source, marked = hit["_source"], hit.get("highlight", {})
        field, title = "body", source["title"]
        if query.english:
            title = source.get("title_en") or title
            field = "body_en" if marked.get("body_en") or source.get("body_en") else field
        fragments = marked.get(field)
        snippet = fragments[0] if fragments else escape(source.get(field, "")[:SNIPPET_CHARS])
        hits.append(
            Hit(
                key=source["key"],
                kind=source["kind"],
                title=title,
                url=source["url"],
                snippet=snippet,
                score=float(hit.get("_score") or 0.0),
                date=_parse_date(source.get("date")),
            )
        )
    facets = {
        name: [(str(b["key"]), b["doc_count"]) for b in agg["buckets"]]
        for name, agg in response.get("aggregations", {}).items()
    }
    total = response["hits"]["total"]
    return SearchResults(
        total=min(total["value"], COUNT_LIMIT),
        hits=hits,
        facets=facets,
        suggestion=refine_suggestion(analysed, result_texts(response)),
        total_exact=total.get("relation", "eq") == "eq" and total["value"] <= COUNT_LIMIT,
    )


def result_texts(response: dict[str, Any]) -> list[str]:
    """Each hit's title and body as the database backend keeps them (the first :data:`BODY_CHARS`), for
    reading pinyin back from the results; the snippet stands in for a body left out of the response."""
    texts = []
    for hit in response["hits"]["hits"]:
        source = hit["_source"]
        body = source.get("body")
        if body is None:
            body = " ".join(hit.get("highlight", {}).get("body", []))
        texts.append(f"{source['title']} {body[:BODY_CHARS]}")
    return texts


# --- the backend -----------------------------------------------------------------------------------------


def connect(url: str | None = None, *, timeout: float | None = None) -> Elasticsearch:
    """A client for ``ELASTICSEARCH_URL`` that gives up instead of hanging a page."""
    return Elasticsearch(
        url or settings.ELASTICSEARCH_URL,
        request_timeout=float(timeout or _setting("ELASTICSEARCH_TIMEOUT", 5.0)),
        max_retries=2,
        retry_on_timeout=True,
    )


class ElasticsearchBackend(SearchBackend):
    """:class:`search.base.SearchBackend` on an Elasticsearch 8 server.

    ``refresh=True`` makes every write visible before it returns (what a page save and the tests want);
    bulk loads pass ``refresh=False`` and call :meth:`refresh` once at the end.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        index: str | None = None,
        shards: int | None = None,
        replicas: int | None = None,
        timeout: float | None = None,
        refresh: bool = True,
        client: Elasticsearch | None = None,
    ):
        self.client = client or connect(url, timeout=timeout)
        self.index_definition = search_index(index, shards=shards, replicas=replicas)
        self.index_name = self.index_definition._name
        self.auto_refresh = refresh
        self._ready = False

    # -- index management
    def ensure_index(self) -> None:
        """Create the index with its mapping and analysis settings if it does not exist yet."""
        if self._ready:
            return
        if not self.client.indices.exists(index=self.index_name):
            body = index_body(self.index_definition)
            self.client.options(
                ignore_status=400
            ).indices.create(  # 400: created meanwhile by another process
                index=self.index_name, settings=body["settings"], mappings=body["mappings"]
            )
        self._ready = True

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.index_name)

    def clear(self) -> None:
        self.client.options(ignore_status=404).indices.delete(index=self.index_name)
        self._ready = False
        self.ensure_index()

    # -- writes
    def index(self, documents: Iterable[IndexDocument], *, chunk_size: int = 500) -> int:
        self.ensure_index()
        actions = index_actions((analyse_document(doc) for doc in documents), self.index_name)
        written, _errors = helpers.bulk(self.client, actions, chunk_size=chunk_size, max_retries=2)
        if self.auto_refresh:
            self.refresh()
        return written

    def delete(self, keys: Iterable[str]) -> None:
        self.ensure_index()
        helpers.bulk(self.client, delete_actions(keys, self.index_name), ignore_status=(404,))
        if self.auto_refresh:
            self.refresh()

    # -- reads
    def search(self, query: SearchQuery) -> SearchResults:
        analysed = analyse_query(query.text)
        if not analysed.groups and not analysed.identifiers:
            return SearchResults(total=0, hits=[], facets={}, suggestion=None)
        try:
            if analysed.initials:
                # Initials the dictionary cannot read (zlbh): what they stand for is read from the first
                # documents holding them that the asker may see (专利保护), and searched for.
                probe = SearchQuery(
                    text=query.text,
                    access=query.access,
                    filters=query.filters,
                    per_page=READING_HITS,
                    highlight=False,
                )
                response = self.client.search(index=self.index_name, body=search_body(probe, analysed))
                analysed = read_initials(analysed, result_texts(response.body))
            response = self.client.search(index=self.index_name, body=search_body(query, analysed))
            if analysed.relax(response["hits"]["total"]["value"], query.per_page):
                counts = self.client.msearch(index=self.index_name, searches=statistics_body(analysed))
                totals = [r["hits"]["total"]["value"] for r in counts.body["responses"]]
                idf = inverse_frequencies(totals, analysed)
                relaxed = search_body(query, analysed, strict=False, idf=idf)
                response = self.client.search(index=self.index_name, body=relaxed)
        except NotFoundError:  # nothing indexed yet
            return SearchResults(total=0, hits=[], facets={}, suggestion=None)
        return results_from(response.body, query, analysed)

    def autocomplete(
        self, prefix: str, access: frozenset[str], limit: int = 8, *, english: bool = False
    ) -> list[str]:
        body = autocomplete_body(prefix, access, limit)
        if not access or not body["query"]["bool"]["must"][0]["multi_match"]["query"]:
            return []
        try:
            response = self.client.search(index=self.index_name, body=body)
        except NotFoundError:
            return []
        sources = [hit["_source"] for hit in response.body["hits"]["hits"]]
        titles = [(english and source.get("title_en")) or source["title"] for source in sources]
        return list(dict.fromkeys(titles))[:limit]
