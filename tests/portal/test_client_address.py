"""Who the client is (its address) and how often it may try: rate limits, sign-in, the audit record."""

import pytest
from django.test import RequestFactory

from cases_exchange.audit import audit_verify
from cases_exchange.factories import LeadFactory
from cases_exchange.models import AuditEvent, PublicTip
from portal.ratelimit import client_ip
from tests.cases_exchange.conftest import world  # noqa: F401 — the fixture
from tests.cases_exchange.test_views import tip_payload

pytestmark = pytest.mark.django_db


def request_from(remote: str, forwarded: str = ""):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_believed_only_as_far_as_the_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("10.0.0.5", "1.2.3.4")) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 1  # nginx appends what it saw: the client wrote the rest
    assert client_ip(request_from("127.0.0.1", "1.2.3.4, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(request_from("127.0.0.1", "2001:DB8:0:0::1")) == "2001:db8::1"
    assert client_ip(request_from("127.0.0.1", "attacker-chosen")) == ""
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"


def test_a_changing_forwarded_for_does_not_pass_the_tip_limit(client, world):  # noqa: F811
    for n in range(5):
        response = client.post("/tips/new/", tip_payload(), HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        assert response.status_code == 302  # to the reference page
    response = client.post("/tips/new/", tip_payload(), HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert "提交过于频繁" in response.content.decode()
    assert PublicTip.objects.count() == 5


def test_one_tip_form_sends_one_tip(client, world):  # noqa: F811
    payload = tip_payload()
    assert client.post("/tips/new/", payload, REMOTE_ADDR="10.1.1.1").status_code == 302
    again = client.post("/tips/new/", payload, REMOTE_ADDR="10.1.1.2")
    assert again.status_code == 200
    assert "这份表单已经提交过" in again.content.decode()
    assert PublicTip.objects.count() == 1


def test_sign_in_is_refused_after_ten_attempts_on_one_account(client, world):  # noqa: F811
    officer = world.users["A_officer"]
    officer.set_password("correct-horse-battery")
    officer.save()
    for _n in range(10):
        response = client.post("/accounts/login/", {"username": officer.username, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(
        "/accounts/login/", {"username": officer.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "登录尝试过于频繁" in response.content.decode()
    # The admin's sign-in counts the same attempts.
    response = client.post(
        "/admin/login/", {"username": officer.username, "password": "correct-horse-battery"}
    )
    assert "登录尝试过于频繁" in response.content.decode()


def test_successful_sign_ins_are_not_counted(client, world, settings):  # noqa: F811
    """An office signs in all morning from one address: only failures count toward the limits."""
    settings.SIGN_IN_LIMIT_PER_ADDRESS = 3
    officer = world.users["A_officer"]
    officer.set_password("correct-horse-battery")
    officer.save()
    for _n in range(12):
        response = client.post(
            "/accounts/login/", {"username": officer.username, "password": "correct-horse-battery"}
        )
        assert response.status_code == 302
        client.logout()
    for _n in range(3):
        client.post("/accounts/login/", {"username": "w_B_officer", "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": officer.username, "password": "correct-horse-battery"}
    )
    assert "登录尝试过于频繁" in response.content.decode()


def test_signing_in_and_out_keeps_the_language(client, world):  # noqa: F811
    officer = world.users["A_officer"]
    officer.set_password("correct-horse-battery")
    officer.save()
    for prefix in ("/en", ""):
        response = client.post(
            f"{prefix}/accounts/login/", {"username": officer.username, "password": "correct-horse-battery"}
        )
        assert response.url == f"{prefix}/leads/"  # an officer goes to the workspace
        assert client.post(f"{prefix}/accounts/logout/").url == f"{prefix}/"


def test_the_audit_record_keeps_the_address_it_was_hashed_over(client, world, settings):  # noqa: F811
    settings.TRUSTED_PROXY_COUNT = 1
    lead = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    client.force_login(world.users["B_officer"])
    client.get(f"/leads/{lead.pk}/", HTTP_X_FORWARDED_FOR="2001:DB8:0:0::1")
    client.get(f"/leads/{lead.pk}/", HTTP_X_FORWARDED_FOR="not-an-address")
    reads = list(AuditEvent.objects.filter(action="read", object_id=str(lead.pk)).order_by("id"))
    assert [event.ip_address for event in reads[-2:]] == ["2001:db8::1", None]
    assert audit_verify().ok


def test_the_language_switch_never_links_off_the_site(client):
    html = client.get("/en//evil.example/login").content.decode()
    assert 'href="//evil.example' not in html
