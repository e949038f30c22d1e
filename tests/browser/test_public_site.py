"""What a visitor and an editor see in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import screenshot_dir


def test_visitor_reads_home_alliance_and_policy_and_switches_language(page, portal_server):
    base = portal_server.base_url
    page.goto(base + "/")
    expect(page).to_have_title(re.compile("知识产权保护协作门户"))
    expect(page.get_by_role("heading", level=1)).to_have_text("知识产权保护协作门户")
    expect(page.get_by_role("heading", name="新闻动态")).to_be_visible()
    expect(page.get_by_role("link", name="徐州市国家知识产权强市建设示范城市工作方案")).to_be_visible()
    page.screenshot(path=screenshot_dir() / "home.png", full_page=True)

    # Alliance page from the hero link: cities and agencies come from data.
    page.get_by_role("link", name="淮海经济区知识产权保护联盟").first.click()
    expect(page).to_have_url(base + "/alliances/huaihai/")
    expect(page.get_by_role("heading", level=1)).to_have_text("淮海经济区知识产权保护联盟")
    members = page.locator("section.city")
    expect(members).to_have_count(10)
    expect(page.get_by_role("region", name="菏泽市")).to_contain_text("菏泽市市场监督管理局")
    expect(page.locator("aside")).to_contain_text("徐州市市场监督管理局")

    # Policy document: full text with an outline that jumps to its sections.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="政策文件").click()
    page.get_by_role("link", name="成都市知识产权保护和运用“十四五”规划").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("成都市知识产权保护和运用“十四五”规划")
    toc = page.get_by_role("navigation", name="目录")
    toc.get_by_role("link", name="第三章\u3000构建知识产权区域发展新格局").click()
    expect(page.get_by_role("heading", name="第三章\u3000构建知识产权区域发展新格局")).to_be_in_viewport()
    expect(page.get_by_text("附件下载")).to_have_count(0)

    # Switch to English: interface translated, same document, and back.
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/en/policies/chengdu-ip-14th-five-year-plan/$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Policy documents")
    expect(page.get_by_text("Issued by")).to_be_visible()
    page.screenshot(path=screenshot_dir() / "policy-en.png")
    page.get_by_role("link", name="简体中文").click()
    expect(page).to_have_url(re.compile(r"/policies/chengdu-ip-14th-five-year-plan/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_unknown_page_shows_chinese_404_with_way_home(page, portal_server):
    response = page.goto(portal_server.base_url + "/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("页面不存在")
    page.get_by_role("link", name="返回首页").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("知识产权保护协作门户")


def test_phone_layout_has_a_working_menu(browser, portal_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(portal_server.base_url + "/")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="打开菜单").click()
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="联盟介绍").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("联盟介绍")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshot_dir() / "phone-alliances.png", full_page=True)
    context.close()


def test_on_a_phone_a_policy_documents_outline_comes_before_its_text(browser, portal_server):
    """Folded between the header and the text (at the end of a 37,000-pixel page it helped no one); opened,
    it jumps to the chapter. On a wide screen it stands open beside the text."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(portal_server.base_url + "/policies/chengdu-ip-14th-five-year-plan/")
    outline = page.get_by_role("navigation", name="目录")
    chapter = outline.get_by_role("link", name="第三章\u3000构建知识产权区域发展新格局")
    expect(chapter).to_be_hidden()
    top = lambda selector: page.locator(selector).bounding_box()["y"]  # noqa: E731
    assert top(".document__header") < top(".toc") < top(".document__body")
    assert top(".toc") < 844  # on the first screen
    outline.locator("summary").click()
    expect(chapter).to_be_visible()
    page.screenshot(path=screenshot_dir() / "phone-policy-outline.png")
    chapter.click()
    expect(page.get_by_role("heading", name="第三章\u3000构建知识产权区域发展新格局")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
    wide = browser.new_context(viewport={"width": 1280, "height": 900})
    page = wide.new_page()
    page.goto(portal_server.base_url + "/policies/chengdu-ip-14th-five-year-plan/")
    outline = page.get_by_role("navigation", name="目录")
    expect(outline.get_by_role("link", name="第三章\u3000构建知识产权区域发展新格局")).to_be_visible()
    assert outline.bounding_box()["x"] > page.locator(".document__body").bounding_box()["x"] + 600  # beside
    wide.close()


def test_english_text_runs_ragged_right_and_chinese_text_shown_on_english_pages_stays_justified(
    browser, portal_server
):
    """On a phone, justified English opened wide gaps between words; a Chinese text standing in for a
    missing English one is marked as Chinese and keeps its typography."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()

    def style(selector):
        return page.locator(selector).first.evaluate(
            "e => [getComputedStyle(e).textAlign, getComputedStyle(e).textIndent]"
        )

    page.goto(portal_server.base_url + "/en/policies/xuzhou-ip-demonstration-city-plan/")
    assert style(".document__summary")[0] in ("start", "left")
    assert style(".document__body p")[0] == "justify"  # the Chinese full text
    page.goto(portal_server.base_url + "/en/news/huaihai-first-joint-meeting/")  # written in English
    assert style("article .rich-text p") == ["start", "0px"]
    # no English: the Chinese stands in, marked as Chinese
    page.goto(portal_server.base_url + "/en/news/ecommerce-trademark-joint-operation/")
    assert page.locator("article [lang=zh-Hans] .rich-text p").count() > 0
    assert style("article .rich-text p") == ["justify", "32px"]  # two characters of 16 px
    context.close()


def test_editor_signs_in_to_the_chinese_admin_and_sees_pages(page, portal_server):
    base = portal_server.base_url
    page.goto(base + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill("demo-portal-2026")
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page.locator("html")).to_have_attribute("lang", re.compile("zh"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("知识产权保护协作门户")
    page.screenshot(path=screenshot_dir() / "admin-dashboard.png")
    page.goto(base + "/admin/pages/")
    page.get_by_role("link", name="查看'首页'的子页面").click()
    page.get_by_role("link", name="查看'政策文件'的子页面").click()
    expect(page.get_by_role("link", name="徐州市国家知识产权强市建设示范城市工作方案").first).to_be_visible()
    # An editor may not manage accounts: Wagtail sends them back to the dashboard with a message.
    page.goto(base + "/admin/users/")
    expect(page).not_to_have_url(re.compile(r"/admin/users/"))
    expect(page.get_by_text("xz_officer")).to_have_count(0)
    expect(page.get_by_text(re.compile("没有权限"))).to_be_visible()


@pytest.mark.parametrize(
    ("path", "typed", "title"),
    [
        ("/", "徐州", "徐州"),
        ("/en/", "chengdu", "Chengdu-Chongqing Economic Circle IP Protection Cooperation"),
    ],
)
def test_header_suggestions_open_below_the_box_and_keep_long_titles_readable(
    page, portal_server, path, typed, title
):
    """Typing in the header's search box lists titles under it — not over what is typed — and a long title
    (the English ones are longer) wraps on the list's white background instead of running onto the dark
    header."""
    page.goto(portal_server.base_url + path)
    box = page.locator("#header-search-q")
    box.press_sequentially(typed, delay=50)
    options = page.get_by_role("option")
    expect(options.first).to_be_visible()
    expect(options.filter(has_text=title).first).to_be_visible()
    page.screenshot(path=str(screenshot_dir() / f"header-suggestions-{typed}.png"))
    typed = box.bounding_box()
    listed = page.get_by_role("listbox").bounding_box()
    assert listed["y"] >= typed["y"] + typed["height"] - 1
    assert listed["x"] + listed["width"] <= page.viewport_size["width"]
    overflowing = page.evaluate(
        "[...document.querySelectorAll('[role=option]')]"
        ".filter(o => o.scrollWidth > o.clientWidth + 1).length"
    )
    assert overflowing == 0


def test_on_a_phone_the_search_filters_come_folded_before_the_results(browser, portal_server, page):
    """On a phone the filters are one line above the first result, opened with a tap; on a wide screen they
    stand open beside the results."""
    url = portal_server.base_url + "/search/?q=" + "知识产权"
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.goto(url)
    toggle = phone.locator(".search-facets__panel > summary")
    kinds = phone.get_by_role("heading", name="类型")
    expect(toggle).to_be_visible()
    expect(kinds).to_be_hidden()
    assert toggle.bounding_box()["y"] < phone.locator(".search-hit").first.bounding_box()["y"]
    toggle.tap()
    expect(kinds).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=screenshot_dir() / "phone-search-filters.png", full_page=True)
    context.close()
    page.goto(url)
    expect(page.get_by_role("heading", name="类型")).to_be_visible()
    expect(page.locator(".search-facets__panel > summary")).to_be_hidden()
