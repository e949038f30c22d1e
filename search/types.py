"""What the portal makes searchable today (registered from ``SearchConfig.ready``).

- public Wagtail pages — news, policy documents, alliance pages, content pages — live and not
  privacy-restricted, access ``("public",)``;
- member agencies (the public directory), access ``("public",)``;
- case leads, access ``agency:<id>`` for every agency whose group holds ``view_caselead`` on the lead —
  and only summary-level fields (title, summary, IP type, infringement type, city, reference, trademark
  and patent numbers), never
  ``CaseLead.SENSITIVE_FIELDS``: whoever can find a lead may read what matched.

Later capabilities (protected lists, service agencies, typical cases) register their own type the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from search.base import PUBLIC, IndexDocument, SearchableType, agency_key
from search.registry import register

PAGE_KINDS = {
    "newspage": ("news", _("新闻动态")),
    "policydocumentpage": ("policy_document", _("政策文件")),
    "alliancepage": ("alliance", _("联盟")),
    "contentpage": ("page", _("栏目页面")),
}


def in_site_language(build):
    """Build a document in the site's language (Chinese), whoever's request or command triggered it: the
    labels it copies (IP type, agency kind) would otherwise be in the language of the last person to act."""

    @functools.wraps(build)
    def wrapped(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return build(*args, **kwargs)

    return wrapped


def _stream_text(page, field_name: str) -> str:
    field = page._meta.get_field(field_name)
    value = getattr(page, field_name)
    try:
        parts = field.get_searchable_content(value)
    except (AttributeError, TypeError):
        parts = [str(value or "")]
    return " ".join(strip_tags(str(p)) for p in parts if p)


@in_site_language
def page_document(page) -> IndexDocument | None:
    """A live, public page as an :class:`IndexDocument`; ``None`` for drafts and restricted pages."""
    page = page.specific
    model = type(page)._meta.model_name
    if model not in PAGE_KINDS or not page.live:
        return None
    if page.get_view_restrictions().exists():
        return None
    kind, _label = PAGE_KINDS[model]
    body_parts = [getattr(page, "listing_summary", "")]
    facets: dict[str, tuple[str, ...]] = {}
    names: list[str] = []
    date = None
    if kind == "policy_document":
        body = _stream_text(page, "body")
        body_parts = [page.issuer, page.document_number, page.summary, *body_parts, body]
        date = page.issued_on
        if page.region:
            facets["city"] = (page.region,)
    elif kind == "news":
        body_parts = [page.source, *body_parts, _stream_text(page, "body")]
        date = page.date
    elif kind == "alliance":
        alliance = page.alliance
        body = _stream_text(page, "body")
        body_parts = [strip_tags(page.intro or ""), alliance.description, *body_parts, body]
        facets["alliance"] = (alliance.short_name or alliance.name,)
        names = [alliance.name, alliance.short_name]
    else:
        body_parts = [*body_parts, _stream_text(page, "body")]
    # A policy document's date is its 成文日期: without one it has none (the day it went on the web is not
    # the document's, and shown beside it would read as one).
    if date is None and page.first_published_at and kind != "policy_document":
        date = timezone.localdate(page.first_published_at)  # the day in China, not in UTC
    if date:
        facets["year"] = (str(date.year),)
    # What the English pages show, when an editor wrote it (label, intro_label, body_label, summary_label)
    english = [strip_tags(getattr(page, "intro_en", "") or ""), getattr(page, "summary_en", "")]
    if hasattr(page, "body_en"):
        english.append(_stream_text(page, "body_en"))
    title_en = page.english_title
    if kind == "alliance":  # its English name: the title when the page has none, else searchable text
        name_en = page.alliance.name_en
        if not title_en:
            title_en = name_en
        elif name_en and name_en != title_en:
            english.insert(0, name_en)
    return IndexDocument(
        key=f"page:{page.pk}",
        kind=kind,
        title=page.title,
        body=" ".join(dict.fromkeys(p for p in body_parts if p)),  # a summary copied as listing text: once
        url=page.url or "",
        access=(PUBLIC,),
        date=date,
        names=tuple(n for n in names if n),
        facets=facets,
        title_en=title_en,
        body_en=" ".join(dict.fromkeys(p for p in english if p)),
    )


def page_documents() -> Iterable[IndexDocument]:
    from wagtail.models import Page

    documents = []
    for page in Page.objects.live().public().specific().iterator(chunk_size=200):
        document = page_document(page)
        if document is not None:
            documents.append(document)
    # Oldest first, as search_reindex merges every type's documents by date (pages number thousands).
    yield from sorted(documents, key=lambda d: d.date or date.min)


@in_site_language
def agency_document(agency, alliance_pages: dict[int, str] | None = None) -> IndexDocument | None:
    """A member agency for the public directory; ``alliance_pages`` (alliance id → page URL) read once by a
    full rebuild, else looked up for this agency."""
    if not agency.is_active:
        return None
    memberships = [m for m in agency.memberships.all() if m.is_active]  # prefetched by a full rebuild
    alliances = [m.alliance.short_name or m.alliance.name for m in memberships]
    return IndexDocument(
        key=f"agency:{agency.pk}",
        kind="agency",
        title=agency.name,
        body=" ".join(
            p for p in (agency.get_kind_display(), agency.province, agency.city, agency.address) if p
        ),
        url=_agency_url(agency, [m.alliance_id for m in memberships], alliance_pages),
        access=(PUBLIC,),
        names=tuple(n for n in (agency.name, agency.short_name) if n),
        facets={"city": (agency.city,), "alliance": tuple(alliances), "agency_type": (agency.kind,)},
    )


def alliance_page_urls(alliance_ids=None) -> dict[int, str]:
    """``alliance id → URL`` of each live, public alliance page (the first in the tree where several)."""
    from portal.models import AlliancePage

    pages = AlliancePage.objects.live().public().order_by("-path")
    if alliance_ids is not None:
        pages = pages.filter(alliance_id__in=alliance_ids)
    return {page.alliance_id: page.url for page in pages if page.url}


def _agency_url(agency, alliance_ids, alliance_pages=None) -> str:
    """Where the public reads about a member agency: its entry in the member list of its (first)
    alliance's page; none while no alliance page is published."""
    pages = alliance_page_urls(alliance_ids) if alliance_pages is None else alliance_pages
    for alliance_id in sorted(alliance_ids):
        if alliance_id in pages:
            return f"{pages[alliance_id]}#agency-{agency.pk}"
    return ""


def agency_documents() -> Iterable[IndexDocument]:
    from alliances.models import Agency

    pages = alliance_page_urls()
    agencies = Agency.objects.filter(is_active=True).prefetch_related("memberships__alliance")
    for agency in agencies.iterator(chunk_size=200):
        document = agency_document(agency, pages)
        if document is not None:
            yield document


def lead_access(lead_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """``agency:<id>`` keys of the agencies whose group may view each lead (one query)."""
    from alliances.models import Agency
    from cases_exchange.models import CaseLeadGroupObjectPermission

    grants = CaseLeadGroupObjectPermission.objects.filter(
        content_object_id__in=lead_ids, permission__codename="view_caselead"
    ).values_list("content_object_id", "group_id")
    agency_of_group = dict(
        Agency.objects.filter(group_id__in={g for _, g in grants}).values_list("group_id", "pk")
    )
    access: dict[int, list[str]] = {}
    for lead_id, group_id in grants:
        if group_id in agency_of_group:
            access.setdefault(lead_id, []).append(agency_key(agency_of_group[group_id]))
    return {k: tuple(sorted(set(v))) for k, v in access.items()}


@in_site_language
def lead_document(lead, access: tuple[str, ...] | None = None) -> IndexDocument | None:
    """Summary-level fields of a lead, visible to the agencies that may view it (none: not indexed)."""
    if access is None:
        access = lead_access([lead.pk]).get(lead.pk, ())
    if not access:
        return None
    when = lead.sent_at or lead.created_at
    day = timezone.localdate(when) if when else None  # the day in China (its small hours are UTC's yesterday)
    return IndexDocument(
        key=f"lead:{lead.pk}",
        kind="lead",
        # Leads often share a title (the same seller reported by two cities): the reference tells them
        # apart in the results, as it does in the inbox.
        title=f"{lead.display_reference} {lead.title}",
        body=" ".join(
            p
            for p in (
                lead.summary,
                lead.get_ip_type_display(),
                lead.get_infringement_type_display(),
                lead.location_city,
            )
            if p
        ),
        url=f"/leads/{lead.pk}/",
        access=access,
        date=day,
        # The rights it concerns, as the lead's summary shows them (a suspect's identifiers are sensitive).
        identifiers=tuple(i for i in (lead.reference, lead.trademark_number, lead.patent_number) if i),
        facets={
            "ip_type": (lead.ip_type,),
            "city": (lead.location_city,) if lead.location_city else (),
            "year": (str(day.year),) if day else (),
        },
    )


def lead_documents() -> Iterable[IndexDocument]:
    from cases_exchange.models import CaseLead

    batch: list = []
    # Oldest first by the date the document carries (search_reindex merges every type's documents by date).
    dated = CaseLead.objects.annotate(when=Coalesce("sent_at", "created_at")).order_by("when", "pk")
    for lead in dated.iterator(chunk_size=500):
        batch.append(lead)
        if len(batch) == 500:
            yield from _lead_batch(batch)
            batch = []
    yield from _lead_batch(batch)


def _lead_batch(leads: list) -> Iterable[IndexDocument]:
    access = lead_access([lead.pk for lead in leads])
    for lead in leads:
        document = lead_document(lead, access.get(lead.pk, ()))
        if document is not None:
            yield document


def register_types() -> None:
    from wagtail.models import Page

    from alliances.models import Agency
    from cases_exchange.models import CaseLead

    register(
        SearchableType(
            kind="page",
            label=_("页面"),
            model=Page,
            to_document=page_document,
            documents=page_documents,
            facets=("kind", "alliance", "city", "year"),
        )
    )
    register(
        SearchableType(
            kind="agency",
            label=_("成员单位"),
            model=Agency,
            to_document=agency_document,
            documents=agency_documents,
            facets=("kind", "alliance", "city", "agency_type"),
        )
    )
    register(
        SearchableType(
            kind="lead",
            label=_("案件线索"),
            model=CaseLead,
            to_document=lead_document,
            documents=lead_documents,
            facets=("kind", "ip_type", "city", "year"),
        )
    )


KIND_LABELS = {
    "news": _("新闻动态"),
    "policy_document": _("政策文件"),
    "alliance": _("联盟"),
    "page": _("栏目页面"),
    "agency": _("成员单位"),
    "lead": _("案件线索"),
}
