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


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap: int = 2000, **kwargs):
        self.cap = cap
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self):
        n, self.capped = capped_count(self.object_list, self.cap)
        return n

    capped = False
