"""``/search/`` (results page) and ``/search/autocomplete`` (JSON for the header box): thin views over
``search.selectors``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _lazy

from alliances.divisions import PROVINCES, city_label, is_city_name
from alliances.models import Alliance
from alliances.selectors import city_english_names
from cases_exchange.models import IPType
from portal.languages import address_in_language, on_english_pages
from search.base import FACET_VALUES
from search.selectors import FACETS, MAX_RESULTS, autocomplete_for_user, last_page, search_for_user
from search.types import KIND_LABELS

PER_PAGE = 10
#: Each filter lists its first values by how many results hold them, the rest (up to
#: :data:`search.base.FACET_VALUES`) under "more": the city list of a broad query runs to twenty and more.
FACET_VALUES_SHOWN = 12
FACET_LABELS = {
    "kind": _lazy("类型"),
    "alliance": _lazy("联盟"),
    "city": _lazy("城市"),
    "ip_type": _lazy("知识产权类型"),
    "year": _lazy("年份"),
}


#: Kinds with no date of their own: the index dates them by first publication (for the year facet), which
#: on a result would read as the date of an alliance or a section page.
UNDATED_KINDS = {"alliance", "page", "agency"}

#: Facets whose values are codes, and what they are called on the page.
VALUE_LABELS = {"kind": KIND_LABELS, "ip_type": dict(IPType.choices)}


def _english_place_names(facet: str, values) -> dict:
    """On English pages, the alliance and city facets' values — the Chinese names the index keeps — by
    their English names (the alliance's, the city's typed in or in pinyin); nothing on Chinese pages."""
    if not on_english_pages() or facet not in ("alliance", "city"):
        return {}
    if facet == "alliance":  # the index names an alliance by its short name where it has one
        alliances = Alliance.objects.filter(Q(name__in=values) | Q(short_name__in=values)).exclude(name_en="")
        return {
            name: name_en
            for short_name, full_name, name_en in alliances.values_list("short_name", "name", "name_en")
            for name in (short_name, full_name)
            if name
        }
    # Only the names of cities and provinces are translated: a lead's or a policy's place is free text
    # (徐州市铜山区) and stays as typed rather than become one long pinyin word.
    cities = city_english_names(values)
    return {
        value: city_label(value, cities.get(value, ""))
        for value in values
        if value in cities or value in PROVINCES.values() or is_city_name(value)
    }


def _int(value, default=1) -> int:
    try:
        return max(1, min(int(value), 100))
    except (TypeError, ValueError):
        return default


def _clean_text(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch.isprintable())[:1000]


def search_page(request):
    text = _clean_text(request.GET.get("q", "")).strip()  # spaces alone are no query
    filters = {name: tuple(v for v in request.GET.getlist(name) if v)[:10] for name in FACETS}
    filters = {k: v for k, v in filters.items() if v}
    page = _int(request.GET.get("page"))
    results = search_for_user(user=request.user, text=text, filters=filters, page=page, per_page=PER_PAGE)
    base = {"q": text, **{k: list(v) for k, v in filters.items()}}

    def link(**changes) -> str:
        params = {**base, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v}, doseq=True)

    facets = []
    for name, values in results.facets.items():
        if not values:
            continue
        chosen = set(filters.get(name, ()))
        items = []
        values = values[:FACET_VALUES]
        labels = {**VALUE_LABELS.get(name, {}), **_english_place_names(name, [v for v, _n in values])}
        for value, count in values:
            label = str(labels.get(value, value))
            selected = value in chosen
            toggled = sorted(chosen - {value}) if selected else sorted(chosen | {value})
            url = link(**{name: toggled})
            items.append({"label": label, "count": count, "selected": selected, "url": url})
        shown, more = items[:FACET_VALUES_SHOWN], items[FACET_VALUES_SHOWN:]
        facets.append(
            {
                "name": name,
                "label": FACET_LABELS[name],
                "items": shown,
                "more": more,  # folded under "more", open when one of them is chosen
                "more_open": any(item["selected"] for item in more),
            }
        )
    pages = min(max(1, (results.total + PER_PAGE - 1) // PER_PAGE), last_page(PER_PAGE))
    if page > pages and results.total:  # an old link or a typed number past the end: the last page
        page = pages
        results = search_for_user(user=request.user, text=text, filters=filters, page=page, per_page=PER_PAGE)
    context = {
        "q": text,
        "results": results,
        "hits": [
            {
                "hit": h,
                "kind_label": KIND_LABELS.get(h.kind, h.kind),
                "url": address_in_language(h.url),
                "date": None if h.kind in UNDATED_KINDS else h.date,
            }
            for h in results.hits
        ],
        "facets": facets,
        "page_number": page,
        "pages": pages,
        "max_results": MAX_RESULTS,
        "previous_url": link(page=page - 1) if page > 1 else "",
        "next_url": link(page=page + 1) if page < pages else "",
        "suggestion_url": link(q=results.suggestion) if results.suggestion else "",  # filters kept
        "filtered": bool(filters),
        "clear_url": "?" + urlencode({"q": text}),
    }
    return render(request, "search/search_page.html", context)


def autocomplete(request):
    prefix = _clean_text(request.GET.get("q", ""))[:100]
    suggestions = autocomplete_for_user(user=request.user, prefix=prefix) if prefix.strip() else []
    return JsonResponse({"q": prefix, "suggestions": suggestions})
