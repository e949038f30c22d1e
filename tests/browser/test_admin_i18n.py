"""The admin's JavaScript-rendered interface is Chinese in a real browser (Draftail, StreamField, checks).

These strings come from /admin/jsi18n/ (``portal/locale/zh_Hans/LC_MESSAGES/djangojs.po`` on top of
Wagtail's catalogue) and are only rendered by the admin's scripts, so the test client cannot see them.
"""

import re

from playwright.sync_api import expect

from tests.admin_i18n import english_on_page

from .conftest import DEMO_PASSWORD, screenshot_dir

NEWS_TITLE = "淮海经济区知识产权保护联盟召开第一次联席会议"


def test_editor_sees_chinese_draftail_and_streamfield_controls_in_news_editor(page, portal_server):
    base = portal_server.base_url
    page.goto(base + "/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("登录")).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # Page explorer: root → 首页 → 新闻动态, then the news item's title opens its editor.
    page.goto(base + "/admin/pages/")
    page.get_by_role("link", name="查看'首页'的子页面").click()
    page.get_by_role("link", name="查看'新闻动态'的子页面").click()
    page.get_by_role("link", name=NEWS_TITLE).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))

    # StreamField: the "+" between blocks, then a new paragraph whose empty Draftail editor invites "/".
    insert = page.get_by_title("插入区块").first
    expect(insert).to_be_visible()
    insert.click()
    page.get_by_role("option", name="段落").first.click()
    empty_block = page.locator(".Draftail-block--empty").first
    expect(empty_block).to_be_visible()
    # Draftail shows its placeholder as the empty block's CSS ::before content.
    placeholder = empty_block.evaluate("block => getComputedStyle(block, '::before').content")
    assert placeholder == '"输入内容，或输入“/”插入区块"'

    # Draftail's "/" command menu: StreamField blocks and the split action.
    empty_block.click()
    page.keyboard.type("/")
    menu = page.get_by_role("listbox")
    expect(menu.get_by_text("区块", exact=True)).to_be_visible()
    expect(menu.get_by_text("动作", exact=True)).to_be_visible()
    expect(page.get_by_role("option", name="拆分区块")).to_be_visible()
    page.screenshot(path=screenshot_dir() / "admin-draftail-commands.png")
    page.keyboard.press("Escape")

    # Content checks side panel: metrics computed and labelled by the admin's scripts.
    page.get_by_role("button", name="内容检查开关").click()
    panel = page.locator("[data-side-panel='checks']")
    for label in ("内容指标", "字数", "阅读时长", "可读性"):
        expect(panel.get_by_text(label, exact=True)).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^\d+ 分钟$"))).to_be_visible()
    expect(panel.get_by_text(re.compile(r"^(良好|一般|复杂)$"))).to_be_visible()
    page.screenshot(path=screenshot_dir() / "admin-content-checks.png")

    # Nothing the scripts rendered on this screen is an English Wagtail message.
    assert english_on_page(page.content()) == []
