"""The audit log: every sensitive action recorded, chained by hash, tampering detected."""

from itertools import pairwise

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from cases_exchange.audit import audit_verify
from cases_exchange.factories import LeadFactory
from cases_exchange.models import AuditEvent

pytestmark = pytest.mark.django_db


def actions_for(lead):
    return list(
        AuditEvent.objects.filter(object_type="caselead", object_id=str(lead.pk)).values_list(
            "action", flat=True
        )
    )


def test_create_send_read_download_and_export_are_recorded_with_who_and_where(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases_exchange.services import attachment_add

    lead = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    attachment = attachment_add(
        actor=world.actors["A_officer"], lead=lead, uploaded_file=SimpleUploadedFile("e.txt", "证据".encode())
    )
    client.force_login(world.users["B_officer"])
    client.get(f"/leads/{lead.pk}/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="测试浏览器")
    client.get(f"/leads/{lead.pk}/files/{attachment.pk}/")
    client.get("/leads/export.csv", {"tab": "received"})
    assert actions_for(lead) == ["create", "send", "upload", "read", "download"]
    read = AuditEvent.objects.get(action="read", object_id=str(lead.pk))
    assert (read.actor, read.actor_agency, read.ip_address, read.user_agent) == (
        world.users["B_officer"],
        world.agencies["B"],
        "10.1.2.3",
        "测试浏览器",
    )
    assert AuditEvent.objects.filter(action="export", actor=world.users["B_officer"]).exists()
    # The log names what was exported in the reader's language, not the model ("caselead").
    client.force_login(world.users["B_liaison"])
    page = BeautifulSoup(client.get("/leads/audit/").content.decode(), "html.parser")
    (row,) = [tr for tr in page.select(".data-table--audit tbody tr") if "导出" in tr.get_text()]
    rows = AuditEvent.objects.get(action="export").details["rows"]
    assert row.select_one('td[data-label="对象"]').get_text() == f"线索清单：收到的线索，{rows} 行（CSV）"
    english = client.get("/en/leads/audit/").content.decode()
    assert f"Lead list: Received leads, {rows} rows (CSV)" in english


def test_chain_verifies_and_each_record_links_to_the_previous(world):
    for _n in range(3):
        LeadFactory(author=world.users["A_officer"], distribution="cross_alliance")
    events = list(AuditEvent.objects.order_by("id"))
    assert all(later.prev_hash == earlier.hash for earlier, later in pairwise(events))
    report = audit_verify()
    assert report.ok
    assert report.checked == len(events)


def test_application_cannot_change_or_delete_records(world):
    LeadFactory(author=world.users["A_officer"])
    event = AuditEvent.objects.last()
    event.action = "tampered"
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()


def test_database_refuses_updates(world):
    LeadFactory(author=world.users["A_officer"])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_exchange_auditevent SET action = 'tampered'")


def _tamper(sql: str, params=()) -> None:
    """Change records behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch ordinary triggers off for the session without ALTER TABLE
            # (which PostgreSQL refuses while deferred foreign-key checks are pending).
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET session_replication_role = DEFAULT")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS cases_exchange_audit_no_update")
            cursor.execute(sql, params)


def test_verify_detects_a_changed_record(world):
    for _n in range(2):
        LeadFactory(author=world.users["A_officer"], distribution="cross_alliance")
    victim = AuditEvent.objects.order_by("id")[1]
    _tamper("UPDATE cases_exchange_auditevent SET object_repr = '改过' WHERE id = %s", [victim.pk])
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_id == victim.pk
    with pytest.raises(CommandError, match=f"BROKEN at record {victim.pk}"):
        call_command("audit_verify")


def test_verify_detects_a_deleted_record_in_the_middle_and_at_the_end(world):
    for _n in range(3):
        LeadFactory(author=world.users["A_officer"], distribution="cross_alliance")
    ids = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))
    _tamper("DELETE FROM cases_exchange_auditevent WHERE id = %s", [ids[-1]])
    assert audit_verify().problem == "records are missing at the end of the chain"
    _tamper("DELETE FROM cases_exchange_auditevent WHERE id = %s", [ids[2]])
    report = audit_verify()
    assert not report.ok
    assert report.first_bad_id == ids[3]


def test_liaison_sees_own_agency_records_and_secretariat_the_alliances(client, world):
    LeadFactory(author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk])
    LeadFactory(author=world.users["D_officer"], distribution="alliance", alliance_ids=[world.chengyu.pk])
    client.force_login(world.users["A_liaison"])
    page = client.get("/leads/audit/").content.decode()
    assert world.users["A_officer"].get_full_name() in page
    assert world.users["D_officer"].get_full_name() not in page
    assert 'href="/leads/audit/"' in page  # the workspace menu offers it to a liaison
    client.force_login(world.users["A_officer"])
    assert client.get("/leads/audit/").status_code == 403
    # … and not to an officer, who would only meet the refusal.
    assert 'href="/leads/audit/"' not in client.get("/leads/").content.decode()
    client.force_login(world.users["A_secretariat"])
    secretariat_page = client.get("/leads/audit/").content.decode()
    assert world.users["A_officer"].get_full_name() in secretariat_page
    assert world.users["D_officer"].get_full_name() not in secretariat_page


def test_secretariat_reads_no_record_about_a_lead_it_may_not_see(client, world):
    """A record about a lead names it: the secretariat sees its members' actions only on leads it may see
    itself, and only of current members."""
    from alliances.models import Membership

    between_others = LeadFactory(
        author=world.users["B_officer"],
        distribution="named",
        agency_ids=[world.agencies["C"].pk],
        title="宿迁通报临沂的线索甲",
    )
    shared = LeadFactory(
        author=world.users["B_officer"],
        distribution="alliance",
        alliance_ids=[world.huaihai.pk],
        title="联盟内通报的线索乙",
    )
    # 成都 was once a member of 淮海 (an inactive membership): its 成渝 work is not 淮海's to read.
    Membership.objects.create(alliance=world.huaihai, agency=world.agencies["D"], is_active=False)
    LeadFactory(
        author=world.users["D_officer"],
        distribution="alliance",
        alliance_ids=[world.chengyu.pk],
        title="成渝内部的线索丙",
    )
    assert AuditEvent.objects.filter(object_id=str(between_others.pk), object_type="caselead").exists()
    client.force_login(world.users["A_secretariat"])
    page = client.get("/leads/audit/").content.decode()
    assert shared.title in page
    assert between_others.title not in page
    assert "成渝内部的线索丙" not in page
    assert world.users["D_officer"].get_full_name() not in page
    # 宿迁's liaison reads its own agency's records, on both of its leads.
    client.force_login(world.users["B_liaison"])
    page = client.get("/leads/audit/").content.decode()
    assert between_others.title in page
    assert shared.title in page


def test_another_agencys_export_is_named_without_its_size(client, world):
    """An export's size counts the exporting agency's leads, hidden ones too: the secretariat reads that
    宿迁 exported its received leads, not how many it holds; 宿迁's own liaison reads the number."""
    to_suqian = [world.agencies["B"].pk]
    for _n in range(3):
        LeadFactory(author=world.users["C_officer"], distribution="named", agency_ids=to_suqian)
    client.force_login(world.users["B_officer"])
    assert client.get("/leads/export.csv", {"tab": "received"}).status_code == 200
    client.force_login(world.users["B_liaison"])
    assert client.get("/leads/audit/export.csv").status_code == 200
    rows = AuditEvent.objects.get(action="export", details__tab="received").details["rows"]
    records = AuditEvent.objects.get(action="export", object_type="auditevent").details["records"]
    assert rows >= 3
    assert records > 0

    def exports(user):
        client.force_login(world.users[user])
        page = BeautifulSoup(client.get("/leads/audit/").content.decode(), "html.parser")
        return [
            tr.select_one('td[data-label="对象"]').get_text()
            for tr in page.select(".data-table--audit tbody tr")
            if tr.select_one('td[data-label="操作"]').get_text() == "导出"
        ]

    own = [f"审计记录：{records} 条（CSV）", f"线索清单：收到的线索，{rows} 行（CSV）"]
    assert exports("B_liaison") == own
    assert exports("A_secretariat") == ["审计记录（CSV）", "线索清单：收到的线索（CSV）"]
    client.force_login(world.users["A_secretariat"])
    exported = client.get("/leads/audit/export.csv").content.decode("utf-8-sig")
    assert "线索清单：收到的线索（CSV）" in exported
    assert f"{rows} 行" not in exported
    english = client.get("/en/leads/audit/").content.decode()
    assert "Lead list: Received leads (CSV)" in english
    assert "Audit records (CSV)" in english


def test_the_log_names_actions_in_words_and_narrows_to_one_lead(client, world):
    from cases_exchange.audit import ACTION_LABELS, AuditAction

    first = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    second = LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    hidden = LeadFactory(
        author=world.users["B_officer"], distribution="named", agency_ids=[world.agencies["C"].pk]
    )
    client.force_login(world.users["A_officer"])
    client.get(f"/leads/{first.pk}/")
    client.force_login(world.users["A_liaison"])
    # Every action has a name; none of the stored codes is shown.
    assert set(ACTION_LABELS) == {v for k, v in vars(AuditAction).items() if k.isupper()}
    page = client.get("/leads/audit/").content.decode()
    assert '<td data-label="操作">查阅</td>' in page
    assert '<td data-label="操作">通报</td>' in page
    assert ">read<" not in page
    assert ">send<" not in page
    assert '<option value="read">查阅</option>' in page
    # One lead's records: its reference, typed in any case.
    page = client.get("/leads/audit/", {"lead": first.reference.lower()}).content.decode()
    assert first.title in page
    assert second.title not in page
    page = client.get("/leads/audit/", {"lead": first.reference, "action": "read"}).content.decode()
    assert page.count('<td data-label="操作">') == 1

    # A lead the liaison may not see reads exactly like one that does not exist.
    def result(reference):
        page = BeautifulSoup(client.get("/leads/audit/", {"lead": reference}).content.decode(), "html.parser")
        return str(page.select_one("main")).replace(reference, "X")

    # The secretariat reads its members' records — 宿迁's and 临沂's included — but not those about a
    # lead between the two that it may not see: asked by reference, that lead reads as one that is not.
    client.force_login(world.users["B_officer"])
    client.get(f"/leads/{first.pk}/")  # 宿迁 reads a lead 徐州 sent it
    client.force_login(world.users["A_secretariat"])
    assert AuditEvent.objects.filter(object_type="caselead", object_id=str(hidden.pk)).exists()
    assert world.users["B_officer"].get_full_name() in client.get("/leads/audit/").content.decode()
    assert result(hidden.reference) == result("HH-1999-999999")
    assert "或者这条线索您无权查看" in result("HH-1999-999999")
    english = client.get("/en/leads/audit/").content.decode()
    assert '<td data-label="Action">Read</td>' in english
    # An unknown action code is ignored, not an error.
    assert client.get("/leads/audit/", {"action": "<script>"}).status_code == 200


def test_the_log_says_whose_records_it_holds_and_links_each_lead_as_it_is_now(client, world):
    from cases_exchange import services
    from tests.cases_exchange.test_views import parse_html

    draft = LeadFactory(author=world.users["A_officer"])  # recorded while still a draft, without a number
    services.lead_send(
        actor=world.actors["A_officer"], lead=draft, distribution="named", agency_ids=[world.agencies["B"].pk]
    )
    draft.refresh_from_db()
    client.force_login(world.users["A_liaison"])
    page = parse_html(client.get("/leads/audit/"))
    assert "本页列出本单位人员的操作记录" in page.select_one("main p.muted").get_text()
    links = {a["href"]: a.get_text(strip=True) for a in page.select('td[data-label="对象"] a')}
    assert links[f"/leads/{draft.pk}/"] == f"{draft.reference} {draft.title}"
    client.force_login(world.users["A_secretariat"])
    page = parse_html(client.get("/leads/audit/"))
    assert "本页列出本联盟各成员单位人员的操作记录" in page.select_one("main p.muted").get_text()


def test_a_liaison_exports_the_log_as_filtered_and_the_export_is_recorded(client, world, monkeypatch):
    import io

    from openpyxl import load_workbook

    LeadFactory(author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk])
    LeadFactory(author=world.users["D_officer"], distribution="alliance", alliance_ids=[world.chengyu.pk])
    client.force_login(world.users["A_liaison"])
    page = client.get("/leads/audit/", {"action": "send"}).content.decode()
    assert 'href="/leads/audit/export.xlsx?action=send&amp;lead="' in page
    response = client.get("/leads/audit/export.xlsx", {"action": "send"})
    assert response["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["时间", "人员", "单位", "操作", "对象"]
    assert rows[1:]
    assert all(row[3] == "通报" for row in rows[1:])
    assert all(row[2] == world.agencies["A"].name for row in rows[1:])  # only its own agency's
    assert world.users["D_officer"].get_full_name() not in str(rows)
    exported = AuditEvent.objects.filter(action="export", object_type="auditevent").get()
    assert exported.details["records"] == len(rows) - 1
    csv_text = client.get("/leads/audit/export.csv").content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("时间,人员,单位,操作,对象")
    assert "审计记录：" in client.get("/leads/audit/").content.decode()  # the export names itself
    assert client.get("/leads/audit/export.pdf").status_code == 404
    # Past the limit the file keeps the newest records and says it was cut; the record counts those kept.
    from cases_exchange import views

    monkeypatch.setattr(views, "EXPORT_AUDIT_RECORDS", 1)
    cut = client.get("/leads/audit/export.csv").content.decode("utf-8-sig").splitlines()
    assert len(cut) == 3
    assert cut[-1] == "仅导出最近的 1 条记录；请按操作或线索编号筛选后分别导出。"
    assert (
        AuditEvent.objects.filter(action="export", object_type="auditevent").latest("id").details["records"]
        == 1
    )
    client.force_login(world.users["A_officer"])
    assert client.get("/leads/audit/export.xlsx").status_code == 403
