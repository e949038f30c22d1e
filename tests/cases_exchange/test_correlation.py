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
        agency_ids=[world.agencies["D"].pk],
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
