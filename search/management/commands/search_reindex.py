"""``manage.py search_reindex`` — rebuild the search index from what exists now, in batches, with a
progress line on stderr. Safe to run on a live site: each batch replaces its documents in one transaction.

Documents of all types are written oldest first (each type's documents arrive in date order and are merged
by date): on SQLite a very broad query ranks the most recently indexed of its matches
(``search.backends.database.EXACT_UP_TO``), and after a rebuild those are the newest. Kept current on save,
the index re-indexes a document whenever it changes, so there "most recently indexed" means new or
changed lately.

Then the backend compacts what it wrote (``SearchBackend.optimize``: on SQLite one full-text segment instead
of a dozen)."""

import heapq
import sys
import time
from datetime import date

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
        streams = [searchable.documents() for searchable in searchable_types()]
        batch, total = [], 0
        for document in heapq.merge(*streams, key=lambda d: d.date or date.min):
            batch.append(document)
            if len(batch) >= BATCH:
                total += backend.index(batch)
                batch = []
                self._progress(total)
        if batch:
            total += backend.index(batch)
        self._progress(total, end="\n")
        elapsed = time.monotonic() - started
        self.stdout.write(f"indexed {total} documents in {elapsed:.1f}s ({type(backend).__name__})")
        started = time.monotonic()
        backend.optimize()
        self.stdout.write(f"optimised the index in {time.monotonic() - started:.1f}s")

    def _progress(self, done: int, end: str = "") -> None:
        sys.stderr.write(f"\rindexed: {done:>9,d}{end}")
        sys.stderr.flush()
