"""The officer interface and the public tip forms, as browsers use them (Django test client)."""

import csv
import hashlib
import io
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases_exchange.factories import LeadFactory
from cases_exchange.models import (
    AuditEvent,
    CaseLead,
    LeadAttachment,
    LeadComment,
    LeadRecipient,
    Notification,
    PublicTip,
)
from cases_exchange.presentation import notification_text

pytestmark = pytest.mark.django_db


def parse_html(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def page_queries(client, path) -> tuple[int, int]:
    """Queries for ``path`` with the agency's tab counts not yet cached, and then cached."""
    from django.core.cache import cache

    cache.clear()
    counts = []
    for _attempt in ("cold", "warm"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def send_to_b(world, **kwargs):
    return LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk], **kwargs
    )


class TestWorkspace:
    def test_anonymous_is_sent_to_sign_in(self, client, world):
        response = client.get("/leads/")
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")

    def test_an_empty_overdue_tab_says_nothing_is_overdue(self, client, world):
        send_to_b(world)  # received today: within its deadlines
        client.force_login(world.users["B_officer"])
        empty = parse_html(client.get("/leads/", {"tab": "overdue"})).select_one("#lead-list .empty-state")
        assert empty.get_text(strip=True) == "没有逾期的线索：本单位的受理和反馈都在期限之内。"

    def test_editor_has_no_workspace(self, client, world):
        client.force_login(world.users["editor"])
        response = client.get("/leads/")
        assert response.status_code == 403
        page = response.content.decode()
        assert "无权访问" in page
        assert "请联系本单位的联络员或联盟秘书处" in page
        english = client.get("/en/leads/")
        assert english.status_code == 403
        assert "Access denied" in english.content.decode()

    def test_inbox_lists_received_leads_with_counts(self, client, world):
        lead = send_to_b(world, urgency="urgent")
        client.force_login(world.users["B_officer"])
        html = client.get("/leads/").content.decode()
        assert lead.reference in html
        assert "紧急" in html
        assert 'class="is-unread"' in html

    def test_inbox_query_count_does_not_grow_with_leads(self, client, world):
        client.force_login(world.users["B_officer"])
        send_to_b(world)
        few = page_queries(client, "/leads/")
        for _n in range(30):
            send_to_b(world)
        assert page_queries(client, "/leads/") == few

    def test_sent_tab_query_count_does_not_grow(self, client, world):
        client.force_login(world.users["A_officer"])
        send_to_b(world)
        few = page_queries(client, "/leads/?tab=sent")
        for _n in range(20):
            LeadFactory(
                author=world.users["A_officer"], distribution="alliance", alliance_ids=[world.huaihai.pk]
            )
        assert page_queries(client, "/leads/?tab=sent") == few

    def test_cached_tab_counts_follow_sending_reading_and_drafting(
        self, client, world, django_capture_on_commit_callbacks
    ):
        from cases_exchange.permissions import actor_for_user
        from cases_exchange.selectors import lead_counts

        b_actor = actor_for_user(world.users["B_officer"])
        a_actor = actor_for_user(world.users["A_officer"])
        before_b, before_a = lead_counts(actor=b_actor), lead_counts(actor=a_actor)
        with django_capture_on_commit_callbacks(execute=True):
            lead = send_to_b(world)
        assert lead_counts(actor=b_actor)["unread"][0] == before_b["unread"][0] + 1
        assert lead_counts(actor=a_actor)["sent"][0] == before_a["sent"][0] + 1
        client.force_login(world.users["B_officer"])
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get(f"/leads/{lead.pk}/").status_code == 200  # opening it marks it read
        assert lead_counts(actor=b_actor)["unread"][0] == before_b["unread"][0]
        LeadFactory(author=world.users["A_officer"])  # a draft
        assert lead_counts(actor=a_actor)["drafts"][0] == before_a["drafts"][0] + 1
        html = client.get("/leads/").content.decode()
        assert "未读" in html

    def test_warm_inbox_is_read_from_the_agency_cache(self, client, world):
        client.force_login(world.users["B_officer"])
        send_to_b(world)
        cold, warm = page_queries(client, "/leads/")
        # session, user, agency of the actor, unread notifications: the list itself is cached
        assert warm <= 4 < cold

    def test_cached_inbox_follows_new_leads_and_status_changes(
        self, client, world, django_capture_on_commit_callbacks
    ):
        client.force_login(world.users["B_officer"])
        first = send_to_b(world)
        assert first.reference in client.get("/leads/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            second = send_to_b(world)
        html = client.get("/leads/?fragment=1").content.decode()
        assert second.reference in html
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/leads/{second.pk}/act/accept/")
        row = client.get("/leads/").content.decode().split(second.reference)[1].split("</tr>")[0]
        assert "已受理" in row

    def test_the_senders_cached_list_follows_each_recipients_progress(
        self, client, world, django_capture_on_commit_callbacks
    ):
        """徐州's sent tab shows 宿迁 · 已送达; once 宿迁 opens the lead, and again once it accepts, 徐州
        reads 宿迁 · 已阅 and 宿迁 · 已受理 at once, not when its cached copy of the list runs out."""
        lead = send_to_b(world)
        client.force_login(world.users["A_officer"])

        def progress():
            page = parse_html(client.get("/leads/", {"tab": "sent"}))
            row = next(tr for tr in page.select("#lead-list tbody tr") if lead.reference in tr.get_text())
            return row.select_one('td[data-label="接收单位办理情况"]').get_text(" ", strip=True)

        def accept():
            client.post(f"/leads/{lead.pk}/act/accept/")

        assert progress() == "宿迁市市场监督管理局 · 已送达"
        for step, shown in ((lambda: client.get(f"/leads/{lead.pk}/"), "已阅"), (accept, "已受理")):
            client.force_login(world.users["B_officer"])
            with django_capture_on_commit_callbacks(execute=True):
                step()
            client.force_login(world.users["A_officer"])
            assert progress() == f"宿迁市市场监督管理局 · {shown}"

    def test_cached_inbox_belongs_to_one_agency(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        assert lead.reference in client.get("/leads/").content.decode()
        client.force_login(world.users["C_officer"])
        assert lead.reference not in client.get("/leads/").content.decode()

    def test_removed_grant_drops_the_lead_from_the_cached_inbox(
        self, client, world, django_capture_on_commit_callbacks
    ):
        from cases_exchange.models import CaseLeadGroupObjectPermission

        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        assert lead.reference in client.get("/leads/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            CaseLeadGroupObjectPermission.objects.filter(
                content_object=lead, group_id=world.agencies["B"].group_id
            ).delete()
        assert lead.reference not in client.get("/leads/").content.decode()

    def test_a_lead_pages_tab_says_which_lead_it_is(self, client, world):
        """Officers keep several leads open in tabs: each is named by its reference and its title."""
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        title = parse_html(client.get(f"/leads/{lead.pk}/")).title.get_text()
        assert title == f"{lead.reference} {lead.title} · 知识产权保护协作门户"

    def test_lead_page_query_count_is_bounded(self, client, world):
        lead = LeadFactory(
            author=world.users["A_officer"], distribution="cross_alliance", suspect_phone="13500002468"
        )
        LeadFactory(
            author=world.users["C_officer"], distribution="cross_alliance", suspect_phone="13500002468"
        )
        client.force_login(world.users["B_officer"])

        def count():
            client.get(f"/leads/{lead.pk}/")
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/leads/{lead.pk}/").status_code == 200
            return len(queries), [q["sql"][:100] for q in queries]

        first, sql = count()
        # The same statements however many comments, related leads and access requests the lead has.
        for n in range(3):
            LeadComment.objects.create(
                lead=lead,
                author=world.users[f"{'ABC'[n]}_officer"],
                agency=world.agencies["ABC"[n]],
                body="补充",
            )
            LeadFactory(
                author=world.users["C_officer"], distribution="cross_alliance", suspect_phone="13500002468"
            )
        assert count()[0] == first
        # The session, the user with the agency, the lead with its permissions, its recipients, the audit
        # record (four statements), attachments, comments, access requests, related leads (one), the
        # notification counter.
        assert first <= 15, sql

    def test_an_outcome_reads_in_the_page_language(self, client, world):
        from decimal import Decimal

        from cases_exchange import services
        from cases_exchange.permissions import actor_for_user

        lead = send_to_b(world)
        b = actor_for_user(world.users["B_officer"])
        row = services.recipient_accept(actor=b, recipient=LeadRecipient.objects.get(lead=lead))
        services.recipient_feedback(
            actor=b,
            recipient=row,
            kind="filed",
            case_number="宿市监立〔2026〕88号",
            goods_seized=320,
            value_involved=Decimal("125000.00"),
        )
        client.force_login(world.users["A_officer"])

        def outcome(path):
            cells = parse_html(client.get(path)).select("#lead-recipients td")
            return cells[-1].get_text(strip=True)  # the last column: 结果 / Outcome

        chinese = outcome(f"/leads/{lead.pk}/")
        assert chinese == "立案（宿市监立〔2026〕88号），查扣 320 件，涉案 125000.00 元"
        english = outcome(f"/en/leads/{lead.pk}/")
        assert "（" not in english
        assert "，" not in english
        assert "(宿市监立〔2026〕88号), " in english

    def test_a_refused_transfer_or_decline_opens_its_form_again_as_it_was(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        response = client.post(f"/leads/{lead.pk}/act/transfer/", {"to_agency": "", "reason": "属于公安管辖"})
        assert response["Location"].endswith(f"/leads/{lead.pk}/#handle")
        page = parse_html(client.get(response["Location"]))
        transfer = page.select_one("details#transfer")
        assert transfer.has_attr("open")
        assert not page.select_one("details#decline").has_attr("open")
        assert transfer.select_one("[role=alert]").get_text(strip=True) == "请选择移送的单位。"
        assert transfer.select_one("textarea").get_text() == "属于公安管辖"
        assert not page.select(".flash .field-error")  # said inside the form, not at the top
        # The agency chosen is kept too when the reason is what was missing.
        linyi = world.agencies["C"]
        client.post(f"/leads/{lead.pk}/act/transfer/", {"to_agency": linyi.pk, "reason": "  "})
        transfer = parse_html(client.get(f"/leads/{lead.pk}/")).select_one("details#transfer")
        assert transfer.select_one("option[selected]")["value"] == str(linyi.pk)
        assert "移送必须说明理由" in transfer.select_one("[role=alert]").get_text()
        # Shown once: a reload is the page as it is.
        again = parse_html(client.get(f"/leads/{lead.pk}/"))
        assert not again.select_one("details#transfer").has_attr("open")
        client.post(f"/leads/{lead.pk}/act/decline/", {"reason": "   "})
        decline = parse_html(client.get(f"/leads/{lead.pk}/")).select_one("details#decline")
        assert decline.has_attr("open")
        assert "不予受理必须说明理由" in decline.select_one("[role=alert]").get_text()
        assert LeadRecipient.objects.get(lead=lead).status == "read"  # nothing was decided
        # A colleague accepted it meanwhile: the late decline's refusal is said at the top of the page.
        from cases_exchange import services
        from cases_exchange.permissions import actor_for_user

        services.recipient_accept(
            actor=actor_for_user(world.users["B_officer"]), recipient=LeadRecipient.objects.get(lead=lead)
        )
        client.post(f"/leads/{lead.pk}/act/decline/", {"reason": "不在本市"})
        late = parse_html(client.get(f"/leads/{lead.pk}/"))
        assert late.select_one("details#decline") is None
        said = " ".join(f.get_text(" ", strip=True) for f in late.select(".flash"))
        assert "当前状态为“已受理”，不能作不予受理决定。" in said  # not lost with the form
        assert LeadRecipient.objects.get(lead=lead).status == "accepted"

    def test_opening_a_received_lead_marks_it_read_and_tells_the_sender(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        client.get(f"/leads/{lead.pk}/")
        assert LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"]).status == "read"
        assert Notification.objects.filter(
            recipient=world.users["A_officer"], lead=lead, kind="lead_status"
        ).exists()

    def test_create_form_shows_chinese_errors_and_saves_nothing(self, client, world):
        client.force_login(world.users["A_officer"])
        before = CaseLead.objects.count()
        response = client.post(
            "/leads/new/",
            {
                "alliance": world.huaihai.pk,
                "title": "测试",
                "summary": "概要",
                "ip_type": "trademark",
                "infringement_type": "counterfeit_trademark",
                "channel": "ecommerce",
                "urgency": "normal",
                "suspect_credit_code": "91350200776049653B",
            },
        )
        assert response.status_code == 200
        assert "校验位错误" in response.content.decode()
        assert CaseLead.objects.count() == before

    LEAD_FIELDS = {
        "title": "附件被拒的线索",
        "summary": "概要",
        "ip_type": "patent",
        "infringement_type": "patent_infringement",
        "channel": "offline",
        "urgency": "normal",
    }

    def test_a_form_refused_for_its_fields_says_the_chosen_files_were_not_kept(self, client, world):
        client.force_login(world.users["A_officer"])
        data = {**self.LEAD_FIELDS, "alliance": world.huaihai.pk, "title": ""}
        evidence = SimpleUploadedFile("证据.txt", "证据".encode())
        response = client.post("/leads/new/", {**data, "files": evidence})
        summary = parse_html(response).select_one("[data-error-summary]").get_text(" ", strip=True)
        assert "附件也没有保存：改正后请重新选择附件再提交。" in summary
        assert not LeadAttachment.objects.exists()
        # Without files there is nothing to warn about.
        response = client.post("/leads/new/", data)
        assert "附件也没有保存" not in response.content.decode()
        # Django's message for an empty field, not the admin's terse 必需字段.
        title_error = parse_html(response).select_one("#id_title_error").get_text(strip=True)
        assert title_error == "此项为必填项。"

    def test_a_file_that_would_be_refused_is_said_at_once_with_the_other_mistakes(
        self, client, world, settings
    ):
        settings.LEAD_ATTACHMENT_MAX_BYTES = 1000
        client.force_login(world.users["A_officer"])
        data = {**self.LEAD_FIELDS, "alliance": world.huaihai.pk, "title": ""}
        files = [
            SimpleUploadedFile("现场照片.pdf", b"%PDF-1.4\n" + b"x" * 2000),  # too big
            SimpleUploadedFile("旧合同.doc", b"\xd0\xcf\x11\xe0"),  # a legacy Office file
            SimpleUploadedFile("证据.txt", "证据".encode()),  # fine
        ]
        response = client.post("/leads/new/", {**data, "files": files})
        summary = parse_html(response).select_one("[data-error-summary]").get_text(" ", strip=True)
        assert "附件“现场照片.pdf”：文件大小应在 1 字节到" in summary
        assert "附件“旧合同.doc”：不接收旧版文档" in summary
        assert "证据.txt" not in summary
        assert "附件也没有保存" in summary
        assert not CaseLead.objects.filter(title="").exists()

    def test_identifiers_typed_as_printed_are_accepted_whole(self, client, world):
        """The boxes take identifiers with spaces and prefixes, longer than the stored forms."""
        client.force_login(world.users["A_officer"])
        form = client.get("/leads/new/").content.decode()
        assert 'name="patent_number" maxlength="40"' in form
        response = client.post(
            "/leads/new/",
            {
                **self.LEAD_FIELDS,
                "alliance": world.huaihai.pk,
                "patent_number": "ZL 2017 1 0601862.3",
                "suspect_credit_code": "9135 0200 7760 4965 3A",
                "trademark_number": "第 3011 2233 号",
                "suspect_phone": "+86 139 1234 5678",
            },
        )
        lead = CaseLead.objects.get(title="附件被拒的线索")
        assert response.url == f"/leads/{lead.pk}/"
        assert (lead.patent_number, lead.suspect_credit_code, lead.trademark_number, lead.suspect_phone) == (
            "201710601862.3",
            "91350200776049653A",
            "30112233",
            "13912345678",
        )

    def test_every_identifier_error_is_shown_at_once(self, client, world):
        client.force_login(world.users["A_officer"])
        response = client.post(
            "/leads/new/",
            {
                **self.LEAD_FIELDS,
                "alliance": world.huaihai.pk,
                "suspect_credit_code": "91350200776049653B",
                "patent_number": "201710601862.4",
                "trademark_number": "abc",
                "suspect_phone": "12345",
                "suspect_shop_url": "https://shop.example.com/a b",
                "is_key_protection": "on",
                "key_protection_reason": " ",
            },
        )
        summary = parse_html(response).select_one("[data-error-summary]")
        fields = sorted(a["href"] for a in summary.select("a"))
        assert fields == [  # every problem in one round, the fields' own and the rules between them
            "#id_key_protection_reason",
            "#id_patent_number",
            "#id_suspect_credit_code",
            "#id_suspect_phone",
            "#id_suspect_shop_url",
            "#id_trademark_number",
        ]
        page = response.content.decode()
        for message in (
            "校验位错误",
            "专利号格式或校验位不正确",
            "商标注册号应为数字",
            "请输入有效的电话号码",
            "网店地址不能包含空格",
            "标记为重点保护时请说明理由",
        ):
            assert message in page
        assert not CaseLead.objects.filter(title="附件被拒的线索").exists()

    def test_a_refused_attachment_leaves_no_draft_and_no_file(self, client, world, settings):
        client.force_login(world.users["A_officer"])
        before = (CaseLead.objects.count(), AuditEvent.objects.count())
        good = SimpleUploadedFile("证据.pdf", b"%PDF-1.7 good evidence", content_type="application/pdf")
        bad = SimpleUploadedFile("程序.exe", b"MZ\x90\x00", content_type="application/octet-stream")
        response = client.post(
            "/leads/new/", {**self.LEAD_FIELDS, "alliance": world.huaihai.pk, "files": [good, bad]}
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "附件“程序.exe”" in page
        assert "不支持的文件类型" in page
        assert "线索未保存" in page
        assert (CaseLead.objects.count(), AuditEvent.objects.count()) == before
        private = Path(settings.PRIVATE_MEDIA_ROOT)
        digest = hashlib.sha256(b"%PDF-1.7 good evidence").hexdigest()
        assert not private.exists() or not list(private.rglob(digest))

    def test_create_then_send_through_the_pages(self, client, world):
        client.force_login(world.users["A_officer"])
        response = client.post(
            "/leads/new/",
            {
                "alliance": world.huaihai.pk,
                "title": "页面创建的线索",
                "summary": "概要",
                "ip_type": "patent",
                "infringement_type": "patent_infringement",
                "channel": "offline",
                "urgency": "normal",
                "patent_number": "ZL201710601862",
            },
        )
        lead = CaseLead.objects.get(title="页面创建的线索")
        assert response.url == f"/leads/{lead.pk}/"
        assert lead.patent_number == "201710601862.3"
        client.post(
            f"/leads/{lead.pk}/send/", {"distribution": "named", "agencies": [world.agencies["C"].pk]}
        )
        lead.refresh_from_db()
        assert lead.status == "sent"
        assert list(lead.recipients.values_list("agency_id", flat=True)) == [world.agencies["C"].pk]

    def test_a_refused_send_is_said_as_an_alert_that_takes_the_focus(self, client, world):
        """Sending with no recipient comes back to the lead page: the refusal is an alert the page focuses
        (site.js moves to the first ``data-error-summary``), not a quiet status line; success stays one."""
        draft = LeadFactory(author=world.users["A_officer"])
        client.force_login(world.users["A_officer"])
        page = parse_html(client.post(f"/leads/{draft.pk}/send/", {"distribution": "named"}, follow=True))
        (alert,) = page.select(".flash[role=alert]")
        assert alert.get_text(strip=True) == "请至少选择一个接收单位或通报组。"
        assert alert.has_attr("data-error-summary")
        assert alert["tabindex"] == "-1"
        assert not page.select(".flash[role=status]")
        to_c = {"distribution": "named", "agencies": [world.agencies["C"].pk]}
        page = parse_html(client.post(f"/leads/{draft.pk}/send/", to_c, follow=True))
        (status,) = page.select(".flash[role=status]")
        assert status.get_text(strip=True) == "线索已通报。"
        assert not page.select("[data-error-summary]")

    def test_recipient_actions_through_the_pages(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        response = client.post(f"/leads/{lead.pk}/act/feedback/", {"kind": "filed"}, follow=True)
        assert "尚未受理" in response.content.decode()
        client.post(f"/leads/{lead.pk}/act/accept/")
        response = client.post(
            f"/leads/{lead.pk}/act/feedback/", {"kind": "to_police", "persons_transferred": "2"}, follow=True
        )
        assert "办理结果已反馈" in response.content.decode()
        row = LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])
        refused = client.post(
            f"/leads/{lead.pk}/act/feedback/",
            {"kind": "not_filed", "note": "证据不足", "fines": "500"},
            follow=True,
        )
        fines = parse_html(refused).select_one("#id_fines").find_parent(class_="field")
        assert "不予立案时不填写查处数据。" in fines.get_text()  # beside the field it is about
        row.refresh_from_db()
        assert (row.status, row.feedback_kind, row.persons_transferred) == ("feedback", "to_police", 2)

    def test_a_refused_feedback_keeps_what_was_typed_and_names_every_problem_at_once(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        client.post(f"/leads/{lead.pk}/act/accept/")
        sent = {"kind": "filed", "goods_seized": "-3", "value_involved": "12000.50", "note": "查扣假冒商品"}
        response = client.post(f"/leads/{lead.pk}/act/feedback/", sent)
        # Back to the lead's own address (a reload does not post again; the language switch works).
        assert response.url == f"/leads/{lead.pk}/#feedback"
        response = client.get(response.url)
        page = parse_html(response)
        errors = {
            field["id"]: field.find_parent(class_="field").select_one(".field-error").get_text()
            for field in page.select("#feedback input, #feedback select, #feedback textarea")
            if field.get("id") and field.find_parent(class_="field").select_one(".field-error")
        }
        # The field's own check and the rule between fields (立案 needs a case number), in one round.
        assert errors == {
            "id_goods_seized": "请输入不小于 0 的整数。",
            "id_case_number": "立案时请填写案件编号（立案决定书文号）。",
        }
        summary = page.select_one("#feedback [data-error-summary]")
        assert [a["href"] for a in summary.select("a")] == ["#id_case_number", "#id_goods_seized"]
        assert page.select_one("#id_value_involved")["value"] == "12000.50"  # nothing typed is lost
        assert page.select_one("#id_note").get_text().strip() == "查扣假冒商品"
        assert page.select_one("#id_kind option[selected]")["value"] == "filed"
        assert "立案时必填，填写立案决定书文号。" in page.select_one("#feedback").get_text()  # help shown
        assert page.select_one("#feedback").has_attr("open")
        row = LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])
        assert (row.status, row.feedback_kind) == ("accepted", "")
        # Shown once: the next visit has an empty form again.
        again = parse_html(client.get(f"/leads/{lead.pk}/"))
        assert again.select_one("#feedback [data-error-summary]") is None
        assert not again.select_one("#id_value_involved").get("value")
        # A rule only the service knows of (here: none left over) would be kept too; figures too large
        # for the amount fields are refused by the form, not by an error page.
        huge = client.post(
            f"/leads/{lead.pk}/act/feedback/",
            {"kind": "filed", "case_number": "宿市监处〔2026〕1号", "value_involved": "1e30"},
            follow=True,
        )
        assert huge.status_code == 200
        assert "金额过大：最多 12 位整数（元）。" in parse_html(huge).select_one("#feedback").get_text()

    def test_actions_of_an_outsider_get_404(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["C_officer"])
        assert client.post(f"/leads/{lead.pk}/act/accept/").status_code == 404
        assert client.post(f"/leads/{lead.pk}/comments/", {"body": "x"}).status_code == 404

    def test_csv_export_has_bom_and_neutralised_formulas(self, client, world):
        send_to_b(world, title='=HYPERLINK("http://evil")')
        client.force_login(world.users["B_officer"])
        response = client.get("/leads/export.csv", {"tab": "received"})
        assert response.content.startswith("\ufeff".encode())
        assert 'filename="leads-received-' in response["Content-Disposition"]
        assert "filename*=UTF-8''" in response["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0][0] == "线索编号"
        assert rows[1][1].startswith("'=HYPERLINK")

    def test_an_export_in_a_format_not_offered_is_404_and_not_recorded(self, client, world):
        send_to_b(world)
        client.force_login(world.users["B_officer"])
        for fmt in ("pdf", "xls", "xlsx.exe"):
            assert client.get(f"/leads/export.{fmt}", {"tab": "received"}).status_code == 404, fmt
        assert not AuditEvent.objects.filter(action="export").exists()
        assert client.get("/leads/export.xlsx", {"tab": "received"}).status_code == 200

    def test_an_english_export_is_named_in_english(self, client, world):
        from urllib.parse import unquote

        from openpyxl import load_workbook

        send_to_b(world)
        client.force_login(world.users["B_officer"])
        response = client.get("/en/leads/export.xlsx", {"tab": "received"})
        assert unquote(response["Content-Disposition"].split("UTF-8''")[1]).startswith("Lead list-received-")
        workbook = load_workbook(io.BytesIO(response.content))
        assert workbook.sheetnames == ["Leads"]
        assert workbook.active["A1"].value == "Reference"
        chinese = client.get("/leads/export.xlsx", {"tab": "received"})
        assert unquote(chinese["Content-Disposition"].split("UTF-8''")[1]).startswith("线索清单-received-")
        assert load_workbook(io.BytesIO(chinese.content)).sheetnames == ["线索"]

    def test_the_sent_export_has_a_row_per_receiving_agency(self, client, world, monkeypatch):
        lead = LeadFactory(
            author=world.users["A_officer"],
            distribution="named",
            agency_ids=[world.agencies["B"].pk, world.agencies["C"].pk],
        )
        client.force_login(world.users["B_officer"])
        client.post(f"/leads/{lead.pk}/act/accept/")
        client.force_login(world.users["A_officer"])
        response = client.get("/leads/export.csv", {"tab": "sent"})
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        header = rows[0]
        assert header[6:8] == ["接收单位", "办理状态"]
        mine = sorted((row[6], row[7]) for row in rows[1:] if row[0] == lead.reference)
        assert mine == [("临沂市市场监督管理局", "已送达"), ("宿迁市市场监督管理局", "已受理")]
        deadlines = [row[8] for row in rows[1:] if row[0] == lead.reference]
        assert all(deadlines)  # each agency's own acceptance deadline
        # An export cut short says so in the file, and the audit record counts leads and rows.
        from cases_exchange import views

        monkeypatch.setattr(views, "EXPORT_ROWS", 1)
        cut = list(
            csv.reader(
                io.StringIO(client.get("/leads/export.csv", {"tab": "sent"}).content.decode("utf-8-sig"))
            )
        )
        assert cut[-1] == ["仅导出前 1 行；请按办理状态筛选后分别导出。"]
        assert len(cut) == 3
        record = AuditEvent.objects.filter(action="export").latest("id")
        sent = CaseLead.objects.filter(originating_agency=world.agencies["A"], sent_at__isnull=False).count()
        assert (record.details["leads"], record.details["rows"]) == (sent, 2)
        # A received lead is still one row: the reader's own agency.
        client.force_login(world.users["B_officer"])
        received = list(csv.reader(io.StringIO(client.get("/leads/export.csv").content.decode("utf-8-sig"))))
        assert [(row[6], row[7]) for row in received[1:] if row[0] == lead.reference] == [
            ("宿迁市市场监督管理局", "已受理")
        ]
        # Cut by leads as well: the first lead's rows only, said in the file, counted in the record.
        monkeypatch.setattr(views, "EXPORT_ROWS", 10_000)
        monkeypatch.setattr(views, "EXPORT_LEADS", 1)
        client.force_login(world.users["A_officer"])
        by_lead = list(
            csv.reader(
                io.StringIO(client.get("/leads/export.csv", {"tab": "sent"}).content.decode("utf-8-sig"))
            )
        )
        assert by_lead[-1][0].startswith("仅导出前")
        assert len({row[0] for row in by_lead[1:-1]}) == 1
        assert AuditEvent.objects.filter(action="export").latest("id").details["leads"] == 1

    def test_pages_of_the_workspace_render(self, client, world):
        send_to_b(world)
        client.force_login(world.users["A_secretariat"])
        for path in (
            "/leads/clusters/",
            "/leads/stats/",
            "/leads/groups/",
            "/notifications/",
            "/notifications/preferences/",
            "/leads/?tab=overdue",
            "/leads/?tab=drafts",
        ):
            assert client.get(path).status_code == 200, path

    def test_english_workspace(self, client, world):
        client.force_login(world.users["B_officer"])
        html = client.get("/en/leads/").content.decode()
        assert "Received leads" in html

    def test_english_forms_and_lead_pages_name_the_alliance_in_english(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["A_officer"])
        form = parse_html(client.get("/en/leads/new/"))
        options = [o.get_text(strip=True) for o in form.select('select[name="alliance"] option')]
        assert "Huaihai Economic Zone IP Protection Alliance" in options
        head = parse_html(client.get(f"/en/leads/{lead.pk}/")).select_one(".lead__head p.muted").get_text()
        assert "Huaihai Economic Zone IP Protection Alliance" in head
        assert "淮海" not in head
        chinese = parse_html(client.get(f"/leads/{lead.pk}/")).select_one(".lead__head p.muted").get_text()
        assert world.huaihai.display_name in chinese

    def test_city_statistics_count_leads_not_the_agencies_they_reached(self, client, world):
        client.force_login(world.users["B_officer"])

        def suqian():
            page = parse_html(client.get("/leads/stats/"))
            row = next((tr for tr in page.select("tbody tr") if tr.td.get_text(strip=True) == "宿迁市"), None)
            cells = ("接收", "办理中")
            return [
                int(row.select_one(f'td[data-label="{c}"]').get_text(strip=True)) if row else 0 for c in cells
            ]

        before = suqian()
        lead = LeadFactory(
            author=world.users["A_officer"], distribution="alliance", alliance_ids=[world.huaihai.pk]
        )
        assert lead.recipients.filter(agency__city="宿迁市").count() > 1  # several 宿迁 agencies got it
        assert suqian() == [before[0] + 1, before[1] + 1]

    def test_city_statistics_name_the_cities_in_the_page_language(self, client, world):
        send_to_b(world)  # from 徐州 to 宿迁
        client.force_login(world.users["B_officer"])

        def cities(path):
            page = parse_html(client.get(path))
            return [td.get_text(strip=True) for td in page.select("tbody td:first-child")]

        assert {"Xuzhou", "Suqian"} <= set(cities("/en/leads/stats/"))
        assert {"徐州市", "宿迁市"} <= set(cities("/leads/stats/"))


class TestNotificationsPages:
    def test_unticking_every_kind_stops_e_mail_instead_of_sending_all(self, client, world):
        from cases_exchange.models import NotificationPreference

        user = world.users["B_officer"]
        client.force_login(user)
        page = parse_html(client.get("/notifications/preferences/"))
        kinds = [box["value"] for box in page.select('input[name="email_kinds"]')]
        assert kinds
        assert all(box.has_attr("checked") for box in page.select('input[name="email_kinds"]'))
        client.post("/notifications/preferences/", {"email_enabled": "on"})  # every kind unticked
        preference = NotificationPreference.objects.get(user=user)
        assert not any(preference.wants_email(kind) for kind in kinds)
        page = parse_html(client.get("/notifications/preferences/"))
        assert not page.select_one('input[name="email_enabled"]').has_attr("checked")
        client.post("/notifications/preferences/", {"email_enabled": "on", "email_kinds": kinds[:1]})
        preference.refresh_from_db()
        assert [k for k in kinds if preference.wants_email(k)] == kinds[:1]
        client.post("/notifications/preferences/", {"email_enabled": "on", "email_kinds": kinds})
        preference.refresh_from_db()
        assert preference.email_kinds == []
        assert all(preference.wants_email(k) for k in kinds)

    def test_the_workspace_menu_offers_on_every_page_what_the_user_may_use(self, client, world):
        def menu(path):
            return [a["href"] for a in parse_html(client.get(path)).select(".workspace-nav a")]

        client.force_login(world.users["A_liaison"])
        for path in ("/leads/", "/notifications/", "/notifications/preferences/"):
            assert "/leads/audit/" in menu(path), path
        # An editor has notifications but no lead workspace: no links that would only answer 403.
        client.force_login(world.users["editor"])
        for path in ("/notifications/", "/notifications/preferences/"):
            links = menu(path)
            assert links == ["/notifications/"], (path, links)
        assert client.get("/leads/").status_code == 403

    def test_unread_counter_and_mark_read(self, client, world):
        send_to_b(world)
        client.force_login(world.users["B_officer"])
        assert 'data-unread="1"' in client.get("/leads/").content.decode()
        feed = client.get("/notifications/feed", {"after": 0}).json()
        assert feed["unread"] == 1
        assert feed["items"][0]["kind"] == "lead_received"
        client.post("/notifications/read")
        assert client.get("/notifications/feed", {"after": 0}).json()["unread"] == 0

    def test_opening_a_notification_reads_it_and_only_its_own_user_may(self, client, world):
        lead = send_to_b(world)
        note = Notification.objects.get(recipient=world.users["B_officer"], lead=lead)
        client.force_login(world.users["C_officer"])
        assert client.get(f"/notifications/{note.pk}/open").status_code == 404
        client.force_login(world.users["B_officer"])
        listing = client.get("/notifications/").content.decode()
        assert f'href="/notifications/{note.pk}/open"' in listing
        response = client.get(f"/notifications/{note.pk}/open")
        assert response.url == f"/leads/{lead.pk}/"
        note.refresh_from_db()
        assert note.read_at is not None
        assert client.get("/notifications/feed", {"after": 0}).json()["unread"] == 0
        assert f'href="/leads/{lead.pk}/"' in client.get("/notifications/").content.decode()

    def test_feed_tolerates_junk(self, client, world):
        client.force_login(world.users["B_officer"])
        assert client.get("/notifications/feed", {"after": "abc"}).status_code == 200


def tip_payload(**overrides):
    started = signing.TimestampSigner(salt="portal.tip-form").sign(str(timezone.now().timestamp() - 30))
    data = {
        "city": "321300",
        "ip_type": "trademark",
        "channel": "ecommerce",
        "title": "网店销售假冒白酒",
        "summary": "某网店销售假冒某品牌白酒，价格明显低于市场价。",
        "suspect_name": "某酒行",
        "suspect_shop_url": "shop777.example.com",
        "location_address": "",
        "contact": "王先生 13800001111",
        "website": "",
        "started": started,
    }
    data.update(overrides)
    return data


class TestPublicTips:
    def test_every_public_page_leads_to_the_tip_form(self, client, world):
        assert 'href="/tips/new/"' in client.get("/").content.decode()
        assert 'href="/tips/status/"' in client.get("/").content.decode()
        assert 'href="/en/tips/new/"' in client.get("/en/").content.decode()

    def test_tip_becomes_an_inbound_lead_for_the_city_and_gives_a_reference(self, client, world):
        from cases_exchange.permissions import actor_for_user
        from cases_exchange.selectors import lead_counts

        city = actor_for_user(world.users["B_officer"])
        drafts_before = lead_counts(actor=city)["drafts"]
        response = client.post("/tips/new/", tip_payload())
        assert response.url == "/tips/done/"
        tip = PublicTip.objects.get()
        done = client.get(response.url)
        assert tip.reference in done.content.decode()
        assert done["Cache-Control"] == "private, no-store"
        # Reloading the confirmation shows the number again and sends nothing a second time.
        assert tip.reference in client.get("/tips/done/").content.decode()
        assert PublicTip.objects.count() == 1
        # Another browser, which sent no tip, is sent to the form.
        from django.test import Client

        assert Client().get("/tips/done/").url == "/tips/new/"
        lead = tip.lead
        assert lead.source == "public_tip"
        assert lead.originating_agency.name == "宿迁市市场监督管理局"
        assert lead.restrict_sensitive
        assert lead.recipients.get().agency == lead.originating_agency
        notice = Notification.objects.get(recipient=world.users["B_officer"], kind="tip_received")
        assert notification_text(notice)[0] == f"收到公众举报 #{lead.pk}"  # not "收到公众举报 举报 #…"
        client.force_login(world.users["B_officer"])
        response = client.get(f"/leads/{lead.pk}/")
        page = response.content.decode()
        assert 'id="discussion"' in page  # the agency discusses the tip from the start
        assert parse_html(response).select_one("#lead-status").get_text() == "举报办理中"  # not "草稿"
        assert f"举报 #{lead.pk}" in page
        inbox = parse_html(client.get("/leads/"))
        row = next(tr for tr in inbox.select("#lead-list tbody tr") if f"举报 #{lead.pk}" in tr.get_text())
        # The inbox names it so too, and says it came from the public, not from the agency itself.
        assert row.select_one('td[data-label="通报单位"]').get_text(strip=True) == "公众举报"
        # It arrived from outside: not one of the agency's own drafts, neither listed nor counted there.
        drafts = parse_html(client.get("/leads/", {"tab": "drafts"}))
        assert f"举报 #{lead.pk}" not in drafts.select_one("#lead-list").get_text()
        assert lead_counts(actor=city)["drafts"] == drafts_before
        assert "请勿在讨论中写举报人的身份" in page  # sending it on shows the thread to the recipients
        assert f"/leads/{lead.pk}/edit/" not in page  # and never rewrites it
        refused = client.post(f"/leads/{lead.pk}/edit/", {"title": "改", "summary": "改"}, follow=True)
        assert "公众举报的内容不能修改" in refused.content.decode()
        assert PublicTip.objects.get().lead.summary != "改"

    def test_a_tip_names_its_city_as_the_agencies_do_in_either_language(self, client, world):
        """The form labels cities 江苏省 · 宿迁市 (Jiangsu · Suqian in English); the lead keeps 宿迁市, the
        name city statistics and the search's city facet group by, not a second 宿迁 beside it."""
        suqian = world.agencies["B"]
        for prefix, label in (("", "江苏省 · 宿迁市"), ("/en", "Jiangsu · Suqian")):
            assert label in client.get(f"{prefix}/tips/new/").content.decode()
            response = client.post(f"{prefix}/tips/new/", tip_payload(), REMOTE_ADDR=f"10.9.9.{len(prefix)}")
            assert response.status_code == 302
        cities = set(PublicTip.objects.values_list("lead__location_city", "lead__location_division_code"))
        assert cities == {(suqian.city, "321300")}
        assert suqian.city == "宿迁市"
        # Tips kept before with the form's label are renamed by the migration; a city typed since stays.
        from importlib import import_module

        from django.apps import apps

        labelled, typed = (tip.lead for tip in PublicTip.objects.order_by("pk"))
        CaseLead.objects.filter(pk=labelled.pk).update(location_city="Jiangsu · Suqian")
        CaseLead.objects.filter(pk=typed.pk).update(location_city="宿迁市宿城区")
        import_module(
            "cases_exchange.migrations.0008_tip_city_as_agencies_name_it"
        ).name_tip_cities_as_agencies_do(apps, None)
        labelled.refresh_from_db()
        typed.refresh_from_db()
        assert (labelled.location_city, typed.location_city) == ("宿迁市", "宿迁市宿城区")

    def test_tipster_sees_only_the_stage(self, client, world):
        client.post("/tips/new/", tip_payload())
        tip = PublicTip.objects.get()
        html = client.get("/tips/status/", {"reference": tip.reference.lower()}).content.decode()
        assert "已接收，等待受理" in html
        assert "某酒行" not in html
        # Written down in groups, or read out with spaces: still found.
        grouped = f"{tip.reference[:4]}-{tip.reference[4:8]} {tip.reference[8:].lower()}"
        assert "已接收，等待受理" in client.get("/tips/status/", {"reference": grouped}).content.decode()
        wrong = client.get("/tips/status/", {"reference": "12345"}).content.decode()
        assert "查询编号为 JB 开头的 12 位字母和数字" in wrong
        from cases_exchange.services import recipient_accept

        recipient_accept(actor=world.actors["B_officer"], recipient=tip.lead.recipients.get())
        assert (
            "已受理，正在核查" in client.get("/tips/status/", {"reference": tip.reference}).content.decode()
        )
        assert (
            "未找到该查询编号" in client.get("/tips/status/", {"reference": "JBXXXXXXXXXX"}).content.decode()
        )

    def test_honeypot_and_too_fast_submissions_are_refused(self, client, world):
        assert client.post("/tips/new/", tip_payload(website="http://spam")).status_code == 200
        fast = signing.TimestampSigner(salt="portal.tip-form").sign(str(time.time()))
        assert client.post("/tips/new/", tip_payload(started=fast)).status_code == 200
        assert client.post("/tips/new/", tip_payload(started="forged")).status_code == 200
        assert not PublicTip.objects.exists()

    def test_tips_are_rate_limited_per_address(self, client, world):
        for _n in range(5):
            assert client.post("/tips/new/", tip_payload(), REMOTE_ADDR="10.9.9.9").status_code == 302
        response = client.post("/tips/new/", tip_payload(), REMOTE_ADDR="10.9.9.9")
        assert response.status_code == 200
        assert "提交过于频繁" in response.content.decode()
        assert PublicTip.objects.count() == 5
        assert client.post("/tips/new/", tip_payload(), REMOTE_ADDR="10.9.9.10").status_code == 302

    def test_a_tip_sent_back_for_mistakes_does_not_use_up_the_hourly_limit(self, client, world, monkeypatch):
        """Five tips an hour per address; a post refused for something to mend is not a tip. Posting
        without end is still stopped (``TIP_POSTS_PER_HOUR``)."""
        from cases_exchange import views

        for _n in range(6):
            response = client.post("/tips/new/", tip_payload(summary="太短"), REMOTE_ADDR="10.9.9.11")
            assert "提交过于频繁" not in response.content.decode()
        for _n in range(5):
            assert client.post("/tips/new/", tip_payload(), REMOTE_ADDR="10.9.9.11").status_code == 302
        assert (
            "提交过于频繁"
            in client.post("/tips/new/", tip_payload(), REMOTE_ADDR="10.9.9.11").content.decode()
        )
        assert PublicTip.objects.count() == 5

        monkeypatch.setattr(views, "TIP_POSTS_PER_HOUR", 8)
        for _n in range(8):
            client.post("/tips/new/", tip_payload(summary="太短"), REMOTE_ADDR="10.9.9.12")
        response = client.post("/tips/new/", tip_payload(), REMOTE_ADDR="10.9.9.12")
        assert "提交过于频繁" in response.content.decode()
        assert PublicTip.objects.count() == 5

    def test_a_city_whose_only_alliance_has_ended_takes_no_tips(self, client, world):
        """成都's agencies belong to 成渝 only: with 成渝 inactive the city is not offered, and a post naming
        it anyway gets a Chinese error, not a server error."""
        world.chengyu.is_active = False
        world.chengyu.save()
        code = world.agencies["D"].division_code
        assert f'value="{code}"' not in client.get("/tips/new/").content.decode()
        response = client.post("/tips/new/", tip_payload(city=code))
        assert response.status_code == 200
        assert not PublicTip.objects.exists()

    def test_the_visitor_chooses_the_kind_of_right_and_the_channel(self, client, world):
        # Nothing is chosen for the visitor: an untouched list used to file every tip as 专利 / 电商.
        form = parse_html(client.get("/tips/new/"))
        for name in ("ip_type", "channel"):
            options = form.select(f"#id_{name} option")
            assert options[0]["value"] == ""
            assert options[0].get_text() == "请选择"
            assert not any(o.has_attr("selected") for o in options[1:]), name
        response = client.post("/tips/new/", tip_payload(ip_type="", channel=""))
        links = [a.get_text() for a in parse_html(response).select("[data-error-summary] a")]
        assert links == ["知识产权类型：请选择知识产权类型。", "发现渠道：请选择在哪里发现的。"]
        assert not PublicTip.objects.exists()

    @pytest.mark.parametrize("typed", ["not a url", "淘宝店", "某某旗舰店"])
    def test_a_shop_address_must_be_an_address(self, client, world, typed):
        response = client.post("/tips/new/", tip_payload(suspect_shop_url=typed))
        links = [a.get_text() for a in parse_html(response).select("[data-error-summary] a")]
        assert links == [
            "网店或网页地址：请填写网址，例如 shop123.taobao.com；店铺名称可以写在“被举报对象名称”中。"
        ]
        assert not PublicTip.objects.exists()
        # An officer's lead is held to the same: it would link to nothing in 串并案.
        client.force_login(world.users["A_officer"])
        data = {**TestWorkspace.LEAD_FIELDS, "alliance": world.huaihai.pk, "suspect_shop_url": typed}
        page = parse_html(client.post("/leads/new/", data))
        error = page.select_one("#id_suspect_shop_url_error").get_text()
        assert ("网店地址不能包含空格" if " " in typed else "请填写网店或网页的网址") in error
        assert not CaseLead.objects.filter(title=data["title"]).exists()

    def test_invalid_tip_shows_errors_and_creates_nothing(self, client, world):
        response = client.post("/tips/new/", tip_payload(summary="太短", city=""))
        assert response.status_code == 200
        assert "请至少写 10 个字，说明在哪里、发现了什么（目前 2 个字）。" in response.content.decode()
        assert not PublicTip.objects.exists()
        assert not CaseLead.objects.filter(source="public_tip").exists()
        # Above the form, before anything else: what to correct, each line leading to its field.
        summary = parse_html(response).select_one("form [data-error-summary]")
        assert summary.get_text(" ", strip=True).startswith("举报未提交，请改正以下内容：")
        links = {a["href"]: a.get_text() for a in summary.select("a")}
        assert set(links) == {"#id_city", "#id_summary"}  # (the message reads as a person would say it)
        assert links["#id_city"] == "发生地城市：请选择侵权行为发生的城市。"
        # Each box names its help and its errors for screen readers, and those exist; only the summary
        # is announced as an alert (not every error twice).
        page = parse_html(response)
        for name in ("city", "summary"):
            described = page.select_one(f"#id_{name}")["aria-describedby"].split()
            assert f"id_{name}_error" in described
            assert all(page.find(id=ref) for ref in described), described
        assert [el.get("data-error-summary") is not None for el in page.select("[role=alert]")] == [True]
        assert summary.find_previous_sibling() is None or summary.find_previous_sibling().name == "input"
        # In English the label and the message are joined as English is written.
        english = client.post("/en/tips/new/", tip_payload(city=""))
        links = [a.get_text() for a in parse_html(english).select("[data-error-summary] a")]
        assert links == ["City where it happens: Choose the city where the infringement took place."]


class TestLeadPageDetails:
    def test_a_lead_passed_on_stays_under_the_received_tab(self, client, world):
        """宿迁 transfers the lead to 临沂: on its pages the workspace still marks 收到的线索, where the
        lead is listed, not 发出的线索 (宿迁 sent nothing)."""
        from cases_exchange import services
        from cases_exchange.permissions import actor_for_user

        lead = send_to_b(world)
        services.recipient_transfer(
            actor=actor_for_user(world.users["B_officer"]),
            recipient=LeadRecipient.objects.get(lead=lead),
            to_agency=world.agencies["C"],
            reason="仓库在临沂",
        )
        client.force_login(world.users["B_officer"])
        for path in (f"/leads/{lead.pk}/", f"/leads/{lead.pk}/history/"):
            current = parse_html(client.get(path)).select_one(".workspace-nav [aria-current=page]")
            assert current.get_text(strip=True) == "收到的线索", path
        client.force_login(world.users["A_officer"])
        current = parse_html(client.get(f"/leads/{lead.pk}/")).select_one(
            ".workspace-nav [aria-current=page]"
        )
        assert current.get_text(strip=True) == "发出的线索"

    def test_the_deciding_agency_is_not_offered_itself_as_a_transfer_target(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        page = parse_html(client.get(f"/leads/{lead.pk}/"))
        targets = [
            option.get_text() for option in page.select("#transfer-agency option") if option.get("value")
        ]
        assert targets
        assert "宿迁市市场监督管理局" not in targets  # itself: refused if chosen
        assert "徐州市市场监督管理局" not in targets  # the sender: refused too
        assert "临沂市市场监督管理局" in targets

    def test_english_decline_button_is_an_action_and_empty_details_are_not_shown(self, client, world):
        lead = send_to_b(world, details="", suspect_name="", informant="", location_address="")
        lead.suspect_credit_code = lead.suspect_shop_url = lead.suspect_phone = lead.suspect_address = ""
        lead.save()
        client.force_login(world.users["B_officer"])
        page = parse_html(client.get(f"/en/leads/{lead.pk}/"))
        assert page.select_one("details > summary.button").get_text(strip=True) == "Decline"
        assert page.select_one("#details-heading") is None
        client.force_login(world.users["A_officer"])
        full = send_to_b(world)  # the factory's lead has details and a suspect
        assert parse_html(client.get(f"/leads/{full.pk}/")).select_one("#details-heading") is not None


class TestAnswersWhereTheUserIs:
    def test_an_upload_or_comment_is_answered_in_its_own_panel(self, client, world):
        """The browser returns to #attachments / #discussion: the answer is there, not 1,000 px above."""
        lead = send_to_b(world)
        client.force_login(world.users["B_officer"])
        fake = SimpleUploadedFile("证据.pdf", b"MZ not a pdf", content_type="application/pdf")
        response = client.post(f"/leads/{lead.pk}/files/", {"file": fake}, follow=True)
        page = parse_html(response)
        panel = page.select_one("#attachments .flash")
        assert "不符" in panel.get_text() or "不支持" in panel.get_text()
        assert page.select_one(".workspace-main > .flash") is None  # not at the top as well
        good = SimpleUploadedFile("证据.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
        page = parse_html(client.post(f"/leads/{lead.pk}/files/", {"file": good}, follow=True))
        assert page.select_one("#attachments .flash").get_text(strip=True) == "附件已上传。"
        # Messages about nothing in particular still come at the top.
        page = parse_html(client.post(f"/leads/{lead.pk}/act/accept/", follow=True))
        assert "已受理。" in page.select_one(".workspace-main > .flash").get_text()


class TestLeadHistory:
    def test_every_step_stays_in_the_history_even_when_the_row_restarts(self, client, world):
        """宿迁 declines, the lead comes back to it through 临沂's transfer: its row restarts, and the
        recipients table shows only the new state — the history keeps the decline and its reason."""
        from cases_exchange import services
        from cases_exchange.permissions import actor_for_user

        lead = LeadFactory(
            author=world.users["A_officer"],
            distribution="named",
            agency_ids=[world.agencies["B"].pk, world.agencies["C"].pk],
        )
        b = actor_for_user(world.users["B_officer"])
        c = actor_for_user(world.users["C_officer"])
        services.recipient_decline(
            actor=b,
            recipient=LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"]),
            reason="不在本市",
        )
        services.recipient_transfer(
            actor=c,
            recipient=LeadRecipient.objects.get(lead=lead, agency=world.agencies["C"]),
            to_agency=world.agencies["B"],
            reason="网店登记在宿迁",
        )
        client.force_login(world.users["A_officer"])
        assert f"/leads/{lead.pk}/history/" in client.get(f"/leads/{lead.pk}/").content.decode()
        response = client.get(f"/leads/{lead.pk}/history/")
        steps = [
            " ".join(li.get_text(" ", strip=True).split()[2:])  # without the date and time
            for li in parse_html(response).select("ol.history > li")
        ]
        a_name, b_name, c_name = (
            world.users[n].get_full_name() for n in ("A_officer", "B_officer", "C_officer")
        )
        assert steps == [
            f"徐州市市场监督管理局 {a_name} · 创建",
            f"徐州市市场监督管理局 {a_name} · 通报 2 家接收单位",
            f"宿迁市市场监督管理局 {b_name} · 不予受理 不在本市",
            f"临沂市市场监督管理局 {c_name} · 移送 → 宿迁市市场监督管理局 网店登记在宿迁",
        ]
        # The recipients table shows 宿迁's restarted row only; its decline is in the history alone.
        assert "不在本市" not in client.get(f"/leads/{lead.pk}/").content.decode()
        # The page's queries do not grow with the steps.
        with CaptureQueriesContext(connection) as before:
            client.get(f"/leads/{lead.pk}/history/")
        row = services.recipient_accept(
            actor=b, recipient=LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])
        )
        row = services.recipient_feedback(actor=b, recipient=row, kind="to_police", persons_transferred=1)
        services.recipient_feedback(actor=b, recipient=row, kind="filed", case_number="宿市监处〔2026〕3号")
        with CaptureQueriesContext(connection) as after:
            response = client.get(f"/leads/{lead.pk}/history/")
        last = [li.get_text(" ", strip=True) for li in parse_html(response).select("ol.history > li")][-3:]
        assert [" ".join(step.split()[2:]) for step in last] == [
            f"宿迁市市场监督管理局 {b_name} · 受理",
            f"宿迁市市场监督管理局 {b_name} · 反馈 移送公安",
            f"宿迁市市场监督管理局 {b_name} · 修改反馈 立案",  # a second outcome corrects the first
        ]
        assert len(after.captured_queries) == len(before.captured_queries) <= 6
        # Outsiders learn nothing, not even that the lead exists.
        client.force_login(world.users["D_officer"])
        assert client.get(f"/leads/{lead.pk}/history/").status_code == 404
        client.logout()
        assert client.get(f"/leads/{lead.pk}/history/").status_code == 302


class TestSendingMore:
    def test_the_sender_names_another_agency_after_every_recipient_declined(self, client, world):
        from cases_exchange import services
        from cases_exchange.permissions import actor_for_user

        lead = send_to_b(world)
        services.recipient_decline(
            actor=actor_for_user(world.users["B_officer"]),
            recipient=LeadRecipient.objects.get(lead=lead),
            reason="不在本市",
        )
        client.force_login(world.users["A_officer"])
        page = parse_html(client.get(f"/leads/{lead.pk}/"))
        # Closed, nobody handling it: the page says so and opens the form, which offers neither the
        # sender nor 宿迁 (it holds the lead) and only agencies of 淮海.
        assert page.select_one("#send-more-hint") is not None
        assert page.select_one("details#send-more").has_attr("open")
        offered = [label.get_text(strip=True) for label in page.select("#send-more .agency-options label")]
        assert "临沂市市场监督管理局" in offered
        assert not {"徐州市市场监督管理局", "宿迁市市场监督管理局", "成都市市场监督管理局"} & set(offered)

        response = client.post(f"/leads/{lead.pk}/send-more/", {"agencies": [world.agencies["D"].pk]})
        assert response.status_code == 302
        assert response["Location"].endswith("#recipients")
        answer = parse_html(client.get(response["Location"])).select_one("#recipients .flash")
        assert "请重新选择" in answer.get_text()
        assert LeadRecipient.objects.filter(lead=lead).count() == 1

        response = client.post(f"/leads/{lead.pk}/send-more/", {"agencies": [world.agencies["C"].pk]})
        page = parse_html(client.get(response["Location"]))
        assert "已追加通报：临沂市市场监督管理局" in page.select_one("#recipients .flash").get_text()
        assert page.select_one("#send-more-hint") is None  # open again, 临沂 deciding
        statuses = [s.get_text(strip=True) for s in page.select("#lead-recipients [data-recipient-status]")]
        assert len(statuses) == 2
        history = parse_html(client.get(f"/leads/{lead.pk}/history/")).select("ol.history > li")
        last = history[-1].get_text(" ", strip=True)
        assert last.endswith("· 追加通报 临沂市市场监督管理局（线索重新开启）")

    def test_the_live_recipients_part_brings_the_hint_when_the_last_recipient_declines(self, client, world):
        from cases_exchange import services
        from cases_exchange.permissions import actor_for_user

        lead = send_to_b(world)
        fragment = f"/leads/{lead.pk}/?fragment=recipients"
        client.force_login(world.users["A_officer"])
        assert parse_html(client.get(fragment)).select_one("#send-more-hint") is None  # 宿迁 deciding
        services.recipient_decline(
            actor=actor_for_user(world.users["B_officer"]),
            recipient=LeadRecipient.objects.get(lead=lead),
            reason="不在本市",
        )
        # What the open page fetches when the decline's notification arrives.
        part = parse_html(client.get(fragment))
        assert "不予受理" in part.select_one("[data-recipient-status]").get_text()
        assert "可以追加通报给其他单位" in part.select_one("#send-more-hint").get_text()
        # Only the sender is told: the agency that declined sees the table without it.
        client.force_login(world.users["B_officer"])
        assert parse_html(client.get(fragment)).select_one("#send-more-hint") is None

    def test_the_live_recipients_part_is_not_a_read(self, client, world):
        """The part the open page fetches on every notification shows none of the lead: it neither marks
        the viewer's row read nor adds a read to the audit log (which would fill with the page's refreshes);
        opening the page does both, once."""
        from cases_exchange.models import AuditEvent, RecipientStatus

        lead = send_to_b(world)
        own = LeadRecipient.objects.get(lead=lead)
        reads = AuditEvent.objects.filter(action="read", object_type="caselead", object_id=str(lead.pk))
        client.force_login(world.users["B_officer"])
        for _n in range(3):
            assert client.get(f"/leads/{lead.pk}/?fragment=recipients").status_code == 200
        own.refresh_from_db()
        assert (own.status, own.read_at, reads.count()) == (RecipientStatus.DELIVERED, None, 0)
        client.get(f"/leads/{lead.pk}/")
        own.refresh_from_db()
        assert own.status == RecipientStatus.READ
        assert own.read_at is not None
        assert reads.count() == 1
        assert client.get(f"/leads/{lead.pk}/?fragment=recipients").status_code == 200
        assert reads.count() == 1

    def test_only_the_originator_is_offered_it_and_outsiders_get_404(self, client, world):
        lead = send_to_b(world)
        client.force_login(world.users["A_officer"])
        assert parse_html(client.get(f"/leads/{lead.pk}/")).select_one("#send-more") is not None
        client.force_login(world.users["B_officer"])
        assert parse_html(client.get(f"/leads/{lead.pk}/")).select_one("#send-more") is None
        response = client.post(f"/leads/{lead.pk}/send-more/", {"agencies": [world.agencies["C"].pk]})
        answer = parse_html(client.get(response["Location"])).select_one("#recipients .flash")
        assert "只有通报单位可以为线索追加接收单位" in answer.get_text()
        client.force_login(world.users["C_officer"])
        assert (
            client.post(f"/leads/{lead.pk}/send-more/", {"agencies": [world.agencies["C"].pk]}).status_code
            == 404
        )
        assert LeadRecipient.objects.filter(lead=lead).count() == 1

    def test_a_sharing_group_naming_a_first_recipient_adds_the_others_and_says_so(self, client, world):
        from cases_exchange.models import SharingGroup

        lead = send_to_b(world)
        group = SharingGroup.objects.create(owner_agency=world.agencies["A"], name="苏鲁两市")
        group.agencies.set([world.agencies["B"], world.agencies["C"]])
        client.force_login(world.users["A_officer"])
        response = client.post(f"/leads/{lead.pk}/send-more/", {"sharing_group": group.pk})
        notes = [
            li.get_text()
            for li in parse_html(client.get(response["Location"])).select("#recipients .flash li")
        ]
        assert notes == [
            "已追加通报：临沂市市场监督管理局。",
            "以下单位已接收过这条线索，未重复通报：宿迁市市场监督管理局。",
        ]
        assert sorted(
            LeadRecipient.objects.filter(lead=lead).values_list("agency__name", flat=True)
        ) == sorted(["宿迁市市场监督管理局", "临沂市市场监督管理局"])


class TestSharingGroups:
    def test_a_group_is_changed_and_deleted_by_its_agency_and_not_found_by_others(self, client, world):
        from cases_exchange.models import SharingGroup

        group = SharingGroup.objects.create(owner_agency=world.agencies["A"], name="苏鲁两市")
        group.agencies.set([world.agencies["B"], world.agencies["C"]])
        lead = LeadFactory(author=world.users["A_officer"], distribution="named", sharing_group=group)
        client.force_login(world.users["A_officer"])
        listing = parse_html(client.get("/leads/groups/"))
        assert listing.select_one(f'#group-{group.pk} a[href="/leads/groups/{group.pk}/edit/"]')
        edit = parse_html(client.get(f"/leads/groups/{group.pk}/edit/"))
        assert edit.select_one('input[name="name"]')["value"] == "苏鲁两市"
        ticked = {box["value"] for box in edit.select('input[name="agencies"][checked]')}
        assert ticked == {str(world.agencies["B"].pk), str(world.agencies["C"].pk)}
        # A mistake is said, and nothing changes.
        refused = client.post(f"/leads/groups/{group.pk}/edit/", {"name": "苏鲁两市", "agencies": []})
        assert refused.status_code == 200
        assert group.agencies.count() == 2
        saved = client.post(
            f"/leads/groups/{group.pk}/edit/", {"name": "宿迁组", "agencies": [world.agencies["B"].pk]}
        )
        assert saved["Location"] == "/leads/groups/"
        group.refresh_from_db()
        assert (group.name, list(group.agencies.all())) == ("宿迁组", [world.agencies["B"]])
        # Another agency's officers: not found, whatever they try.
        client.force_login(world.users["B_officer"])
        assert client.get(f"/leads/groups/{group.pk}/edit/").status_code == 404
        assert client.post(f"/leads/groups/{group.pk}/delete/").status_code == 404
        assert SharingGroup.objects.filter(pk=group.pk).exists()
        client.force_login(world.users["A_officer"])
        assert client.get(f"/leads/groups/{group.pk}/delete/").status_code == 405  # deleting is a POST
        deleted = client.post(f"/leads/groups/{group.pk}/delete/", follow=True)
        assert "通报组“宿迁组”已删除。" in deleted.content.decode()
        assert not SharingGroup.objects.filter(pk=group.pk).exists()
        lead.refresh_from_db()
        assert lead.sharing_group is None  # the lead stays, with its recipients


def test_an_infringement_that_does_not_fit_the_right_is_refused_with_a_way_out(client, world):
    client.force_login(world.users["A_officer"])
    data = {
        "alliance": world.huaihai.pk,
        "title": "类型不符的线索",
        "summary": "概要",
        "ip_type": "patent",
        "infringement_type": "counterfeit_trademark",
        "channel": "offline",
        "urgency": "normal",
    }
    refused = parse_html(client.post("/leads/new/", data))
    error = refused.select_one("#id_infringement_type_error").get_text(strip=True)
    assert error == "违法类型“假冒注册商标”与知识产权类型“专利”不符，请核对；都不合适时选“其他”。"
    assert not CaseLead.objects.filter(title="类型不符的线索").exists()
    for fitting in ("patent_passing_off", "other"):
        assert client.post("/leads/new/", {**data, "infringement_type": fitting}).status_code == 302
    # A counterfeit certification mark infringes a geographical indication.
    gi = {**data, "ip_type": "gi", "infringement_type": "counterfeit_trademark", "title": "地理标志证明商标"}
    assert client.post("/leads/new/", gi).status_code == 302
