"""``GET /api/v1/search`` — the same search as ``/search/``, for the signed-in user's session (officers
also find the leads they may view) or anonymously (public content only)."""

from datetime import date

from ninja import Field, Query, Router, Schema

from portal.api import ErrorOut
from portal.languages import address_in_language
from search.selectors import last_page, search_for_user

router = Router(tags=["search"])


class SearchParams(Schema):
    q: str = ""
    kind: list[str] = []
    alliance: list[str] = []
    city: list[str] = []
    ip_type: list[str] = []
    year: list[str] = []
    page: int = 1
    page_size: int = 10


class HitOut(Schema):
    """One result. No relevance score: it is computed from statistics over the whole index, leads
    the caller may not see included, so its changes would tell how many hidden leads hold a word."""

    key: str
    kind: str
    title: str = Field(description="the English title where an editor gave one, for `Accept-Language: en`")
    url: str = Field(description="the page in the client's language (`Accept-Language: en`: /en/…)")
    snippet: str
    date: date | None


class FacetValueOut(Schema):
    value: str
    count: int


class SearchOut(Schema):
    q: str
    total: int
    total_exact: bool = Field(
        description="false: at least `total` results (counting stops at 2,000); pages reach the first 1,000"
    )
    facets_exact: bool = Field(
        description="false: facet counts cover the best candidates of a very broad query, not every match"
    )
    page: int
    page_size: int
    suggestion: str | None
    hits: list[HitOut]
    facets: dict[str, list[FacetValueOut]]


@router.get("/search", response={200: SearchOut, 422: ErrorOut}, summary="全文检索")
def search(request, params: Query[SearchParams]):
    text = "".join(ch for ch in params.q if ch.isprintable())[:1000]
    page_size = max(1, min(params.page_size, 50))
    page = max(1, min(params.page, last_page(page_size)))
    filters = {
        name: tuple(getattr(params, name))[:10]
        for name in ("kind", "alliance", "city", "ip_type", "year")
        if getattr(params, name)
    }
    results = search_for_user(user=request.user, text=text, filters=filters, page=page, per_page=page_size)
    return {
        "q": text,
        "total": results.total,
        "total_exact": results.total_exact,
        "facets_exact": results.facets_exact,
        "page": page,
        "page_size": page_size,
        "suggestion": results.suggestion,
        "hits": [{**h.__dict__, "url": address_in_language(h.url)} for h in results.hits],
        "facets": {
            name: [{"value": v, "count": c} for v, c in values] for name, values in results.facets.items()
        },
    }
