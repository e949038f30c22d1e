"""``manage.py search_reindex`` — rebuild the search index from what exists now, in batches, with a
progress line on stderr. Safe to run on a live site: each batch replaces its documents in one transaction."""

import sys
import time

from django.core.management.base import BaseCommand

BATCH = 500


class Command(BaseCommand):
    help = "Rebuild the full-text search index (pages, agencies, case leads, …)."

    def add_arguments(self, parser):
        parser.add_argument("--keep", action="store_true", help="do not clear the index first")

    def handle(self, *args, keep=False, **options):
        from search.registry import get_backend, searchable_types

        backend = get_backend()
        if not keep:
            backend.clear()
        started = time.monotonic()
        total = 0
        for searchable in searchable_types():
            batch = []
            done = 0
            for document in searchable.documents():
                batch.append(document)
                if len(batch) >= BATCH:
                    done += backend.index(batch)
                    batch = []
                    self._progress(searchable.kind, done)
            if batch:
                done += backend.index(batch)
            self._progress(searchable.kind, done, end="\n")
            total += done
        elapsed = time.monotonic() - started
        self.stdout.write(f"indexed {total} documents in {elapsed:.1f}s ({type(backend).__name__})")

    def _progress(self, kind: str, done: int, end: str = "") -> None:
        sys.stderr.write(f"\r{kind:>10}: {done:>9,d}{end}")
        sys.stderr.flush()
