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
    # The admin's sign-in counts the same attempts, and so does Wagtail's front-end sign-in address.
    for door in ("/admin/login/", "/_util/login/", "/en/_util/login/"):
        response = client.post(door, {"username": officer.username, "password": "correct-horse-battery"})
        assert response.status_code == 200, door
        assert "登录尝试过于频繁" in response.content.decode() or "Too many sign-in attempts" in (
            response.content.decode()
        ), door
    assert "_auth_user_id" not in client.session


def test_every_sign_in_form_in_the_url_map_counts_failed_attempts():
    """No address signs anyone in through a form that does not count failures (Wagtail adds its own
    front-end one; a new package may add more)."""
    from django.contrib.auth.views import LoginView
    from django.urls import URLPattern, URLResolver, get_resolver

    from portal.ratelimit import RateLimitedSignIn

    def views(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from views(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    sign_ins = {}
    for route, callback in views(get_resolver().url_patterns):
        view_class = getattr(callback, "view_class", None)
        if view_class is not None and issubclass(view_class, LoginView):
            sign_ins[route] = view_class(**getattr(callback, "view_initkwargs", {})).get_form_class()
    for door in ("admin/login/", "accounts/login/", "_util/login/"):
        assert any(route.endswith(door) for route in sign_ins), (door, sign_ins)
    unlimited = [r for r, form in sign_ins.items() if not (form and issubclass(form, RateLimitedSignIn))]
    # Wagtail's own route stays in its URL list, behind ours, which answers first (the test above).
    assert len(unlimited) <= 1, unlimited
    assert all(route.endswith("_util/login/") for route in unlimited), unlimited


def test_a_private_page_sends_visitors_to_the_portal_sign_in(client, world):  # noqa: F811
    from wagtail.models import PageViewRestriction

    from portal.models import NewsIndexPage

    PageViewRestriction.objects.create(
        page=NewsIndexPage.objects.get(), restriction_type=PageViewRestriction.LOGIN
    )
    response = client.get("/news/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/news/"
    response = client.get("/en/news/")
    assert response["Location"] == "/en/accounts/login/?next=/en/news/"


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


def test_private_pages_and_documents_are_for_signed_in_users_not_a_shared_password(world):  # noqa: F811
    """Wagtail would also let an editor put a page or a document collection behind one password, whose
    check counts no failures and records no reader: the choice is not offered."""
    from wagtail.admin.forms.collections import CollectionViewRestrictionForm
    from wagtail.admin.forms.pages import PageViewRestrictionForm
    from wagtail.models import PageViewRestriction

    page_form = PageViewRestrictionForm(
        private_page_options=[PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN]
    )
    offered = [code for code, _label in page_form.fields["restriction_type"].choices]
    assert offered == [PageViewRestriction.NONE, PageViewRestriction.LOGIN]
    assert "password" not in page_form.fields
    collection_form = CollectionViewRestrictionForm()
    offered = [code for code, _label in collection_form.fields["restriction_type"].choices]
    assert PageViewRestriction.PASSWORD not in offered
    assert PageViewRestriction.LOGIN in offered


def test_pages_kept_behind_a_shared_password_become_private_to_signed_in_users(client, world):  # noqa: F811
    """A restriction from before the option went away would still be checked by Wagtail's unthrottled
    password form: the migration turns it into a sign-in restriction, still closed to the public."""
    from importlib import import_module

    from django.apps import apps
    from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

    from portal.models import NewsIndexPage

    page_lock = PageViewRestriction.objects.create(
        page=NewsIndexPage.objects.get(), restriction_type=PageViewRestriction.PASSWORD, password="123456"
    )
    collection_lock = CollectionViewRestriction.objects.create(
        collection=Collection.get_first_root_node(), restriction_type="password", password="123456"
    )
    assert client.get("/news/").status_code == 200  # Wagtail's password form, open to guessing
    import_module("portal.migrations.0006_no_shared_page_passwords").passwords_to_sign_in(apps, None)
    for lock in (page_lock, collection_lock):
        lock.refresh_from_db()
        assert (lock.restriction_type, lock.password) == ("login", "")
    assert client.get("/news/")["Location"] == "/accounts/login/?next=/news/"
    client.force_login(world.users["A_officer"])
    assert client.get("/news/").status_code == 200
