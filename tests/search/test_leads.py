"""Leaked-result tests: a case lead is found, counted and faceted only by officers of the agencies that
may view it, through the real services, signals and after-commit re-indexing."""

import re

import pytest
from django.urls import reverse

from cases_exchange.factories import LeadFactory
from cases_exchange.models import CaseLead, CaseLeadGroupObjectPermission
from search.base import PUBLIC, SearchQuery, agency_key
from search.models import IndexEntry
from search.registry import get_backend
from search.selectors import access_for_user, search_for_user

pytestmark = pytest.mark.django_db

SECRET = "仓库位于某路8号"


@pytest.fixture
def lead(world, indexed):
    with indexed():
        return LeadFactory(
            author=world.users["A_officer"],
            title="砀山酥梨假冒地理标志线索",
            summary="某网店销售假冒砀山酥梨地理标志产品。",
            details=f"机密细节：{SECRET}",
            suspect_name="某某果业商行",
            location_city="宿州市",
            distribution="named",
            agency_ids=[world.agencies["B"].pk],
        )


def find(user, text="砀山酥梨"):
    return search_for_user(user=user, text=text)


def test_sender_and_named_recipient_find_the_lead(world, lead):
    for name in ("A_officer", "B_officer", "B_liaison"):
        results = find(world.users[name])
        assert f"lead:{lead.pk}" in [h.key for h in results.hits], name


def test_outsiders_never_see_count_or_facet_the_lead(world, lead):
    for name in ("C_officer", "D_officer", "A_credit_officer", "editor", "superuser"):
        user = world.users[name]
        results = search_for_user(user=user, text="砀山酥梨")
        assert all(h.kind != "lead" for h in results.hits), name
        assert ("lead", 1) not in results.facets.get("kind", []), name
        assert results.total == search_for_user(user=user, text="砀山酥梨", filters={}).total
        assert search_for_user(user=user, text="砀山酥梨", filters={"kind": ("lead",)}).total == 0, name


def test_anonymous_never_sees_leads(world, lead, client):
    from django.contrib.auth.models import AnonymousUser

    assert access_for_user(AnonymousUser()) == frozenset({PUBLIC})
    assert search_for_user(user=AnonymousUser(), text="砀山酥梨", filters={"kind": ("lead",)}).total == 0
    response = client.get(reverse("search:search"), {"q": "砀山酥梨假冒地理标志线索"})
    assert f"/leads/{lead.pk}/" not in response.content.decode()
    api = client.get("/api/v1/search", {"q": "砀山酥梨", "kind": "lead"}).json()
    assert api["total"] == 0


def test_the_api_gives_no_score_that_would_count_hidden_leads(world, lead, client):
    """Scores come from index-wide statistics (hidden leads included): the API returns order, not scores."""
    client.force_login(world.users["B_officer"])
    hits = client.get("/api/v1/search", {"q": "砀山酥梨"}).json()["hits"]
    assert hits
    assert all(set(hit) == {"key", "kind", "title", "url", "snippet", "date"} for hit in hits)


def test_sensitive_fields_are_not_indexed(world, lead):
    officer = world.users["B_officer"]
    for text in ("仓库位于某路", "某某果业商行"):
        results = search_for_user(user=officer, text=text, filters={"kind": ("lead",)})
        assert f"lead:{lead.pk}" not in [h.key for h in results.hits], text
    entry = IndexEntry.objects.get(key=f"lead:{lead.pk}")
    assert SECRET not in entry.body


def test_revoked_grant_makes_the_lead_disappear(world, lead, indexed):
    officer = world.users["B_officer"]
    assert search_for_user(user=officer, text="砀山酥梨", filters={"kind": ("lead",)}).total == 1
    with indexed():
        CaseLeadGroupObjectPermission.objects.filter(
            content_object=lead, group_id=world.agencies["B"].group_id
        ).delete()
    assert search_for_user(user=officer, text="砀山酥梨", filters={"kind": ("lead",)}).total == 0
    assert (
        search_for_user(user=world.users["A_officer"], text="砀山酥梨", filters={"kind": ("lead",)}).total
        == 1
    )


def test_deleted_lead_leaves_the_index(world, lead, indexed):
    with indexed():
        CaseLead.objects.filter(pk=lead.pk).delete()
    assert not IndexEntry.objects.filter(key=f"lead:{lead.pk}").exists()


def test_draft_is_found_only_by_its_own_agency(world, indexed):
    with indexed():
        draft = LeadFactory(author=world.users["A_officer"], title="草稿阶段的商标线索")
    backend = get_backend()
    own = backend.search(
        SearchQuery(text="草稿阶段", access=frozenset({PUBLIC, agency_key(world.agencies["A"].pk)}))
    )
    other = backend.search(
        SearchQuery(text="草稿阶段", access=frozenset({PUBLIC, agency_key(world.agencies["B"].pk)}))
    )
    assert f"lead:{draft.pk}" in [h.key for h in own.hits]
    assert f"lead:{draft.pk}" not in [h.key for h in other.hits]


def test_the_rights_a_lead_concerns_find_it_as_they_are_printed(world, indexed):
    """A trademark registration number or patent number typed as printed (ZL, spaces, check digit or
    not) finds the lead for those who may see it, and for no one else; a suspect's credit code does not."""
    with indexed():
        lead = LeadFactory(
            author=world.users["A_officer"],
            title="假冒注册商标的网店",
            summary="网店销售仿冒产品。",
            trademark_number="30112233",
            patent_number="201710601862.3",
            suspect_credit_code="91350200776049653A",
            distribution="named",
            agency_ids=[world.agencies["B"].pk],
        )
    key = f"lead:{lead.pk}"
    for text in ("30112233", "第30112233号", "ZL 2017 1 0601862.3", "201710601862", "2017106018623"):
        assert key in [h.key for h in find(world.users["B_officer"], text).hits], text
        assert key not in [h.key for h in find(world.users["C_officer"], text).hits], text
    assert key not in [h.key for h in find(world.users["B_officer"], "91350200776049653A").hits]


def test_a_lead_is_found_by_its_reference_however_it_is_typed(world, indexed):
    """The reference an officer is told on the phone or reads in a notice (HH-2026-000123) finds the lead,
    typed with hyphens, spaces or neither, in capitals or not, in full-width characters; only for those
    who may see it. (The query used to be split into hh / 2026 / 000123, which found the alliance's page.)"""
    with indexed():
        lead = LeadFactory(
            author=world.users["A_officer"],
            title="仿冒液压配件的网店",
            summary="网店销售仿冒产品。",
            distribution="named",
            agency_ids=[world.agencies["B"].pk],
        )
    reference = lead.reference
    assert re.fullmatch(r"HH-\d{4}-\d{6}", reference)
    key = f"lead:{lead.pk}"
    typed = (
        reference,
        reference.replace("-", ""),
        reference.lower(),
        reference.translate({ord(c): ord(c) + 0xFEE0 for c in "HH-0123456789"}),  # full-width
        reference.replace("-", " "),
    )
    for text in typed:
        hits = find(world.users["B_officer"], text).hits
        assert [h.key for h in hits[:1]] == [key], text
        assert reference in hits[0].title  # leads of the same title are told apart
        assert key not in [h.key for h in find(world.users["C_officer"], text).hits], text


def test_a_lead_is_indexed_in_chinese_whoever_sent_it(world, client, indexed):
    """An officer working in English saves a lead: its index text still reads 专利 / 专利侵权 (the labels
    used to follow the sender's language, so Chinese pages showed "Patent Patent infringement")."""
    client.force_login(world.users["A_officer"])
    with indexed():
        client.post(
            "/en/leads/new/",
            {
                "alliance": world.huaihai.pk,
                "title": "英文界面起草的线索",
                "summary": "概要",
                "ip_type": "patent",
                "infringement_type": "patent_infringement",
                "channel": "offline",
                "urgency": "normal",
            },
        )
    lead = CaseLead.objects.get(title="英文界面起草的线索")
    entry = IndexEntry.objects.get(key=f"lead:{lead.pk}")
    assert "专利侵权" in entry.body
    assert "Patent" not in entry.body
    from cases_exchange.models import AuditEvent

    created = AuditEvent.objects.filter(object_id=str(lead.pk), action="create").get()
    assert (
        created.object_repr == "草稿 英文界面起草的线索"
    )  # the audit log names it in Chinese too (not "Draft …")
