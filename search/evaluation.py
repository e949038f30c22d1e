"""Measuring search quality on a judged query set (``manage.py search_eval``, tests/search/test_eval.py).

Metrics follow ``shared/search-eval/score.py``: over the first 10 results, nDCG with gain ``2^grade − 1``
and a log2 discount, recall against ``min(10, number of relevant documents)``, and the reciprocal rank of
the first relevant document; a query without results scores 0. Averages are per query, overall and per
query ``type``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from search.base import PUBLIC, IndexDocument, SearchBackend, SearchQuery

CUTOFF = 10
DEV_SET = Path(__file__).resolve().parent / "eval" / "dev"


def read_jsonl(path: Path | str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def ndcg_at(ranking: list[str], relevant: dict[str, int], k: int = CUTOFF) -> float:
    gains = [2 ** relevant.get(doc, 0) - 1 for doc in ranking[:k]]
    dcg = sum(gain / math.log2(position + 2) for position, gain in enumerate(gains))
    best = sorted(relevant.values(), reverse=True)[:k]
    ideal = sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(best))
    return dcg / ideal if ideal > 0 else 0.0


def recall_at(ranking: list[str], relevant: dict[str, int], k: int = CUTOFF) -> float:
    if not relevant:
        return 0.0
    found = len({doc for doc in ranking[:k] if doc in relevant})
    return found / min(k, len(relevant))


def reciprocal_rank(ranking: list[str], relevant: dict[str, int], k: int = CUTOFF) -> float:
    return next((1.0 / (position + 1) for position, doc in enumerate(ranking[:k]) if doc in relevant), 0.0)


@dataclass
class Scores:
    ndcg: float = 0.0
    recall: float = 0.0
    mrr: float = 0.0
    count: int = 0

    def line(self) -> str:
        return f"ndcg@10={self.ndcg:.3f} recall@10={self.recall:.3f} mrr={self.mrr:.3f}"


@dataclass
class Report:
    overall: Scores
    by_type: dict[str, Scores] = field(default_factory=dict)
    per_query: list[tuple[str, str, str, float]] = field(default_factory=list)  # qid, type, query, ndcg


def _average(rows: list[tuple[float, float, float]]) -> Scores:
    n = len(rows)
    if not n:
        return Scores()
    return Scores(
        ndcg=sum(r[0] for r in rows) / n,
        recall=sum(r[1] for r in rows) / n,
        mrr=sum(r[2] for r in rows) / n,
        count=n,
    )


def corpus_documents(corpus: list[dict]) -> list[IndexDocument]:
    return [
        IndexDocument(
            key=str(row["id"]),
            kind=str(row.get("kind") or "document"),
            title=str(row.get("title") or ""),
            body=str(row.get("body") or ""),
            url="",
            access=(PUBLIC,),
        )
        for row in corpus
    ]


def evaluate(
    backend: SearchBackend, corpus: list[dict], queries: list[dict], *, keep: bool = False
) -> Report:
    """Index ``corpus`` into an empty index and score ``queries`` against it. The index is emptied first
    and, unless ``keep``, everything is rolled back afterwards, so the real index is untouched."""
    rows, by_type, per_query = [], {}, []
    with transaction.atomic():
        backend.clear()
        backend.index(corpus_documents(corpus))
        for query in queries:
            results = backend.search(SearchQuery(text=query["query"], per_page=CUTOFF, highlight=False))
            ranking = [hit.key for hit in results.hits]
            relevant = {str(k): int(v) for k, v in query["relevant"].items()}
            metrics = (
                ndcg_at(ranking, relevant),
                recall_at(ranking, relevant),
                reciprocal_rank(ranking, relevant),
            )
            rows.append(metrics)
            by_type.setdefault(query.get("type", "all"), []).append(metrics)
            per_query.append((query["qid"], query.get("type", ""), query["query"], metrics[0]))
        if not keep:
            transaction.set_rollback(True)
    return Report(
        overall=_average(rows),
        by_type={name: _average(values) for name, values in sorted(by_type.items())},
        per_query=per_query,
    )
