"""``manage.py search_eval CORPUS QUERIES`` — score the real pipeline and backend on a judged query set.

The corpus is loaded into a throwaway index (inside a transaction that is rolled back), so running it on a
live site leaves the real index as it was. Exits with status 1 below ``--min-ndcg`` / ``--min-type-ndcg``.
"""

from django.core.management.base import BaseCommand, CommandError

from search.evaluation import DEV_SET, evaluate, read_jsonl


class Command(BaseCommand):
    help = "Evaluate search quality (nDCG@10, recall@10, MRR) on a corpus and judged queries."

    def add_arguments(self, parser):
        parser.add_argument("corpus", nargs="?", default=str(DEV_SET / "corpus.jsonl"))
        parser.add_argument("queries", nargs="?", default=str(DEV_SET / "queries.jsonl"))
        parser.add_argument("--min-ndcg", type=float, default=0.0, help="fail below this overall nDCG@10")
        parser.add_argument("--min-type-ndcg", type=float, default=0.0, help="fail below this for any type")
        parser.add_argument("--verbose-queries", action="store_true", help="print every query's nDCG@10")

    def handle(self, *args, corpus, queries, min_ndcg, min_type_ndcg, verbose_queries, **options):
        from search.registry import get_backend

        try:
            corpus_rows, query_rows = read_jsonl(corpus), read_jsonl(queries)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the evaluation files: {exc}") from exc
        backend = get_backend()
        report = evaluate(backend, corpus_rows, query_rows)
        self.stdout.write(f"backend: {type(backend).__name__}  documents: {len(corpus_rows)}")
        if verbose_queries:
            for qid, kind, text, ndcg in report.per_query:
                self.stdout.write(f"  {qid} {kind:12s} {ndcg:.3f}  {text}")
        for name, scores in report.by_type.items():
            self.stdout.write(f"{name:12s} n={scores.count:3d}  {scores.line()}")
        self.stdout.write(report.overall.line())
        failures = []
        if report.overall.ndcg < min_ndcg:
            failures.append(f"overall nDCG@10 {report.overall.ndcg:.3f} < {min_ndcg}")
        failures.extend(
            f"{name} nDCG@10 {scores.ndcg:.3f} < {min_type_ndcg}"
            for name, scores in report.by_type.items()
            if scores.ndcg < min_type_ndcg
        )
        if failures:
            self.stderr.write("below the bar: " + "; ".join(failures))
            raise SystemExit(1)
