"""The search page, autocomplete and API: bad input never errors, results are escaped, queries bounded."""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from search.base import SearchQuery
from search.registry import get_backend
from search.types import page_documents

pytestmark = pytest.mark.django_db

BAD = [
    "",
    "a" * 10_000,
    '"',
    "*",
    "NEAR",
    "OR",
    ":",
    "' OR 1=1 --",
    "😀",
    "\x01\x02",
    "<script>alert(1)</script>",
]


@pytest.fixture
def site_index(demo):
    backend = get_backend()
    backend.clear()
    backend.index(page_documents())
    return backend


@pytest.mark.parametrize("text", BAD)
def test_bad_input_on_page_api_and_autocomplete(client, site_index, text):
    page = client.get(reverse("search:search"), {"q": text})
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()
    api = client.get("/api/v1/search", {"q": text})
    assert api.status_code == 200
    assert api.json()["total"] >= 0
    suggest = client.get(reverse("search:autocomplete"), {"q": text})
    assert suggest.status_code == 200
    assert isinstance(suggest.json()["suggestions"], list)


@pytest.mark.parametrize("text", ["", "   ", "\u3000\u3000", "\t"])
def test_a_query_of_spaces_is_asked_for_words_not_answered_with_nothing_found(client, site_index, text):
    page = client.get(reverse("search:search"), {"q": text}).content.decode()
    assert "请输入要搜索的内容" in page
    assert "没有找到" not in page


def test_results_page_shows_highlights_facets_and_paging(client, site_index):
    response = client.get(reverse("search:search"), {"q": "知识产权"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>" in html
    assert "search-facets" in html


def test_junk_page_number_and_filters(client, site_index):
    response = client.get(reverse("search:search"), {"q": "知识产权", "page": "abc", "kind": "nonexistent"})
    assert response.status_code == 200
    assert "没有找到" in response.content.decode()


def test_pinyin_input_offers_chinese(client, site_index):
    response = client.get("/api/v1/search", {"q": "zhishi chanquan"})
    body = response.json()
    assert body["total"] > 0
    assert body["suggestion"] == "知识产权"
    initials = client.get("/api/v1/search", {"q": "zscq"}).json()
    assert (initials["total"], initials["suggestion"]) == (body["total"], "知识产权")


def test_header_has_search_box(client, site_index):
    html = client.get("/").content.decode()
    assert 'data-autocomplete-url="/search/autocomplete"' in html


def test_english_interface(client, site_index):
    response = client.get("/en/search/", {"q": "专利"})
    assert response.status_code == 200


def test_search_page_query_count_is_bounded(client, site_index, django_assert_max_num_queries, world):
    client.force_login(world.users["A_officer"])
    # The search itself takes at most 9 statements (counts, ranking, facets, entries); the rest is the
    # page chrome shared with every page (session, user, menu, notifications, Wagtail user bar).
    with django_assert_max_num_queries(26):
        response = client.get(reverse("search:search"), {"q": "知识产权 保护", "city": "徐州市"})
    assert response.status_code == 200


def test_a_page_is_indexed_by_its_own_words_once(demo):
    from portal.models import PolicyDocumentPage

    policy = PolicyDocumentPage.objects.live().get(title__startswith="合肥市知识产权运营服务体系")
    assert policy.listing_summary == policy.summary  # the demo copies it, as editors often do
    document = next(d for d in page_documents() if d.key == f"page:{policy.pk}")
    assert document.body.count(policy.summary) == 1  # also the listing text: indexed once
    # The editor's choice of heading level or notice tone is not what the page says.
    for label in ("二级标题", "三级标题", "提示", "注意"):
        assert label not in document.body, label


def test_a_member_agency_found_by_search_links_to_its_entry_on_the_alliance_page(client, demo):
    from alliances.models import Agency
    from search.types import agency_documents

    backend = get_backend()
    backend.clear()
    backend.index(agency_documents())
    agency = Agency.objects.get(name="宿迁市市场监督管理局")
    page = client.get(reverse("search:search"), {"q": "宿迁市市场监督管理局"}).content.decode()
    link = f'/alliances/huaihai/#agency-{agency.pk}"'
    assert f'<h2><a href="{link}>宿迁市市场监督管理局</a></h2>' in page
    assert 'href="#"' not in page
    alliance_page = client.get("/alliances/huaihai/").content.decode()
    assert f'<li id="agency-{agency.pk}">宿迁市市场监督管理局' in alliance_page


def test_a_page_number_past_the_end_shows_the_last_page(client, site_index):
    first = client.get(reverse("search:search"), {"q": "知识产权"}).content.decode()
    pages = int(first.split(" / ")[1].split(" 页")[0])  # 第 1 / N 页
    last = client.get(reverse("search:search"), {"q": "知识产权", "page": pages}).content.decode()
    past = client.get(reverse("search:search"), {"q": "知识产权", "page": 99}).content.decode()
    assert f"第 {pages} / {pages} 页" in past
    assert "没有找到" not in past
    hits = [line for line in past.splitlines() if "<h2><a href=" in line]
    assert hits
    assert hits == [line for line in last.splitlines() if "<h2><a href=" in line]


def test_agency_links_follow_their_alliance_page(demo, django_capture_on_commit_callbacks):
    """Unpublishing the alliance's page takes the agencies' links away; publishing it brings them back —
    re-indexed with the page, not only at the next full rebuild (which reads the pages once)."""
    from alliances.models import Agency
    from portal.models import AlliancePage
    from search.models import IndexEntry
    from search.types import agency_documents

    backend = get_backend()
    backend.clear()
    with CaptureQueriesContext(connection) as rebuild:
        backend.index(agency_documents())
    agencies = Agency.objects.filter(is_active=True).count()
    assert len(rebuild.captured_queries) < agencies  # not a few queries per agency
    agency = Agency.objects.get(name="宿迁市市场监督管理局")
    entry = lambda: IndexEntry.objects.get(key=f"agency:{agency.pk}")  # noqa: E731
    assert entry().url == f"/alliances/huaihai/#agency-{agency.pk}"
    page = AlliancePage.objects.get(slug="huaihai")
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert entry().url == ""
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert entry().url == f"/alliances/huaihai/#agency-{agency.pk}"


def test_the_header_box_offers_english_titles_on_the_english_pages(client, site_index):
    assert 'data-autocomplete-url="/en/search/autocomplete"' in client.get("/en/").content.decode()
    english = client.get("/en/search/autocomplete", {"q": "chengdu"}).json()["suggestions"]
    assert "Chengdu-Chongqing Economic Circle IP Protection Cooperation" in english
    chinese = client.get("/search/autocomplete", {"q": "chengdu"}).json()["suggestions"]
    assert "成渝地区双城经济圈知识产权保护合作" in chinese
    assert not any("Chongqing" in title for title in chinese)


def test_an_alliance_renamed_in_english_is_found_by_its_new_name(demo, django_capture_on_commit_callbacks):
    from alliances.models import Alliance

    backend = get_backend()
    backend.clear()
    backend.index(page_documents())
    alliance = Alliance.objects.get(page__slug="huaihai")
    alliance.name_en = "Huaihai Riverside Compact"
    with django_capture_on_commit_callbacks(execute=True):
        alliance.save()
    results = backend.search(SearchQuery(text="riverside compact", english=True))
    assert [h.url for h in results.hits] == ["/alliances/huaihai/"]


def test_the_ip_type_facet_is_named_not_coded(client, world, indexed):
    from cases_exchange.factories import LeadFactory

    with indexed():
        LeadFactory(
            author=world.users["A_officer"],
            title="砀山酥梨地理标志线索",
            ip_type="gi",
            distribution="named",
            agency_ids=[world.agencies["B"].pk],
        )
    client.force_login(world.users["B_officer"])
    page = client.get(reverse("search:search"), {"q": "砀山酥梨"}).content.decode()
    assert ">地理标志</a>" in page
    assert ">gi</a>" not in page
    english = client.get("/en/search/", {"q": "砀山酥梨"}).content.decode()
    assert ">Geographical indication</a>" in english


def test_english_results_lead_to_english_pages(client, site_index):
    english = client.get("/en/search/", {"q": "知识产权"}).content.decode()
    chinese = client.get(reverse("search:search"), {"q": "知识产权"}).content.decode()
    links = [line.split('href="')[1].split('"')[0] for line in english.splitlines() if "<h2><a href=" in line]
    assert links
    assert all(link.startswith("/en/") for link in links), links
    assert all(link.removeprefix("/en") in chinese for link in links)


def test_english_facets_name_alliances_and_cities_in_english(client, site_index):
    from bs4 import BeautifulSoup

    def facet(path, heading):
        page = BeautifulSoup(client.get(path, {"q": "知识产权"}).content.decode(), "html.parser")
        group = next(s for s in page.select(".search-facets section") if s.h2.get_text(strip=True) == heading)
        return [a.get_text(strip=True) for a in group.select("a")]

    assert "Huaihai Economic Zone IP Protection Alliance" in facet("/en/search/", "Alliance")
    english_cities = facet("/en/search/", "City")
    assert "Xuzhou" in english_cities
    assert not any("市" in city for city in english_cities), english_cities
    # Chinese pages keep the names the index holds.
    assert "徐州市" in facet("/search/", "城市")


def test_results_date_only_what_has_a_date_of_its_own(client, site_index):
    from bs4 import BeautifulSoup

    def hits(q):
        page = BeautifulSoup(client.get("/search/", {"q": q}).content.decode(), "html.parser")
        return {h.h2.get_text(strip=True): h.select_one("time") for h in page.select(".search-hit")}

    alliance = hits("淮海经济区知识产权保护联盟")
    assert alliance["淮海经济区知识产权保护联盟"] is None  # first published is not a date of the alliance
    news = [time for title, time in hits("知识产权").items() if time is not None]
    assert news, "news and policy documents keep their dates"
    # A policy document without its 成文日期 shows none: not the day it went on the web, as if it were.
    from portal.models import PolicyDocumentPage
    from search.types import page_document

    policy = PolicyDocumentPage.objects.live().first()
    dated = page_document(policy)
    assert dated.date == policy.issued_on
    assert dated.facets["year"] == (str(policy.issued_on.year),)
    policy.issued_on = None
    undated = page_document(policy)
    assert undated.date is None
    assert "year" not in undated.facets


def test_a_place_typed_freely_stays_as_typed_in_english_facets(client, world, indexed):
    from bs4 import BeautifulSoup

    from cases_exchange.factories import LeadFactory

    with indexed():
        for place in ("徐州市铜山区", "洛阳市"):
            LeadFactory(
                author=world.users["A_officer"],
                title="砀山酥梨地理标志线索",
                location_city=place,
                distribution="named",
                agency_ids=[world.agencies["B"].pk],
            )
    client.force_login(world.users["B_officer"])
    page = BeautifulSoup(client.get("/en/search/", {"q": "砀山酥梨"}).content.decode(), "html.parser")
    group = next(s for s in page.select(".search-facets section") if s.h2.get_text(strip=True) == "City")
    labels = {a.get_text(strip=True) for a in group.select("a")}
    assert labels == {"徐州市铜山区", "Luoyang"}  # not "Xuzhoushitongshanqu"


def test_a_page_made_private_leaves_the_public_index_and_the_page_cache(
    client, site_index, django_capture_on_commit_callbacks
):
    """Restricting a published page (and so the pages below it) to signed-in users takes it out of public
    search and out of the cache at once, not at the next re-publication; lifting it brings it back."""
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import PageViewRestriction

    from portal.models import NewsIndexPage, NewsPage
    from search.selectors import search_for_user

    news = NewsPage.objects.get(slug="huaihai-first-joint-meeting")
    title = news.title

    def public_hits():
        return [h.url for h in search_for_user(user=AnonymousUser(), text=title).hits]

    assert news.url in public_hits()
    assert client.get(news.url).status_code == 200
    assert client.get(news.url).headers["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=NewsIndexPage.objects.get(), restriction_type=PageViewRestriction.LOGIN
        )
    assert news.url not in public_hits()
    response = client.get(news.url)
    assert response.status_code == 302
    assert "X-Page-Cache" not in response.headers
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert news.url in public_hits()
    assert client.get(news.url).status_code == 200


def test_documents_are_dated_by_the_day_in_china_not_in_utc(world):
    """At 01:30 on New Year's Day in 徐州 it is still the 31st in UTC: a result's date and year facet are
    the day the officer and the editor saw on their calendars."""
    from datetime import UTC, date, datetime
    from zoneinfo import ZoneInfo

    from cases_exchange.factories import LeadFactory
    from portal.models import ContentPage
    from search.types import lead_document, page_document

    # As the database gives it back: in UTC, 2026-12-31 17:30.
    small_hours = datetime(2027, 1, 1, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    lead = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    lead.sent_at = small_hours
    document = lead_document(lead)
    assert (document.date, document.facets["year"]) == (date(2027, 1, 1), ("2027",))
    section = ContentPage.objects.live().first()  # dated by the day it went live
    section.first_published_at = small_hours
    document = page_document(section)
    assert (document.date, document.facets["year"]) == (date(2027, 1, 1), ("2027",))


def test_a_page_moved_into_a_private_section_leaves_public_search(
    client, site_index, django_capture_on_commit_callbacks
):
    """Moving carries a page's address and privacy with it: under a private section it is no longer found
    by visitors; moved back, it is found at its own address again."""
    from django.contrib.auth.models import AnonymousUser
    from wagtail.models import PageViewRestriction

    from portal.models import NewsIndexPage, NewsPage, PolicyIndexPage
    from search.selectors import search_for_user

    news = NewsPage.objects.get(slug="huaihai-first-joint-meeting")
    policies = PolicyIndexPage.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=policies, restriction_type=PageViewRestriction.LOGIN)

    def public_hits():
        return [h.url for h in search_for_user(user=AnonymousUser(), text=news.title).hits]

    assert "/news/huaihai-first-joint-meeting/" in public_hits()
    with django_capture_on_commit_callbacks(execute=True):
        news.move(policies, pos="last-child")
    assert not [url for url in public_hits() if url.endswith("/huaihai-first-joint-meeting/")]
    with django_capture_on_commit_callbacks(execute=True):
        NewsPage.objects.get(pk=news.pk).move(NewsIndexPage.objects.get(), pos="last-child")
    assert "/news/huaihai-first-joint-meeting/" in public_hits()


def test_an_empty_result_under_filters_says_so_and_offers_to_clear_them(client, site_index):
    html = client.get(reverse("search:search"), {"q": "知识产权", "year": "1999"}).content.decode()
    assert "在当前筛选条件下没有找到与“知识产权”相关的内容。" in html
    assert f'href="?{urlencode({"q": "知识产权"})}"' in html
    assert "可以试试更短的关键词" not in html  # the words are not what found nothing


def test_a_filter_with_many_values_folds_the_rest_under_more(client, db):
    from search.base import PUBLIC, IndexDocument

    backend = get_backend()
    backend.clear()
    backend.index(
        IndexDocument(
            key=f"n:{i}",
            kind="news",
            title=f"商标保护{i}",
            body="商标",
            url=f"/n/{i}/",
            access=(PUBLIC,),
            facets={"city": (f"城市{i:02d}",)},
        )
        for i in range(15)
    )
    html = client.get(reverse("search:search"), {"q": "商标"}).content.decode()
    shown, folded = html.split('<details class="search-facets__more"', 1)
    assert shown.count("城市") >= 12
    assert "更多（3 项）" in folded
    assert sum(f"城市{i:02d}" in folded.split("</details>", 1)[0] for i in range(15)) == 3
    assert '<details class="search-facets__more">' in html  # closed: none of them is chosen


def test_the_suggested_words_keep_the_filters_chosen(client, site_index):
    html = client.get(reverse("search:search"), {"q": "zhiya", "year": "2020"}).content.decode()
    link = urlencode({"q": "质押", "year": "2020"}).replace("&", "&amp;")
    assert f'<a href="?{link}">质押</a>' in html


def _result_titles(html: str) -> list[str]:
    from bs4 import BeautifulSoup

    return [a.get_text(strip=True) for a in BeautifulSoup(html, "html.parser").select("h2 > a")]


def test_the_api_answers_in_the_clients_language_and_links_its_pages(client, site_index):
    """``Accept-Language: en``: the English title and snippet, and the English page's address."""
    english = client.get("/api/v1/search", {"q": "mediation outcomes"}, headers={"Accept-Language": "en"})
    chinese = client.get("/api/v1/search", {"q": "mediation outcomes"})
    hit = english.json()["hits"][0]  # the page holding both words; then those holding one
    assert (hit["title"], hit["url"]) == (
        "Chengdu-Chongqing Economic Circle IP Protection Cooperation",
        "/en/alliances/chengyu/",
    )
    assert "<mark>mediation</mark>" in hit["snippet"]
    hit = chinese.json()["hits"][0]
    assert (hit["title"], hit["url"]) == ("成渝地区双城经济圈知识产权保护合作", "/alliances/chengyu/")


def test_english_words_find_what_editors_wrote_in_english_and_the_english_pages_show_it(client, site_index):
    """The alliance page's English introduction says "mediation outcomes"; no Chinese text does."""
    english = client.get("/en/search/", {"q": "mediation outcomes"}).content.decode()
    # the page holding both words; then a news item holding one (too few hold both: the search relaxes)
    assert _result_titles(english) == [
        "Chengdu-Chongqing Economic Circle IP Protection Cooperation",
        "Chengdu and Chongqing move to recognise each other's protection lists",
    ]
    assert "<mark>mediation</mark>" in english  # a snippet of the English text, marked
    # the English name is the title, not repeated as the snippet's opening words
    cooperation = client.get("/en/search/", {"q": "cooperation"}).content.decode()
    assert "Economic Circle IP Protection <mark>Cooperation</mark>" not in cooperation
    chinese = client.get("/search/", {"q": "mediation outcomes"}).content.decode()
    assert _result_titles(chinese) == [
        "成渝地区双城经济圈知识产权保护合作",
        "成渝两地推进重点品牌保护名录互认",
    ]
    # pages with no English keep their Chinese titles on the English pages
    unwritten = "联盟成员城市联合开展电商领域商标侵权专项整治"  # a news item with no English
    assert unwritten in _result_titles(client.get("/en/search/", {"q": "电商 商标侵权"}).content.decode())
