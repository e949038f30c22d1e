"""/api/v1/leads for member systems (agency token) and the browser (session with CSRF)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliances.services import agency_token_issue
from cases_exchange.factories import LeadFactory
from cases_exchange.models import AuditEvent, CaseLead, LeadAttachment, LeadRecipient, Notification

pytestmark = pytest.mark.django_db

LEAD = {
    "title": "接口通报的线索",
    "summary": "某网店销售假冒商品。",
    "ip_type": "trademark",
    "infringement_type": "counterfeit_trademark",
    "channel": "ecommerce",
    "suspect_credit_code": "91350200776049653A",
}


@pytest.fixture
def tokens(world):
    return {key: agency_token_issue(agency=world.agencies[key], name="办案系统")[1] for key in "ABCD"}


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def sent_to_b(client, world, tokens) -> dict:
    """A lead agency A's system creates and sends to agency B by name, as the API answers (201)."""
    response = client.post(
        "/api/v1/leads",
        {**LEAD, "send": {"distribution": "named", "agency_ids": [world.agencies["B"].pk]}},
        content_type="application/json",
        headers=auth(tokens["A"]),
    )
    assert response.status_code == 201, response.json()
    return response.json()


def test_member_system_creates_and_sends_a_lead(client, world, tokens):
    body = sent_to_b(client, world, tokens)
    assert body["reference"].startswith("HH-")
    assert body["status"] == "sent"
    assert [r["agency"] for r in body["recipients"]] == ["宿迁市市场监督管理局"]
    lead = CaseLead.objects.get(pk=body["id"])
    assert lead.source == "api"
    assert lead.created_by is None


def test_recipient_system_accepts_and_reports(client, world, tokens):
    lead_id = sent_to_b(client, world, tokens)["id"]
    listing = client.get("/api/v1/leads", {"box": "received"}, headers=auth(tokens["B"])).json()
    assert lead_id in [row["id"] for row in listing["results"]]
    assert all(row["originating_agency"] != "宿迁市市场监督管理局" for row in listing["results"])
    assert client.post(f"/api/v1/leads/{lead_id}/accept", headers=auth(tokens["B"])).status_code == 200
    response = client.post(
        f"/api/v1/leads/{lead_id}/feedback",
        {
            "kind": "filed",
            "case_number": "宿市监立〔2026〕7号",
            "goods_seized": 10,
            "value_involved": "1200.50",
        },
        content_type="application/json",
        headers=auth(tokens["B"]),
    )
    assert response.status_code == 200, response.json()
    row = LeadRecipient.objects.get(lead_id=lead_id, agency=world.agencies["B"])
    assert (row.status, row.goods_seized, str(row.value_involved)) == ("feedback", 10, "1200.50")


def test_outsider_token_gets_404_in_the_common_format(client, world, tokens):
    lead_id = sent_to_b(client, world, tokens)["id"]
    for path in (f"/api/v1/leads/{lead_id}", f"/api/v1/leads/{lead_id}/accept"):
        method = client.get if path.endswith(str(lead_id)) else client.post
        response = method(path, headers=auth(tokens["C"]))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**LEAD, "suspect_credit_code": "91350200776049653B"}, "suspect_credit_code"),
        ({**LEAD, "ip_type": "spaceship"}, "ip_type"),
        ({**LEAD, "estimated_value": "-5"}, "estimated_value"),
    ],
)
def test_bad_input_is_422_with_field_details_and_nothing_saved(client, world, tokens, payload, field):
    before = CaseLead.objects.count()
    response = client.post(
        "/api/v1/leads", payload, content_type="application/json", headers=auth(tokens["A"])
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert field in [d["loc"][-1] for d in error["details"]]
    assert CaseLead.objects.count() == before


def test_workflow_refusals_are_422_with_the_chinese_message(client, world, tokens):
    lead_id = sent_to_b(client, world, tokens)["id"]
    response = client.post(
        f"/api/v1/leads/{lead_id}/feedback",
        {"kind": "filed"},
        content_type="application/json",
        headers=auth(tokens["B"]),
    )
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "线索尚未受理，不能反馈办理结果。请先受理。"
    response = client.post(
        f"/api/v1/leads/{lead_id}/transfer",
        {"to_agency_id": world.agencies["D"].pk, "reason": "跨联盟"},
        content_type="application/json",
        headers=auth(tokens["B"]),
    )
    assert response.status_code == 422
    assert "不是本线索所属联盟的有效成员单位" in response.json()["error"]["message"]


def test_sending_a_draft_with_no_valid_recipients_leaves_it_a_draft(client, world, tokens):
    response = client.post(
        "/api/v1/leads",
        {**LEAD, "send": {"distribution": "named", "agency_ids": [999999]}},
        content_type="application/json",
        headers=auth(tokens["A"]),
    )
    assert response.status_code == 422
    assert not CaseLead.objects.filter(title=LEAD["title"]).exists()


def test_session_clients_need_csrf_for_writes(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["A_officer"])
    response = client.post("/api/v1/leads", LEAD, content_type="application/json")
    assert response.status_code in (401, 403)
    assert client.get("/api/v1/leads").status_code == 200


def test_openapi_documents_the_lead_endpoints(client, world):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/leads",
        "/api/v1/leads/{lead_id}",
        "/api/v1/leads/{lead_id}/transfer",
        "/api/v1/leads/{lead_id}/feedback",
    ):
        assert path in paths


def test_openapi_says_what_the_codes_mean_and_what_each_step_needs(client, world):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    lead_in = schemas["LeadCreateIn"]["properties"]
    assert "`patent` 专利" in lead_in["ip_type"]["description"]
    assert "`gi` 地理标志" in lead_in["ip_type"]["description"]
    assert "校验位" in lead_in["suspect_credit_code"]["description"]
    send = schemas["SendIn"]["properties"]["distribution"]["description"]
    assert "`alliance`" in send
    assert "`draft`" not in send
    assert "移送公安" in schemas["FeedbackIn"]["properties"]["kind"]["description"]
    accept = document["paths"]["/api/v1/leads/{lead_id}/accept"]["post"]
    assert "422" in accept["description"]
    assert 'href="/api/v1/docs"' in client.get("/").content.decode()  # found from the portal's footer


def test_an_unknown_status_filter_is_refused_not_answered_with_nothing(client, world, tokens):
    response = client.get("/api/v1/leads", {"status": "open"}, headers=auth(tokens["B"]))
    assert response.status_code == 422
    assert client.get("/api/v1/leads", {"status": "sent"}, headers=auth(tokens["B"])).status_code == 200
    assert client.get("/api/v1/leads", {"status": ""}, headers=auth(tokens["B"])).status_code == 200  # any


def test_the_originator_names_more_recipients_for_a_sent_lead(client, world, tokens):
    lead = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    path = f"/api/v1/leads/{lead.pk}/recipients"
    c, d = world.agencies["C"].pk, world.agencies["D"].pk
    # 成都 is no member of 淮海; 宿迁 holds the lead already, and may not name others: nothing is written.
    refused = [
        (tokens["A"], [d], 422),
        (tokens["A"], [world.agencies["B"].pk], 422),
        (tokens["B"], [c], 422),
        (tokens["D"], [c], 404),  # 成都 does not see the lead
    ]
    for token, agency_ids, status in refused:
        response = client.post(
            path, {"agency_ids": agency_ids}, content_type="application/json", headers=auth(token)
        )
        assert response.status_code == status, response.json()
    assert LeadRecipient.objects.filter(lead=lead).count() == 1
    response = client.post(
        path, {"agency_ids": [c]}, content_type="application/json", headers=auth(tokens["A"])
    )
    assert response.status_code == 200, response.json()
    assert [r["agency"] for r in response.json()["recipients"]] == [
        "宿迁市市场监督管理局",
        "临沂市市场监督管理局",
    ]


def test_member_systems_discuss_and_upload_through_the_api(client, world, tokens):
    lead_id = sent_to_b(client, world, tokens)["id"]
    said = client.post(
        f"/api/v1/leads/{lead_id}/comments",
        {"body": "已派员核查该店铺。"},
        content_type="application/json",
        headers=auth(tokens["B"]),
    )
    assert said.status_code == 201, said.json()
    thread = client.get(f"/api/v1/leads/{lead_id}/comments", headers=auth(tokens["A"])).json()
    assert [(c["agency"], c["body"]) for c in thread] == [("宿迁市市场监督管理局", "已派员核查该店铺。")]
    assert Notification.objects.filter(kind="lead_comment", recipient__agency=world.agencies["A"]).exists()
    empty = client.post(
        f"/api/v1/leads/{lead_id}/comments",
        {"body": ""},
        content_type="application/json",
        headers=auth(tokens["B"]),
    )
    assert empty.status_code == 422
    # An agency outside the distribution learns nothing, not even that the lead exists.
    for response in (
        client.get(f"/api/v1/leads/{lead_id}/comments", headers=auth(tokens["C"])),
        client.post(
            f"/api/v1/leads/{lead_id}/comments",
            {"body": "?"},
            content_type="application/json",
            headers=auth(tokens["C"]),
        ),
        client.post(
            f"/api/v1/leads/{lead_id}/attachments",
            {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n")},
            headers=auth(tokens["C"]),
        ),
    ):
        assert response.status_code == 404
    uploaded = client.post(
        f"/api/v1/leads/{lead_id}/attachments",
        {"file": SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4\n"), "is_sensitive": "false"},
        headers=auth(tokens["B"]),
    )
    assert uploaded.status_code == 200, uploaded.json()
    assert [a["name"] for a in uploaded.json()["attachments"]] == ["现场照片.pdf"]
    refused = client.post(
        f"/api/v1/leads/{lead_id}/attachments",
        {"file": SimpleUploadedFile("旧合同.doc", b"\xd0\xcf\x11\xe0")},
        headers=auth(tokens["B"]),
    )
    assert refused.status_code == 422
    assert "旧版文档" in refused.json()["error"]["message"]
    assert LeadAttachment.objects.filter(lead_id=lead_id).count() == 1
    assert AuditEvent.objects.filter(action="upload", object_id=str(lead_id)).count() == 1


def test_the_agencies_api_names_cities_in_english_too(client, world):
    body = client.get("/api/v1/alliances/huaihai").json()
    xuzhou = next(c for c in body["cities"] if c["city"] == "徐州市")
    assert xuzhou["city_en"] == "Xuzhou"
    assert {a["city_en"] for a in xuzhou["agencies"]} == {"Xuzhou"}


def test_full_reads_are_recorded_and_summary_reads_are_not_as_the_document_says(client, world, tokens):
    """DESIGN §7 records every read of a full lead: B reads the restricted lead's summary without a
    record; once A grants it the sensitive fields, each read through the API is recorded."""
    from cases_exchange.services import access_request_create, access_request_decide

    lead = LeadFactory(
        author=world.users["A_officer"],
        distribution="alliance",
        alliance_ids=[world.huaihai.pk],
        restrict_sensitive=True,
        suspect_credit_code="91350200776049653A",
    )
    reads = AuditEvent.objects.filter(action="read", object_type="caselead", object_id=str(lead.pk))
    summary = client.get(f"/api/v1/leads/{lead.pk}", headers=auth(tokens["B"])).json()
    assert summary["suspect_credit_code"] is None
    assert reads.count() == 0
    asked = access_request_create(actor=world.actors["B_officer"], lead=lead, reason="需要核查主体")
    access_request_decide(actor=world.actors["A_liaison"], access_request=asked, grant=True)
    for _n in range(2):
        full = client.get(f"/api/v1/leads/{lead.pk}", headers=auth(tokens["B"])).json()
        assert full["suspect_credit_code"] == lead.suspect_credit_code
    assert reads.count() == 2
    described = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/leads/{lead_id}"]["get"]
    assert "每次读取完整线索（含敏感字段）都记入审计日志；只能看到摘要时不记录。" in described["description"]
