"""ASCII pinyin slugs for pages titled in Chinese (PITFALLS 10)."""

import pytest

from portal.slugs import pinyin_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("徐州市工作方案", "xu-zhou-shi-gong-zuo-fang-an"),
        ("成渝 2026 年会商", "cheng-yu-2026-nian-hui-shang"),
        ("High-Value Patents 高价值专利", "high-value-patents-gao-jia-zhi-zhuan-li"),
        ("！！！", ""),
    ],
)
def test_pinyin_slug(title, slug):
    assert pinyin_slug(title) == slug


def test_long_title_is_cut_at_a_syllable():
    slug = pinyin_slug("知识产权" * 30)
    assert len(slug) <= 80
    assert not slug.endswith("-")
    assert slug.split("-")[-1] in {"zhi", "shi", "chan", "quan"}


@pytest.mark.django_db
def test_page_with_blank_slug_gets_pinyin_slug_and_is_deduplicated(demo):
    from portal.models import NewsIndexPage, NewsPage

    index = NewsIndexPage.objects.get()
    first = index.add_child(instance=NewsPage(title="联合执法行动", slug=""))
    second = index.add_child(instance=NewsPage(title="联合执法行动", slug=""))
    assert first.slug == "lian-he-zhi-fa-xing-dong"
    assert second.slug == "lian-he-zhi-fa-xing-dong-2"


@pytest.mark.django_db
def test_admin_creates_page_with_chinese_title_and_no_slug(client, demo):
    from wagtail.models import Page

    from portal.models import NewsIndexPage, User

    client.force_login(User.objects.get(username="admin"))
    index = NewsIndexPage.objects.get()
    response = client.post(
        f"/admin/pages/add/portal/newspage/{index.pk}/",
        {
            "title": "跨区域联合执法取得成效",
            "slug": "",
            "date": "2026-11-01",
            "source": "",
            "body-count": "0",
            "listing_summary": "",
            "seo_title": "",
            "search_description": "",
            "comment_notifications": "on",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Page.objects.filter(slug="kua-qu-yu-lian-he-zhi-fa-qu-de-cheng-xiao").exists()
