"""Two officers of two agencies in two browsers: a lead sent by one appears in the other's inbox without
reloading; when the receiver accepts it, the sender's lead page updates without reloading."""

import re

from playwright.sync_api import expect

from .conftest import screenshot_dir, sign_in


def draft_and_send_to_suqian(sender, base, title):
    """Draft a trademark lead as the signed-in officer of 徐州 and send it to 宿迁 by name, through the
    form and the recipient picker; its reference."""
    sender.goto(base + "/leads/new/")
    sender.get_by_label("线索标题").fill(title)
    sender.get_by_label("线索概要").fill("某网店销售假冒注册商标的液压配件，发货地在宿迁。")
    sender.get_by_label("知识产权类型").select_option("trademark")
    sender.get_by_label("违法类型").select_option("counterfeit_trademark")
    sender.get_by_label("发现渠道").select_option("ecommerce")
    sender.get_by_label("统一社会信用代码").fill("91350200776049653A")
    sender.get_by_role("button", name="保存草稿").click()
    expect(sender.get_by_text("线索草稿已保存")).to_be_visible()
    sender.get_by_label("指定单位").check()
    sender.get_by_placeholder("按城市或单位名称筛选").fill("宿迁")
    expect(sender.get_by_label("临沂市市场监督管理局")).to_be_hidden()  # the filter shortens the list
    sender.get_by_label("宿迁市市场监督管理局").check()
    sender.get_by_role("button", name="发送通报").click()
    expect(sender.get_by_text("线索已通报。")).to_be_visible()
    reference = sender.locator(".lead__ref").inner_text().split()[0]
    assert re.fullmatch(r"HH-\d{4}-\d{6}", reference)
    return reference


def two_officers(browser, base):
    """徐州's officer (the sender) and 宿迁's (the receiver), signed in in browsers of their own."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN") for _ in "ab"]
    pages = [context.new_page() for context in contexts]
    for page, username in zip(pages, ("xz_officer", "sq_officer"), strict=True):
        page.set_default_timeout(15_000)
        sign_in(page, base, username)
    return pages, contexts


def test_lead_sent_and_accepted_shows_up_live_on_both_sides(browser, portal_server):
    base = portal_server.base_url
    (sender, receiver), contexts = two_officers(browser, base)

    receiver.goto(base + "/leads/")
    expect(receiver.get_by_role("heading", level=1)).to_have_text("收到的线索")
    expect(receiver.locator("body")).to_have_attribute("data-live", "connected")
    receiver.evaluate("window.__sameDocument = true")
    unread_before = int(receiver.locator("#unread-count").get_attribute("data-unread"))

    # The sender drafts a lead and sends it to 宿迁 by name.
    reference = draft_and_send_to_suqian(sender, base, "浏览器测试：假冒配件网店")

    # The receiver's open inbox shows it without a reload, and the unread counter went up.
    row = receiver.locator("#lead-list tr", has_text="浏览器测试：假冒配件网店")
    expect(row).to_be_visible(timeout=10_000)
    expect(row).to_contain_text(reference)
    expect(receiver.locator("#unread-count")).to_have_text(str(unread_before + 1))
    assert receiver.evaluate("window.__sameDocument") is True
    receiver.screenshot(path=screenshot_dir() / "inbox-live.png")

    # The sender keeps the lead page open; the receiver accepts.
    expect(sender.locator("body")).to_have_attribute("data-live", "connected")
    sender.evaluate("window.__sameDocument = true")
    status = sender.locator("#lead-recipients [data-recipient-status]").first
    expect(status).to_have_text("已送达")
    row.get_by_role("link", name=reference).click()
    expect(receiver.get_by_role("heading", level=1)).to_have_text("浏览器测试：假冒配件网店")
    expect(status).to_have_text("已阅", timeout=10_000)  # opening it marked it read
    receiver.get_by_role("button", name="受理", exact=True).click()
    expect(receiver.get_by_text("已受理。")).to_be_visible()

    expect(status).to_have_text("已受理", timeout=10_000)
    assert sender.evaluate("window.__sameDocument") is True
    sender.screenshot(path=screenshot_dir() / "lead-accepted-live.png", full_page=True)
    for context in contexts:
        context.close()


def test_the_sender_is_offered_to_send_on_when_the_only_recipient_declines(browser, portal_server):
    base = portal_server.base_url
    (sender, receiver), contexts = two_officers(browser, base)

    draft_and_send_to_suqian(sender, base, "浏览器测试：不在本市的网店")
    lead_path = sender.url.split(base, 1)[1].split("#")[0]
    expect(sender.locator("body")).to_have_attribute("data-live", "connected")
    sender.evaluate("window.__sameDocument = true")
    expect(sender.locator("#send-more")).not_to_have_attribute("open", "")
    expect(sender.locator("#send-more-hint")).to_have_count(0)
    expect(sender.locator("#lead-status")).to_have_text("已通报")

    receiver.goto(base + lead_path)
    receiver.get_by_text("不予受理", exact=True).click()
    receiver.get_by_label("不予受理理由").fill("经核查，该网店经营地址不在本市。")
    receiver.get_by_role("button", name="确认不予受理").click()
    expect(receiver.get_by_text("已作出不予受理决定。")).to_be_visible()

    # Without a reload the sender reads the decline, is told the lead closed with nobody handling it,
    # and finds the send-on form open under the table.
    status = sender.locator("#lead-recipients [data-recipient-status]").first
    expect(status).to_have_text("不予受理", timeout=10_000)
    expect(sender.locator("#send-more-hint")).to_contain_text("可以追加通报给其他单位")
    expect(sender.locator("#lead-status")).to_have_text("已办结")  # the heading follows
    expect(sender.locator("#send-more")).to_have_attribute("open", "")
    expect(sender.get_by_label("临沂市市场监督管理局")).to_be_visible()
    assert sender.evaluate("window.__sameDocument") is True
    sender.screenshot(path=screenshot_dir() / "lead-declined-live.png", full_page=True)
    for context in contexts:
        context.close()


def test_public_tip_reaches_the_city_agency_and_status_is_checkable(browser, portal_server):
    import time

    base = portal_server.base_url
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(base + "/tips/new/")
    page.get_by_label("发生地城市").select_option(label="江苏省 · 宿迁市")
    page.get_by_label("知识产权类型").select_option(label="商标")
    page.get_by_label("发现渠道").select_option(label="电商")
    page.get_by_label("举报事项").fill("网店销售假冒白酒")
    page.get_by_label("具体情况").fill("某网店销售假冒某品牌白酒，价格明显低于市场价，疑似假货。")
    time.sleep(3.2)  # people take longer than the form's minimum fill time
    page.get_by_role("button", name="提交举报").click()
    reference = page.locator("#tip-reference").inner_text()
    assert re.fullmatch(r"JB[A-Z0-9]{10}", reference)
    page.screenshot(path=screenshot_dir() / "tip-done-phone.png", full_page=True)
    page.get_by_role("link", name="查询办理进度").click()
    expect(page.locator(".tip-status")).to_have_text("已接收，等待受理")
    context.close()


def test_workspace_fits_a_phone_screen(browser, portal_server):
    base = portal_server.base_url
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, base, "xz_officer")
    for path in (
        "/leads/",
        "/leads/?tab=sent",
        "/leads/1/",
        "/leads/new/",
        "/en/leads/new/",
        "/leads/clusters/",
        "/notifications/",
    ):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    page.goto(base + "/leads/1/")
    page.screenshot(path=screenshot_dir() / "lead-phone.png", full_page=True)
    context.close()


def test_english_agency_filter_finds_cities_and_a_file_too_big_is_refused_when_chosen(page, portal_server):
    base = portal_server.base_url
    sign_in(page, base, "xz_officer")
    page.goto(base + "/en/leads/groups/")
    picker = page.locator(".agency-picker")
    picker.locator(".agency-filter").fill("lianyungang")  # typed in lower case, in English
    shown = picker.locator(".choice:visible")
    assert shown.count() >= 1
    assert all("Lianyungang" in text for text in shown.all_text_contents())
    picker.locator(".agency-filter").fill("Atlantis")
    assert shown.count() == 0
    assert picker.locator(".empty-state").is_visible()  # said, instead of an empty box
    picker.locator(".agency-filter").fill("")
    assert not picker.locator(".empty-state").is_visible()
    # A file over the limit is refused as soon as it is chosen, before any upload.
    page.goto(base + "/leads/new/")
    limit = int(page.locator("#id_files").get_attribute("data-max-bytes"))
    page.locator("#id_files").set_input_files(
        [{"name": "录像.pdf", "mimeType": "application/pdf", "buffer": b"%PDF" + b"0" * limit}]
    )
    message = page.locator("#id_files").evaluate("box => box.validationMessage")
    assert "不能上传" in message
    assert "录像.pdf" in message
    page.locator("#id_files").set_input_files(
        [{"name": "证据.txt", "mimeType": "text/plain", "buffer": "证据".encode()}]
    )
    assert page.locator("#id_files").evaluate("box => box.validationMessage") == ""
