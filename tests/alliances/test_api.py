"""The public alliance API, token authentication and the common error format."""

import pytest

from alliances.services import agency_token_issue

pytestmark = pytest.mark.django_db


def assert_error(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]


def test_alliance_list(client, demo):
    body = client.get("/api/v1/alliances").json()
    assert {a["code"] for a in body} == {"HH", "CY"}
    huaihai = next(a for a in body if a["code"] == "HH")
    assert huaihai["agency_count"] == 30


def test_alliance_detail_has_cities_members_and_secretariat(client, demo):
    body = client.get("/api/v1/alliances/chengyu").json()
    assert [c["city"] for c in body["cities"]] == ["重庆市", "成都市", "德阳市", "眉山市", "资阳市"]
    assert body["secretariat"][0]["name"] == "成都市市场监督管理局"
    assert "名录互认" in " ".join(m["name"] for m in body["mechanisms"])


def test_agencies_are_filtered_and_paginated(client, demo):
    body = client.get("/api/v1/agencies", {"alliance": "huaihai", "kind": "court", "limit": 4}).json()
    assert body["count"] == 10
    assert len(body["results"]) == 4
    assert all(a["kind"] == "court" for a in body["results"])
    assert body["results"][0]["alliances"] == [{"alliance": "huaihai", "role": "member"}]


def test_agency_list_query_count_is_constant(client, demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/api/v1/agencies", {"limit": 100})


def test_unknown_alliance_gives_404_in_the_error_format(client, demo):
    assert_error(client.get("/api/v1/alliances/nowhere"), 404, "not_found")
    assert_error(client.get("/api/v1/agencies", {"alliance": "nowhere"}), 404, "not_found")


def test_bad_parameters_give_422_with_details(client, demo):
    error = assert_error(
        client.get("/api/v1/agencies", {"kind": "spaceship", "limit": "many"}), 422, "validation_error"
    )
    assert {tuple(d["loc"])[-1] for d in error["details"]} >= {"kind", "limit"}


def test_error_messages_follow_the_language(client, demo):
    zh = client.get("/api/v1/alliances/nowhere").json()["error"]["message"]
    en = client.get("/api/v1/alliances/nowhere", headers={"Accept-Language": "en"}).json()["error"]["message"]
    assert zh == "未找到请求的资源。"
    assert en == "Not found."


def test_me_requires_a_valid_agency_token(client, demo):
    assert_error(client.get("/api/v1/me"), 401, "not_authenticated")
    assert_error(
        client.get("/api/v1/me", headers={"Authorization": "Bearer ipp_wrong"}), 401, "not_authenticated"
    )
    _token, raw = agency_token_issue(agency=demo.xuzhou_msa, name="办案系统")
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).json()
    assert body["agency"]["name"] == "徐州市市场监督管理局"
    assert body["token_name"] == "办案系统"


def test_openapi_document_lists_endpoints_and_token_scheme(client, demo):
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/alliances", "/api/v1/alliances/{slug}", "/api/v1/agencies", "/api/v1/me"} <= set(
        spec["paths"]
    )
    assert spec["components"]["securitySchemes"]["AgencyTokenAuth"]["scheme"] == "bearer"
