"""The Content-Security-Policy of the site's pages (portal.middleware)."""

import pytest

pytestmark = pytest.mark.django_db


def test_pages_allow_only_the_site_s_own_scripts_styles_and_connections(client, demo):
    for path in ("/", "/search/?q=审批", "/tips/new/", "/accounts/login/", "/no-such-page/"):
        response = client.get(path)
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, path
        assert "style-src 'self'" in policy, path
        assert "unsafe-inline" not in policy, path


def test_the_officer_workspace_has_it_and_the_admin_and_json_do_not(client, demo):
    from portal.models import User

    client.force_login(User.objects.get(username="sq_officer"))
    assert "connect-src 'self'" in client.get("/leads/").headers["Content-Security-Policy"]
    client.force_login(User.objects.get(username="editor"))
    assert "Content-Security-Policy" not in client.get("/admin/").headers  # Wagtail's inline scripts
    assert "Content-Security-Policy" not in client.get("/api/v1/search", {"q": "审批"}).headers
