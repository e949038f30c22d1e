"""Editors find Chinese words in Wagtail's admin search (search/wagtail_backend.py)."""

import pytest
from wagtail.models import Page

from portal.models import NewsPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(demo):
    from portal.models import NewsIndexPage

    parent = NewsIndexPage.objects.first()
    page = NewsPage(title="关于加强地理标志保护产品监管的通知", listing_summary="各成员城市开展专项检查。")
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_word_inside_a_title_is_found_by_the_backend(news):
    from wagtail.search.backends import get_search_backend

    found = list(get_search_backend().search("地理标志", Page))
    assert news.page_ptr in found or news in [p.specific for p in found]
    assert news in list(get_search_backend().search("地理標誌", NewsPage))


def test_word_inside_the_summary_is_found(news):
    from wagtail.search.backends import get_search_backend

    assert news in list(get_search_backend().search("专项检查", NewsPage))


def test_editor_finds_the_page_in_the_admin_page_search(client, demo, news):
    client.force_login(demo.editor)
    response = client.get("/admin/pages/search/", {"q": "地理标志"})
    assert response.status_code == 200
    assert "关于加强地理标志保护产品监管的通知" in response.content.decode()
    missing = client.get("/admin/pages/search/", {"q": "审批流程"})
    assert "关于加强地理标志保护产品监管的通知" not in missing.content.decode()
