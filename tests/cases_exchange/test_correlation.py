"""串并案: leads sharing identifiers are linked; viewers only ever see related leads they may see."""

import pytest

from cases_exchange.correlation import clusters, related_leads
from cases_exchange.factories import LeadFactory

from .conftest import fresh_actor

pytestmark = pytest.mark.django_db


def test_leads_sharing_an_identifier_in_any_format_are_related(world):
    first = LeadFactory(
        author=world.users["A_officer"],
        distribution="cross_alliance",
        suspect_phone="+86 139-1234-5678",
        suspect_shop_url="https://WWW.shop999.taobao.com/?spm=abc",
    )
    second = LeadFactory(
        author=world.users["B_officer"], distribution="cross_alliance", suspect_phone="13912345678"
    )
    third = LeadFactory(
        author=world.users["C_officer"],
        distribution="cross_alliance",
        suspect_phone="",
        suspect_shop_url="shop999.taobao.com",
    )
    unrelated = LeadFactory(
        author=world.users["C_officer"], distribution="cross_alliance", suspect_phone="13700000000"
    )
    related = related_leads(actor=fresh_actor(world.users["D_officer"]), lead=first)
    assert {item.lead.pk for item in related} == {second.pk, third.pk}
    assert unrelated.pk not in {item.lead.pk for item in related}
    assert ("电话", "13912345678") in next(i for i in related if i.lead.pk == second.pk).shared


def test_related_leads_the_viewer_may_not_see_are_not_mentioned(world):
    visible = LeadFactory(
        author=world.users["A_officer"],
        distribution="named",
        agency_ids=[world.agencies["B"].pk],
        suspect_phone="13611112222",
    )
    LeadFactory(
        author=world.users["C_officer"],
        distribution="named",
        agency_ids=[world.agencies["A"].pk],
        suspect_phone="13611112222",
    )
    assert related_leads(actor=fresh_actor(world.users["B_officer"]), lead=visible) == []


def test_clusters_span_cities_and_respect_visibility(world):
    code = "91350200776049653A"
    for key in ("A", "B", "C"):
        LeadFactory(
            author=world.users[f"{key}_officer"],
            distribution="alliance",
            alliance_ids=[world.huaihai.pk],
            suspect_credit_code=code,
        )
    found = clusters(actor=fresh_actor(world.users["A_secretariat"]))
    cluster = next(c for c in found if c.value == code)
    assert (cluster.lead_count, cluster.city_count) == (3, 3)
    assert all(c.value != code for c in clusters(actor=fresh_actor(world.users["D_officer"])))


def test_a_restricted_suspect_links_nothing_for_those_who_only_see_the_summary(world, client):
    """The suspect's credit code, phone and shop URL are sensitive: where a viewer only sees a restricted
    lead's summary, they neither link it to other leads nor link other leads to it (the shared value, or
    the link itself, would name the suspect); its trademark number is in the summary and still links."""
    restricted = LeadFactory(
        author=world.users["A_officer"],
        distribution="cross_alliance",
        restrict_sensitive=True,
        suspect_phone="13566660505",
        trademark_number="27450918",
    )
    same_phone = LeadFactory(
        author=world.users["B_officer"], distribution="cross_alliance", suspect_phone="135-6666-0505"
    )
    same_mark = LeadFactory(
        author=world.users["C_officer"], distribution="cross_alliance", trademark_number="第27450918号"
    )
    viewer = fresh_actor(world.users["D_officer"])

    from_restricted = related_leads(actor=viewer, lead=restricted)
    assert [item.lead.pk for item in from_restricted] == [same_mark.pk]
    assert from_restricted[0].shared == [("商标注册号", "27450918")]
    assert restricted.pk not in {item.lead.pk for item in related_leads(actor=viewer, lead=same_phone)}

    client.force_login(world.users["D_officer"])
    page = client.get(f"/leads/{restricted.pk}/").content.decode()
    assert "13566660505" not in page
    assert same_phone.display_reference not in page
    assert same_mark.display_reference in page

    # The originator reads its own suspect's phone, and so sees both links.
    originator = related_leads(actor=fresh_actor(world.users["A_officer"]), lead=restricted)
    assert {item.lead.pk for item in originator} == {same_phone.pk, same_mark.pk}


def test_clusters_leave_out_suspects_the_viewer_may_not_read(world):
    code = "91350200776049653A"
    restricted = LeadFactory(
        author=world.users["C_officer"],
        distribution="alliance",
        alliance_ids=[world.huaihai.pk],
        restrict_sensitive=True,
        suspect_credit_code=code,
    )
    open_leads = [
        LeadFactory(
            author=world.users[f"{key}_officer"],
            distribution="alliance",
            alliance_ids=[world.huaihai.pk],
            suspect_credit_code=code,
        )
        for key in ("A", "B")
    ]
    # 徐州's secretariat sees 临沂's restricted lead in summary only: the cluster is the two open leads.
    found = next(c for c in clusters(actor=fresh_actor(world.users["A_secretariat"])) if c.value == code)
    assert {lead.pk for lead in found.leads} == {lead.pk for lead in open_leads}
    assert (found.lead_count, found.city_count) == (2, 2)
    # 临沂 reads its own suspect: all three.
    found = next(c for c in clusters(actor=fresh_actor(world.users["C_officer"])) if c.value == code)
    assert {lead.pk for lead in found.leads} == {restricted.pk, *(lead.pk for lead in open_leads)}
