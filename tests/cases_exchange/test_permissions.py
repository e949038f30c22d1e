"""Who learns what about a lead: every role × distribution level × path (page, API, attachment, export,
notification, websocket replay). Nobody outside the distribution learns anything — not even that the lead
exists: their answer is the same as for an id that does not exist."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from cases_exchange.consumers import replay
from cases_exchange.factories import LeadFactory
from cases_exchange.models import Notification
from cases_exchange.permissions import LEAD_ROLES, Access, lead_policy
from cases_exchange.services import attachment_add

from .conftest import fresh_actor

pytestmark = pytest.mark.django_db

LEVELS = {
    # level: agencies (keys of the world) that see the lead
    "draft": {"A"},
    "named": {"A", "B"},
    "alliance": {"A", "B", "C"},
    "cross_alliance": {"A", "B", "C", "D"},
}
MISSING_ID = 987654321


def make_lead(world, level, *, restricted=False):
    author = world.users["A_officer"]
    kwargs = {"restrict_sensitive": restricted}
    if level == "named":
        kwargs.update(distribution="named", agency_ids=[world.agencies["B"].pk])
    elif level == "alliance":
        kwargs.update(distribution="alliance", alliance_ids=[world.huaihai.pk])
    elif level == "cross_alliance":
        kwargs.update(distribution="cross_alliance")
    lead = LeadFactory(author=author, details="机密细节：仓库位于某路 8 号", **kwargs)
    attachment = attachment_add(
        actor=fresh_actor(author),
        lead=lead,
        uploaded_file=SimpleUploadedFile(
            "evidence.pdf", b"%PDF-1.4 test evidence", content_type="application/pdf"
        ),
        is_sensitive=True,
    )
    return lead, attachment


def may_see(world, user_key, level) -> bool:
    user = world.users[user_key]
    agency = next((k for k, a in world.agencies.items() if a.pk == user.agency_id), None)
    return agency in LEVELS[level] and user.role in LEAD_ROLES


def users(world):
    return [*world.users.items(), ("anonymous", None)]


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("level", LEVELS)
def test_lead_page(client, world, level):
    lead, _attachment = make_lead(world, level)
    for key, user in users(world):
        login(client, user)
        response = client.get(f"/leads/{lead.pk}/")
        if user is not None and may_see(world, key, level):
            assert response.status_code == 200, key
            assert lead.title in response.content.decode()
        else:
            missing = client.get(f"/leads/{MISSING_ID}/")
            assert response.status_code in (302, 403, 404), key
            assert response.status_code == missing.status_code, key
            assert lead.title not in response.content.decode()


@pytest.mark.parametrize("level", LEVELS)
def test_lead_api(client, world, level):
    lead, _attachment = make_lead(world, level)
    for key, user in users(world):
        login(client, user)
        response = client.get(f"/api/v1/leads/{lead.pk}")
        if user is not None and may_see(world, key, level):
            assert response.status_code == 200, key
            assert response.json()["title"] == lead.title
        else:
            missing = client.get(f"/api/v1/leads/{MISSING_ID}")
            assert response.status_code in (401, 403, 404), key
            assert (response.status_code, response.json()) == (missing.status_code, missing.json()), key
        listing = client.get("/api/v1/leads", {"limit": 200})
        ids = (
            {row["id"] for row in listing.json().get("results", [])} if listing.status_code == 200 else set()
        )
        assert (lead.pk in ids) == (user is not None and may_see(world, key, level)), key
        # The lead's discussion answers exactly as the lead does: 200 for those who see it, else what a
        # lead that does not exist gets.
        thread = client.get(f"/api/v1/leads/{lead.pk}/comments")
        if user is not None and may_see(world, key, level):
            assert thread.status_code == 200, key
        else:
            missing = client.get(f"/api/v1/leads/{MISSING_ID}/comments")
            assert (thread.status_code, thread.json()) == (missing.status_code, missing.json()), key


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("restricted", [False, True])
def test_attachment_download(client, world, level, restricted):
    lead, attachment = make_lead(world, level, restricted=restricted)
    for key, user in users(world):
        login(client, user)
        response = client.get(f"/leads/{lead.pk}/files/{attachment.pk}/")
        sees = user is not None and may_see(world, key, level)
        full = sees and (not restricted or user.agency_id == world.agencies["A"].pk)
        if full:
            assert response.status_code == 200, key
            assert b"".join(response.streaming_content) == b"%PDF-1.4 test evidence"
        else:
            assert response.status_code in (302, 403, 404), key


@pytest.mark.parametrize("level", LEVELS)
def test_export(client, world, level):
    lead, _attachment = make_lead(world, level)
    for key, user in users(world):
        if user is None or user.role not in LEAD_ROLES:
            continue
        login(client, user)
        found = False
        for tab in ("received", "sent", "drafts"):
            response = client.get("/leads/export.xlsx", {"tab": tab})
            assert response.status_code == 200
            sheet = load_workbook(io.BytesIO(response.content)).active
            found |= any(lead.title in [cell.value for cell in row] for row in sheet.iter_rows())
        assert found == may_see(world, key, level), key


@pytest.mark.parametrize("level", LEVELS)
def test_notifications_and_feed(client, world, level):
    lead, _attachment = make_lead(world, level)
    for key, user in users(world):
        if user is None:
            continue
        notified = Notification.objects.filter(recipient=user, lead=lead).exists()
        receives = may_see(world, key, level) and user.agency_id != world.agencies["A"].pk
        assert notified == receives, key
        login(client, user)
        feed = client.get("/notifications/feed", {"after": 0}).json()
        assert any(item["lead_id"] == lead.pk for item in feed["items"]) == receives, key
        assert all(lead.summary not in item["body"] for item in feed["items"])


@pytest.mark.parametrize("level", LEVELS)
def test_websocket_replay(world, level):
    lead, _attachment = make_lead(world, level)
    # Notifications that exist but whose lead is no longer visible are not replayed either.
    stale = make_lead(world, "named")[0]
    Notification.objects.create(recipient=world.users["D_officer"], kind="lead_received", lead=stale)
    for key, user in world.users.items():
        user.__dict__.pop("_lead_actor", None)
        replayed = replay(user, 0)
        lead_ids = set(
            Notification.objects.filter(pk__in=[pk for pk, _kind in replayed]).values_list(
                "lead_id", flat=True
            )
        )
        assert (lead.pk in lead_ids) == (may_see(world, key, level) and key[0] != "A"), key
        assert stale.pk not in lead_ids or may_see(world, key, "named"), key


def test_restricted_lead_shows_summary_but_not_sensitive_fields(client, world):
    lead, _attachment = make_lead(world, "named", restricted=True)
    client.force_login(world.users["B_officer"])
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert lead.summary in page
    assert "机密细节" not in page
    assert "13800000000" not in page
    body = client.get(f"/api/v1/leads/{lead.pk}").json()
    assert body["full_access"] is False
    assert body["details"] is None
    assert body["suspect_phone"] is None
    assert body["attachments"] == []
    client.force_login(world.users["A_officer"])
    assert "机密细节" in client.get(f"/leads/{lead.pk}/").content.decode()


def test_granted_access_reveals_sensitive_fields_to_that_agency_only(world):
    from cases_exchange.services import access_request_create, access_request_decide

    lead, _attachment = make_lead(world, "alliance", restricted=True)
    request = access_request_create(actor=world.actors["B_officer"], lead=lead, reason="需要核查主体")
    access_request_decide(actor=world.actors["A_liaison"], access_request=request, grant=True)
    lead.refresh_from_db()
    lead.__dict__.pop("_policy_memo", None)
    assert lead_policy.access(fresh_actor(world.users["B_officer"]), lead) is Access.FULL
    assert lead_policy.access(fresh_actor(world.users["C_officer"]), lead) is Access.SUMMARY


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    level=st.sampled_from(["draft", "named", "alliance", "cross_alliance"]),
    named=st.sets(st.sampled_from(["B", "C"]), min_size=1),  # 徐州 names 淮海's members
    restricted=st.booleans(),
    viewer=st.sampled_from(
        [
            "A_officer",
            "A_liaison",
            "A_credit_officer",
            "B_officer",
            "B_liaison",
            "C_officer",
            "D_officer",
            "D_credit_officer",
            "editor",
            "superuser",
        ]
    ),
)
def test_random_distributions_and_users(world, level, named, restricted, viewer):
    """Property: a user sees a lead iff their agency originated it or is among the recipients the level
    implies, and their role works with leads; full access iff additionally not restricted or originator."""
    kwargs = {"restrict_sensitive": restricted}
    recipients = set()
    if level == "named":
        kwargs.update(distribution="named", agency_ids=[world.agencies[k].pk for k in named])
        recipients = set(named)
    elif level == "alliance":
        kwargs.update(distribution="alliance", alliance_ids=[world.huaihai.pk])
        recipients = {"B", "C"}
    elif level == "cross_alliance":
        kwargs.update(distribution="cross_alliance")
        recipients = {"B", "C", "D"}
    lead = LeadFactory(author=world.users["A_officer"], **kwargs)
    user = world.users[viewer]
    actor = fresh_actor(user)
    agency = next((k for k, a in world.agencies.items() if a.pk == user.agency_id), None)
    expected_visible = user.role in LEAD_ROLES and (agency == "A" or agency in recipients)
    assert lead_policy.visible(actor).filter(pk=lead.pk).exists() == expected_visible
    expected = Access.NONE
    if expected_visible:
        expected = Access.FULL if (agency == "A" or not restricted) else Access.SUMMARY
    assert lead_policy.access(actor, lead) is expected
