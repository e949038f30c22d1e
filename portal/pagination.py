"""Pagination that never counts more rows than it can show.

A busy agency's inbox holds tens of thousands of rows; counting all of them on every page view costs more
than rendering the page. Lists therefore count at most ``cap`` rows (one ``LIMIT`` subquery) and say
"more than N" beyond that; older rows are reached by filtering or exporting.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


def capped_count(queryset, cap: int) -> tuple[int, bool]:
    """``(count, capped)``: the number of rows up to ``cap``, and whether there are more."""
    n = queryset[: cap + 1].count()
    return min(n, cap), n > cap


LIST_CAP = 2000


class CappedPaginator(Paginator):
    """Pages over at most ``cap`` rows. ``known_count`` — a ``(count, capped)`` pair the caller already
    holds (from a cache, say) at the same cap — saves the counting query."""

    def __init__(self, object_list, per_page, cap: int = LIST_CAP, known_count=None, **kwargs):
        self.cap = cap
        self.known_count = known_count
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        if self.known_count is not None:
            n, self.capped = self.known_count
        else:
            n, self.capped = capped_count(self.object_list, self.cap)
        return n

    capped = False
