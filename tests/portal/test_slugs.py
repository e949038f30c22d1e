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


def news_form(title, slug):
    return {
        "title": title,
        "slug": slug,
        "date": "2026-11-01",
        "source": "",
        "body-count": "0",
        "body_en-count": "0",
        "listing_summary": "",
        "seo_title": "",
        "search_description": "",
        "comment_notifications": "on",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.django_db
def test_the_digits_the_admin_script_copies_from_a_chinese_title_become_pinyin(client, demo):
    """While a Chinese title is typed, the admin's script fills the slug with its Latin letters and digits
    only: 2026, and for the next title with a year 2026 again, refused as taken. Those become pinyin; a
    slug the editor typed, and a published page's, stay as they are."""
    from portal.models import NewsIndexPage, NewsPage, User

    client.force_login(User.objects.get(username="admin"))
    add = f"/admin/pages/add/portal/newspage/{NewsIndexPage.objects.get().pk}/"
    first = "徐州市开展2026年“双打”知识产权保护专项行动（第一批）"
    second = "2026年知识产权宣传周活动启动"
    for title in (first, second, "UPOV公约与植物新品种保护"):
        copied = {first: "2026", second: "2026"}.get(title, "upov")
        response = client.post(add, news_form(title, copied))
        assert response.status_code == 302, response.content.decode()[:2000]
    slugs = dict(NewsPage.objects.filter(title__in=[first, second]).values_list("title", "slug"))
    assert slugs[first].startswith("xu-zhou-shi-kai-zhan-2026-nian-shuang-da-zhi-shi-chan-quan")
    assert slugs[second] == "2026-nian-zhi-shi-chan-quan-xuan-chuan-zhou-huo-dong-qi-dong"
    assert (
        NewsPage.objects.get(title="UPOV公约与植物新品种保护").slug
        == "upov-gong-yue-yu-zhi-wu-xin-pin-zhong-bao-hu"
    )
    dashed = client.post(add, news_form("知识产权 - 2026", "-2026"))
    assert dashed.status_code == 302
    assert NewsPage.objects.get(title="知识产权 - 2026").slug == "zhi-shi-chan-quan-2026"
    typed = client.post(add, news_form("2027年知识产权宣传周", "xuan-chuan-zhou-2027"))
    assert typed.status_code == 302
    assert NewsPage.objects.filter(slug="xuan-chuan-zhou-2027").exists()
    # A published page keeps its address, even one that looks copied.
    published = NewsPage.objects.get(title=second)
    published.slug = "2026"
    published.save_revision().publish()
    edit = client.post(f"/admin/pages/{published.pk}/edit/", news_form(second, "2026"))
    assert edit.status_code == 302, edit.content.decode()[:2000]
    published.refresh_from_db()
    assert published.slug == "2026"


@pytest.mark.django_db
def test_admin_creates_page_with_chinese_title_and_no_slug(client, demo):
    from wagtail.models import Page

    from portal.models import NewsIndexPage, User

    client.force_login(User.objects.get(username="admin"))
    add = f"/admin/pages/add/portal/newspage/{NewsIndexPage.objects.get().pk}/"
    response = client.post(add, news_form("跨区域联合执法取得成效", ""))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Page.objects.filter(slug="kua-qu-yu-lian-he-zhi-fa-qu-de-cheng-xiao").exists()
