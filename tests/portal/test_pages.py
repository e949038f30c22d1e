"""The public site as a visitor sees it: pages, language switch, 404, bounded queries, page cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

#: Each public page and the most queries it may make when rendered without the whole-page cache on a
#: running server. Wagtail's routing costs about two queries per tree level; the rest is a fixed number of
#: list queries, so the counts do not grow with the amount of content (checked below).
COLD_EXTRA_QUERIES = 13  # content types, site root paths, the menu's and breadcrumbs' specific pages

PUBLIC_PAGES = {
    "/": 12,
    "/alliances/": 12,
    "/alliances/huaihai/": 15,
    "/alliances/chengyu/": 15,
    "/news/": 12,
    "/news/huaihai-first-joint-meeting/": 12,
    "/policies/": 13,
    "/policies/?year=2022": 13,
    "/policies/xuzhou-ip-demonstration-city-plan/": 12,
    "/policies/chengdu-ip-14th-five-year-plan/": 12,
    "/about/": 9,
}


def count_queries(client, path, *, cold=False):
    """Render ``path`` bypassing the whole-page cache (a request with a messages cookie is never served
    from it). Warm (the default): the menu, Wagtail's site-root paths and content types are cached, as
    on a running server; cold: every cache is empty, as right after a publish."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import caches

    if cold:
        for alias in caches:
            caches[alias].clear()
        ContentType.objects.clear_cache()
    else:
        client.get(path)
    client.cookies["messages"] = ""
    try:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
    finally:
        del client.cookies["messages"]
    return response, queries


@pytest.mark.parametrize(("path", "max_queries"), PUBLIC_PAGES.items())
def test_public_page_renders_in_chinese_with_bounded_queries(client, demo, path, max_queries):
    response, queries = count_queries(client, path)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "知识产权保护协作门户" in html
    assert len(queries) <= max_queries, [q["sql"][:120] for q in queries]


@pytest.mark.parametrize(("path", "max_queries"), PUBLIC_PAGES.items())
def test_public_page_from_cold_caches_adds_only_the_menu(client, demo, path, max_queries):
    response, queries = count_queries(client, path, cold=True)
    assert response.status_code == 200
    assert len(queries) <= max_queries + COLD_EXTRA_QUERIES, [q["sql"][:120] for q in queries]


def test_query_count_does_not_grow_with_content(client, demo):
    from datetime import date, timedelta

    from portal.models import NewsIndexPage, NewsPage

    _response, before = count_queries(client, "/news/", cold=True)
    _response, home_before = count_queries(client, "/", cold=True)
    index = NewsIndexPage.objects.get()
    for n in range(25):
        index.add_child(
            instance=NewsPage(title=f"新增新闻{n}", slug=f"extra-{n}", date=date(2026, 1, 1) + timedelta(n))
        )
    _response, after = count_queries(client, "/news/", cold=True)
    _response, home_after = count_queries(client, "/", cold=True)
    assert len(after) == len(before)
    assert len(home_after) == len(home_before)


def test_home_page_shows_latest_news_policies_and_entry_points(client, demo):
    html = client.get("/").content.decode()
    assert "淮海经济区知识产权保护联盟召开第一次联席会议" in html
    assert "徐州市国家知识产权强市建设示范城市工作方案" in html
    for entry in ("互认保护名录", "服务机构名录", "典型案例", "线索通报与协作"):
        assert entry in html
    # Newest news first.
    assert html.index("知识产权服务机构信用评价办法征求意见") < html.index(
        "淮海经济区知识产权保护联盟召开第一次联席会议"
    )


def test_alliance_page_lists_cities_agencies_and_secretariat_from_data(client, demo):
    html = client.get("/alliances/huaihai/").content.decode()
    for city in (
        "徐州市",
        "连云港市",
        "宿迁市",
        "宿州市",
        "淮北市",
        "商丘市",
        "枣庄市",
        "济宁市",
        "临沂市",
        "菏泽市",
    ):
        assert city in html
    for mechanism in ("线索通报", "案件协办", "联合执法", "定期会商"):
        assert mechanism in html
    assert "徐州市市场监督管理局" in html.split('id="secretariat-heading"')[1]
    assert "成都市" not in html.split('id="members-heading"')[1].split("</section>")[0]


def test_alliance_page_follows_membership_changes(client, demo):
    from alliances.models import Agency, Membership

    agency = Agency.objects.create(name="徐州海关", kind="customs", city="徐州市", division_code="320300")
    Membership.objects.create(alliance=demo.huaihai, agency=agency)
    assert "徐州海关" in client.get("/alliances/huaihai/").content.decode()


def test_policy_document_shows_full_cleaned_text_with_outline(client, demo):
    html = client.get("/policies/xuzhou-ip-demonstration-city-plan/").content.decode()
    assert "徐州市人民政府" in html
    assert "构建淮海经济区知识产权保护协作机制" in html
    assert 'href="#h-' in html  # table of contents links to the headings
    assert "（四）营造浓厚氛围" in html  # the last paragraph made it


def test_policy_index_filters_by_year_and_ignores_junk(client, demo):
    html = client.get("/policies/?year=2020").content.decode()
    assert "合肥市知识产权运营服务体系建设实施方案" in html
    assert "徐州市国家知识产权强市建设示范城市工作方案" not in html
    junk = client.get("/policies/?year=abc&page=999")
    assert junk.status_code == 200
    assert "徐州市国家知识产权强市建设示范城市工作方案" in junk.content.decode()


def test_english_interface_at_en_prefix_keeps_chinese_content(client, demo):
    html = client.get("/en/alliances/huaihai/").content.decode()
    assert '<html lang="en">' in html
    assert "Member cities and agencies" in html
    assert "淮海经济区知识产权保护联盟" in html  # content is not translated
    assert 'href="/alliances/huaihai/"' in html  # switch back to Chinese
    assert 'href="/en/news/"' in html  # navigation stays in English


def test_chinese_page_offers_english_switch(client, demo):
    html = client.get("/policies/").content.decode()
    assert 'href="/en/policies/" hreflang="en"' in html


@pytest.mark.parametrize(
    ("path", "text"), [("/no-such-page/", "页面不存在"), ("/en/no-such-page/", "Page not found")]
)
def test_unknown_page_gets_translated_404(client, demo, path, text):
    response = client.get(path)
    assert response.status_code == 404
    assert text in response.content.decode()


def test_unpublished_page_is_not_served(client, demo):
    from portal.models import NewsPage

    news = NewsPage.objects.get(slug="huaihai-first-joint-meeting")
    news.unpublish()
    assert client.get("/news/huaihai-first-joint-meeting/").status_code == 404
    assert "淮海经济区知识产权保护联盟召开第一次联席会议" not in client.get("/news/").content.decode()


class TestPublicPageCache:
    def test_second_anonymous_request_is_served_from_cache_without_queries(self, client, demo):
        first = client.get("/alliances/huaihai/")
        assert first.headers["X-Page-Cache"] == "miss"
        with CaptureQueriesContext(connection) as queries:
            second = client.get("/alliances/huaihai/")
        assert second.headers["X-Page-Cache"] == "hit"
        assert second.content == first.content
        assert len(queries) == 0

    def test_publishing_a_page_refreshes_cached_pages(self, client, demo, django_capture_on_commit_callbacks):
        from portal.models import NewsPage

        client.get("/")
        assert client.get("/").headers["X-Page-Cache"] == "hit"
        news = NewsPage.objects.get(slug="huaihai-first-joint-meeting")
        news.title = "联席会议标题已更新"
        with django_capture_on_commit_callbacks(execute=True):
            news.save_revision().publish()
        response = client.get("/")
        assert response.headers["X-Page-Cache"] == "miss"
        assert "联席会议标题已更新" in response.content.decode()

    def test_alliance_data_change_refreshes_cached_pages(
        self, client, demo, django_capture_on_commit_callbacks
    ):
        client.get("/alliances/huaihai/")
        with django_capture_on_commit_callbacks(execute=True):
            demo.huaihai.contact_phone = "0516-12345678"
            demo.huaihai.save()
        assert "0516-12345678" in client.get("/alliances/huaihai/").content.decode()

    def test_signed_in_users_bypass_the_cache(self, client, demo):
        client.get("/")
        client.force_login(demo.officer)
        response = client.get("/")
        assert "X-Page-Cache" not in response.headers
        assert demo.officer.get_full_name() in response.content.decode()

    def test_error_pages_and_post_requests_are_not_cached(self, client, demo):
        client.get("/no-such-page/")
        assert "X-Page-Cache" not in client.get("/no-such-page/").headers
        assert client.post("/").status_code in (200, 403, 405)
        assert client.get("/").headers["X-Page-Cache"] == "miss"

    def test_head_request_uses_cached_entry_without_body(self, client, demo):
        client.get("/news/")
        response = client.head("/news/")
        assert response.headers["X-Page-Cache"] == "hit"
        assert response.content == b""


def test_images_on_pages_are_served_and_nothing_else_under_media(client, demo, settings):
    """A page's picture loads wherever the portal runs (make run has no proxy for /media/); documents keep
    their privacy check at /documents/, and no path climbs out of the two image directories."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "red").save(buffer, "PNG")
    image = Image.objects.create(
        title="执法现场", file=ImageFile(io.BytesIO(buffer.getvalue()), name="scene.png")
    )
    rendition = image.get_rendition("width-40")
    for url in (rendition.url, image.file.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("image/"), url
        PILImage.open(io.BytesIO(b"".join(response.streaming_content))).verify()
    document = Document.objects.create(title="内部文件", file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"))
    assert client.get(settings.MEDIA_URL + document.file.name).status_code == 404
    for path in (
        "images/../documents/plan.pdf",
        "images/%2e%2e/documents/plan.pdf",
        "images/",
        "other/x.png",
    ):
        assert client.get(settings.MEDIA_URL + path).status_code == 404, path
