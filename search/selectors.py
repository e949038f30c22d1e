"""Reads: who may find what, and one search for a request (views, API and autocomplete call these)."""

from __future__ import annotations

from portal.languages import on_english_pages
from search.base import PUBLIC, SearchQuery, SearchResults, agency_key
from search.registry import get_backend

FACETS = ("kind", "alliance", "city", "ip_type", "year")
#: Results are reachable up to this position (as in most web search): a broad word is narrowed with another
#: word or a facet, not paged through, and the database backend ranks a bounded set of candidates.
MAX_RESULTS = 1_000


def last_page(per_page: int) -> int:
    """The page holding result :data:`MAX_RESULTS` (pages of ``per_page``)."""
    return max(1, -(-MAX_RESULTS // max(1, per_page)))


def access_for_user(user) -> frozenset[str]:
    """``{"public"}``, plus ``agency:<id>`` for a signed-in officer whose role works with leads
    (``cases_exchange.permissions.actor_for_user`` decides, as everywhere leads are concerned)."""
    from cases_exchange.permissions import actor_for_user

    actor = actor_for_user(user)
    if actor.works_with_leads:
        return frozenset({PUBLIC, agency_key(actor.agency_id)})
    return frozenset({PUBLIC})


def search_for_user(
    *, user, text: str, filters: dict[str, tuple[str, ...]] | None = None, page: int = 1, per_page: int = 10
) -> SearchResults:
    filters = {k: tuple(v) for k, v in (filters or {}).items() if k in FACETS and v}
    per_page = max(1, min(int(per_page), 50))
    return get_backend().search(
        SearchQuery(
            text=text or "",
            access=access_for_user(user),
            filters=filters,
            page=max(1, min(int(page), last_page(per_page))),
            per_page=per_page,
            facets=FACETS,
            english=on_english_pages(),
        )
    )


def autocomplete_for_user(*, user, prefix: str, limit: int = 8) -> list[str]:
    return get_backend().autocomplete(
        prefix or "", access_for_user(user), limit=limit, english=on_english_pages()
    )
