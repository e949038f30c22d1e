"""WCAG 2 A/AA checks with axe-core on the pages people use most, public and signed in."""

from pathlib import Path

import pytest

from .conftest import sign_in

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PUBLIC = [
    "/",
    "/alliances/huaihai/",
    "/policies/",
    "/policies/chengdu-ip-14th-five-year-plan/",
    "/news/",
    "/en/",
    "/no-such-page/",
    "/accounts/login/",
    "/tips/new/",
    "/tips/status/",
]
WORKSPACE = ["/leads/", "/leads/?tab=sent", "/leads/1/", "/leads/new/", "/leads/clusters/", "/notifications/"]


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async () => {
            const tags = ["wcag2a", "wcag2aa", "wcag21aa"];
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return r.violations.filter(v => ["serious", "critical"].includes(v.impact))
                .map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "));
        }"""
    )


@pytest.fixture
def checked_page(browser, portal_server):
    """A tab that may add axe-core's script to the pages, whose Content-Security-Policy allows only the
    site's own scripts (the other browser tests run under that policy)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_has_no_serious_accessibility_violations(checked_page, portal_server, path):
    checked_page.goto(portal_server.base_url + path)
    assert violations(checked_page) == []


def test_workspace_pages_have_no_serious_accessibility_violations(browser, portal_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, portal_server.base_url, "xz_officer")
    found = {}
    for path in WORKSPACE:
        page.goto(portal_server.base_url + path)
        problems = violations(page)
        if problems:
            found[path] = problems
    context.close()
    assert found == {}
