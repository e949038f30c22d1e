"""Correlation of leads across cities (串并案) through shared normalised identifiers.

Each lead's credit code, phone, shop URL, trademark number and patent number are stored normalised in
:class:`~cases_exchange.models.LeadIdentifier`; two leads sharing any of them are related. What a viewer
is shown is always filtered through the permission policy: a related lead the viewer may not see is not
mentioned, not even counted.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q

from portal.identifiers import (
    normalise_credit_code,
    normalise_patent_number,
    normalise_phone,
    normalise_shop_url,
    normalise_trademark_number,
)

from .models import SENSITIVE_IDENTIFIER_KINDS, CaseLead, IdentifierKind, LeadIdentifier
from .permissions import Access, Actor, lead_policy


def identifiers_of(lead: CaseLead) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    if lead.suspect_credit_code:
        found.add((IdentifierKind.CREDIT_CODE, normalise_credit_code(lead.suspect_credit_code)))
    if lead.suspect_phone and (phone := normalise_phone(lead.suspect_phone)):
        found.add((IdentifierKind.PHONE, phone))
    if lead.suspect_shop_url and (url := normalise_shop_url(lead.suspect_shop_url)):
        found.add((IdentifierKind.SHOP_URL, url))
    if lead.trademark_number and (number := normalise_trademark_number(lead.trademark_number)):
        found.add((IdentifierKind.TRADEMARK, number))
    if lead.patent_number and (number := normalise_patent_number(lead.patent_number)):
        found.add((IdentifierKind.PATENT, number))
    return found


def lead_identifiers_refresh(*, lead: CaseLead) -> None:
    """Make the stored identifiers match the lead's fields (called by the lead services on every save)."""
    wanted = identifiers_of(lead)
    current = set(LeadIdentifier.objects.filter(lead=lead).values_list("kind", "value"))
    stale = current - wanted
    for kind, value in stale:
        LeadIdentifier.objects.filter(lead=lead, kind=kind, value=value).delete()
    LeadIdentifier.objects.bulk_create(
        [LeadIdentifier(lead=lead, kind=kind, value=value) for kind, value in wanted - current],
        ignore_conflicts=True,
    )


@dataclass
class RelatedLead:
    lead: CaseLead
    shared: list[tuple[str, str]]  # (kind label, value)


def related_leads(*, actor: Actor, lead: CaseLead, limit: int = 20) -> list[RelatedLead]:
    """Other leads sharing an identifier with ``lead`` that ``actor`` may see, most recent first.

    Only identifiers ``actor`` may read on both leads link them: with the summary of a restricted lead,
    its suspect's credit code, phone and shop URL link it to nothing (they would name the suspect).
    """
    access = lead_policy.access(actor, lead)
    # The lead's identifiers as its fields give them (the stored rows are kept equal to these on save).
    mine = [
        (kind, value)
        for kind, value in sorted(identifiers_of(lead))
        if access is Access.FULL or kind not in SENSITIVE_IDENTIFIER_KINDS
    ]
    if access is Access.NONE or not mine:
        return []
    # One (kind, value) index lookup per identifier of this lead, then the policy's filter.
    same = Q()
    for kind, value in mine:
        same |= Q(kind=kind, value=value)
    candidates = LeadIdentifier.objects.filter(same).exclude(lead=lead).exclude(lead__status="draft")
    # One statement: the matching rows with their leads, newest lead first, so that a lead's rows are
    # adjacent and the first ``limit`` leads met are the most recent ones (a famous trademark's number
    # may be on thousands of leads).
    rows = (
        lead_policy.readable_identifiers(actor, candidates)
        .select_related("lead__originating_agency")
        .order_by(F("lead__sent_at").desc(nulls_last=True), "-lead_id", "kind")
    )
    related: dict[int, RelatedLead] = {}
    for row in rows[: limit * len(mine)]:
        if row.lead_id not in related:
            if len(related) == limit:
                break
            related[row.lead_id] = RelatedLead(row.lead, [])
        related[row.lead_id].shared.append((IdentifierKind(row.kind).label, row.value))
    return list(related.values())


@dataclass
class Cluster:
    kind: str
    kind_label: str
    value: str
    lead_count: int
    city_count: int
    leads: list


def clusters(*, actor: Actor, min_leads: int = 2, limit: int = 50) -> list[Cluster]:
    """Identifiers shared by several leads ``actor`` may see, in more than one city — biggest first.

    The secretariat's view of "three cities hold leads on the same seller"; every officer sees the same
    computed over the leads visible to them.
    """
    visible = lead_policy.visible(actor).exclude(status="draft")
    readable = lead_policy.readable_identifiers(actor, LeadIdentifier.objects.filter(lead__in=visible))
    groups = (
        readable.values("kind", "value")
        .annotate(
            lead_count=Count("lead", distinct=True),
            city_count=Count("lead__originating_agency__division_code", distinct=True),
        )
        .filter(lead_count__gte=min_leads, city_count__gte=2)
        .order_by("-lead_count", "-city_count", "value")[:limit]
    )
    result = []
    for group in groups:
        leads = list(
            visible.filter(pk__in=readable.filter(kind=group["kind"], value=group["value"]).values("lead_id"))
            .select_related("originating_agency")
            .order_by("-sent_at")[:20]
        )
        result.append(
            Cluster(
                kind=group["kind"],
                kind_label=IdentifierKind(group["kind"]).label,
                value=group["value"],
                lead_count=group["lead_count"],
                city_count=group["city_count"],
                leads=leads,
            )
        )
    return result
