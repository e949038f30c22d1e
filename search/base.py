"""The contract between what is searchable, the analysis pipeline and the backends (DESIGN §5).

- A model becomes searchable by registering a :class:`SearchableType` (``search.registry.register``):
  it says how one object becomes an :class:`IndexDocument` and which objects exist to be indexed.
- Every backend implements :class:`SearchBackend`. Backends receive documents and queries that the
  shared pipeline (``search.analysis``) has already analysed, so that Chinese segmentation, pinyin,
  traditional-character folding, identifiers and synonyms behave the same on every backend.
- Visibility travels with each document as *access keys*: ``"public"`` for what everyone may read,
  ``"agency:<id>"`` for what only an agency's officers may read. A query carries the keys of whoever asks;
  backends filter inside the query, before counting and before facets, so hidden objects leave no trace.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

PUBLIC = "public"
#: Backends count matches up to this many and report a larger total as "at least" this many
#: (``SearchResults.total_exact``): the pages reach the first :data:`search.selectors.MAX_RESULTS` results
#: anyway, and counting all 267,000 matches of a broad word costs half a second at a million documents.
#: Counting to 10,000 instead cost SQLite 25–30 ms of each of its slowest searches there (a count of
#: 成渝地区知识产权保护合作 reads 2,001 of its 7,068 matches in 12 ms, all of them in 37), for a number
#: past the pages' reach (docs/performance.md, "2026-12-05, late morning").
COUNT_LIMIT = 2_000
#: A facet lists at most this many values, the most frequent (Elasticsearch's ``terms`` size; the search
#: page caps the database backend's lists to the same).
FACET_VALUES = 50


def agency_key(agency_id: int) -> str:
    return f"agency:{agency_id}"


@dataclass(frozen=True)
class IndexDocument:
    """One searchable object as the pipeline sees it (before analysis)."""

    key: str  # "<kind>:<pk>", unique across the index
    kind: str  # "news", "policy_document", "alliance", "lead", ...
    title: str
    body: str
    url: str
    access: tuple[str, ...]  # access keys; at least one
    date: date | None = None
    names: tuple[str, ...] = ()  # proper names also searchable by pinyin (titles, brands, places)
    identifiers: tuple[str, ...] = ()  # patent, trademark and credit-code numbers
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet name -> values
    # What editors wrote in English (a page's English title, introduction or body): searchable like the
    # rest, and shown instead of the Chinese on the English pages.
    title_en: str = ""
    body_en: str = ""


@dataclass(frozen=True)
class AnalysedDocument:
    """What ``search.analysis.analyse_document`` makes of an :class:`IndexDocument`: normalised terms
    (segmented, folded to simplified half-width lower case, synonyms expanded to their canonical form)
    that a backend stores as space-separated text and ranks with BM25."""

    document: IndexDocument
    title_terms: tuple[str, ...]
    body_terms: tuple[str, ...]
    extra_terms: tuple[str, ...]  # pinyin of names (full and initials) and normalised identifiers


@dataclass(frozen=True)
class AnalysedQuery:
    """What ``search.analysis.analyse_query`` makes of what a user typed.

    ``groups`` are the query's concepts in order: a document should match every group, and matches a
    group when it holds any one of the group's alternative terms (synonyms, pinyin readings). Empty
    ``groups`` means there is nothing to search for (empty input, only stop words or punctuation).
    ``highlight`` lists surface forms to mark in snippets; ``suggestion`` is a "did you mean" text.
    """

    text: str
    groups: tuple[tuple[str, ...], ...]
    highlight: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()  # normalised identifiers found in the input (exact-match boost)
    suggestion: str | None = None
    # The query's phrases, each a group of alternative terms, optional: a whole compound whose parts are
    # the required groups (地理标志运用促进工程 when the groups are 地理标志, 运用 …) and neighbouring words
    # typed together, joined (开放 + 许可 → 开放许可, under which documents holding the two words side by
    # side are indexed). Documents holding every phrase rank first, and each phrase adds to the score.
    phrases: tuple[tuple[str, ...], ...] = ()
    # Neighbouring words of a longer sentence, joined: they only add to the score.
    proximity: tuple[tuple[str, ...], ...] = ()
    # The query's concepts for ranking documents that hold only some of them: each a tuple of groups that
    # together make one word the user typed (地理标志产品 → its groups 地理标志 and 产品). Empty: each
    # group is a concept of its own.
    concepts: tuple[tuple[tuple[str, ...], ...], ...] = ()
    # Initials typed that the dictionary does not read (zlbh): the backend reads them from the first
    # documents holding them and searches for what they stand for (``search.analysis.read_initials``).
    initials: tuple[str, ...] = ()

    def concept_groups(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """``concepts``, or every group as a concept of its own when the analysis gave none."""
        return self.concepts or tuple((group,) for group in self.groups)

    def relax(self, strict_total: int, per_page: int) -> bool:
        """Whether documents holding only some of the concepts should follow the ``strict_total`` that hold
        them all: when those fill less than a page — unless an identifier typed (a patent, registration or
        credit code) found its record, which is then the answer, not the start of a list of everything
        else that says 注册号 or 专利号."""
        if strict_total >= per_page or len(self.groups) < 2:
            return False
        return not (self.identifiers and strict_total)


@dataclass(frozen=True)
class SearchQuery:
    text: str
    access: frozenset[str] = frozenset({PUBLIC})
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # facet name -> accepted values
    page: int = 1
    per_page: int = 10
    facets: tuple[str, ...] = ()  # facet names to count
    highlight: bool = True
    english: bool = False  # for the English pages: English titles and snippets where a document has them


@dataclass(frozen=True)
class Hit:
    key: str
    kind: str
    title: str
    url: str
    snippet: str  # HTML-escaped text with <mark>…</mark> around matched words
    score: float
    date: date | None = None


@dataclass
class SearchResults:
    total: int  # with ``total_exact`` false: at least this many (a backend may stop counting)
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean" (pinyin input turned into Chinese)
    total_exact: bool = True
    # False when the facet counts cover the best candidates only, not every match (the database backend
    # on SQLite bounds its work on very broad queries): the values are there to narrow by, the counts are
    # not totals.
    facets_exact: bool = True


@dataclass(frozen=True)
class SearchableType:
    """How a model takes part in search. ``documents`` yields what should be in the index now;
    ``to_document`` returns ``None`` for an object that should not be (unpublished, deleted, draft)."""

    kind: str
    label: str  # shown as a facet value, translatable
    model: type
    to_document: Callable[[object], IndexDocument | None]
    documents: Callable[[], Iterable[IndexDocument]]
    facets: tuple[str, ...] = ()


class SearchBackend(ABC):
    """What every backend does. Implementations: ``search.backends.database`` (SQLite FTS5 and
    PostgreSQL full text, the embedded default) and ``search.backends.elasticsearch``."""

    @abstractmethod
    def index(self, documents: Iterable[IndexDocument]) -> int:
        """Add or replace documents; returns how many were written."""
        ...

    @abstractmethod
    def delete(self, keys: Iterable[str]) -> None: ...

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResults: ...

    @abstractmethod
    def autocomplete(
        self, prefix: str, access: frozenset[str], limit: int = 8, *, english: bool = False
    ) -> list[str]:
        """Titles for the header search box — their English titles where they have one when ``english``."""
        ...

    @abstractmethod
    def clear(self) -> None:
        """Remove every document (``search_reindex`` and evaluation use a fresh index)."""
        ...

    def optimize(self) -> None:  # noqa: B027 — optional: most backends keep themselves in shape
        """Compact the index after a bulk load (``search_reindex`` calls it); nothing by default."""
