"""The lead workflow through the services: sending, deadlines, the recipient states, and every refusal
leaving nothing half-written."""

import importlib
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from alliances.models import Agency
from cases_exchange import selectors, services
from cases_exchange.factories import LeadFactory
from cases_exchange.models import (
    AuditEvent,
    CaseLead,
    CaseLeadGroupObjectPermission,
    LeadAttachment,
    LeadRecipient,
    Notification,
    RecipientStatus,
    SharingGroup,
)
from cases_exchange.permissions import Access, lead_policy

from .conftest import fresh_actor

pytestmark = pytest.mark.django_db


def tip_to_xuzhou(world):
    """A public tip for 徐州: the city agency's draft with that agency's own row."""
    return services.tip_submit(
        division_code=world.agencies["A"].division_code,
        data={
            "title": "举报",
            "summary": "某店销售假冒商品",
            "ip_type": "trademark",
            "channel": "offline",
            "infringement_type": "other",
        },
    )


def counts():
    return (
        CaseLead.objects.count(),
        LeadRecipient.objects.count(),
        CaseLeadGroupObjectPermission.objects.count(),
        Notification.objects.count(),
        AuditEvent.objects.count(),
        LeadAttachment.objects.count(),
    )


def named_lead(world, **kwargs):
    return LeadFactory(
        author=world.users["A_officer"], distribution="named", agency_ids=[world.agencies["B"].pk], **kwargs
    )


def b_row(world, lead):
    return LeadRecipient.objects.get(lead=lead, agency=world.agencies["B"])


class TestSending:
    def test_reference_numbers_count_per_alliance_and_year(self, world):
        first = named_lead(world)
        second = named_lead(world)
        year = first.sent_at.year
        assert first.reference.startswith(f"HH-{year}-")
        assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1

    def test_alliance_level_reaches_every_other_active_member(self, world):
        lead = LeadFactory(
            author=world.users["A_officer"], distribution="alliance", alliance_ids=[world.huaihai.pk]
        )
        agencies = set(lead.recipients.values_list("agency_id", flat=True))
        members = set(Agency.objects.members_of(world.huaihai).values_list("id", flat=True))
        assert agencies == members - {world.agencies["A"].pk}

    def test_inactive_agency_is_not_a_recipient(self, world):
        world.agencies["C"].is_active = False
        world.agencies["C"].save()
        lead = LeadFactory(
            author=world.users["A_officer"], distribution="alliance", alliance_ids=[world.huaihai.pk]
        )
        assert not lead.recipients.filter(agency=world.agencies["C"]).exists()

    def test_deadlines_count_working_days(self, world, monkeypatch):
        from django.utils import timezone

        # Friday 2026-09-18: five working days skip the weekend but include Sunday 20 September (调休).
        monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 9, 18))
        lead = named_lead(world)
        row = b_row(world, lead)
        assert row.accept_due == date(2026, 9, 24)
        # 30 calendar days land on 18 October (Sunday), moved to Monday 19 October.
        assert row.feedback_due == date(2026, 10, 19)

    def test_key_protection_shortens_deadlines(self, world, monkeypatch):
        from django.utils import timezone

        monkeypatch.setattr(timezone, "localdate", lambda *a: date(2026, 11, 2))
        lead = named_lead(world, is_key_protection=True, key_protection_reason="互认名录品牌")
        row = b_row(world, lead)
        assert row.accept_due == date(2026, 11, 5)
        assert row.feedback_due == date(2026, 11, 17)

    def test_sending_twice_is_refused(self, world):
        lead = named_lead(world)
        with pytest.raises(ValidationError, match="已经通报过"):
            services.lead_send(actor=world.actors["A_officer"], lead=lead, distribution="cross_alliance")

    def test_named_without_recipients_is_refused_and_nothing_changes(self, world):
        lead = LeadFactory(author=world.users["A_officer"])
        before = counts()
        with pytest.raises(ValidationError, match="至少选择一个"):
            services.lead_send(
                actor=world.actors["A_officer"], lead=lead, distribution="named", agency_ids=[]
            )
        assert counts() == before
        lead.refresh_from_db()
        assert (lead.status, lead.reference) == ("draft", None)

    def test_alliance_the_sender_does_not_belong_to_is_refused(self, world):
        lead = LeadFactory(author=world.users["A_officer"])
        with pytest.raises(ValidationError, match="只能向本单位所属的联盟"):
            services.lead_send(
                actor=world.actors["A_officer"],
                lead=lead,
                distribution="alliance",
                alliance_ids=[world.chengyu.pk],
            )

    def test_other_agency_cannot_send_someone_elses_draft(self, world):
        lead = LeadFactory(author=world.users["A_officer"])
        with pytest.raises(Http404):
            services.lead_send(actor=world.actors["B_officer"], lead=lead, distribution="cross_alliance")

    def test_send_query_count_does_not_grow_with_recipients(self, world):
        small = LeadFactory(author=world.users["A_officer"])
        big = LeadFactory(author=world.users["A_officer"])
        actor = fresh_actor(world.users["A_officer"])
        with CaptureQueriesContext(connection) as few:
            services.lead_send(
                actor=actor, lead=small, distribution="named", agency_ids=[world.agencies["B"].pk]
            )
        everyone = list(selectors.recipient_choices(actor=actor).values_list("id", flat=True))
        with CaptureQueriesContext(connection) as many:
            services.lead_send(actor=actor, lead=big, distribution="named", agency_ids=everyone)
        assert big.recipients.count() == len(everyone) > 20
        # Bulk inserts, not one query per recipient; SQLite's bound-parameter limit may split a bulk
        # insert of 40+ rows into two statements.
        assert len(many) <= len(few) + 2

    def test_naming_an_agency_outside_the_sender_s_alliances_is_refused(self, world):
        """徐州 (淮海) may name 淮海's members; 成都 (成渝 only) is reached by a cross-alliance lead, not by
        name, through the API or a sharing group any more than through the form."""
        lead = LeadFactory(author=world.users["A_officer"])
        group = services.sharing_group_save(
            actor=world.actors["A_officer"], name="含成都", agency_ids=[world.agencies["B"].pk]
        )
        # Saving refuses 成都 (below); a group can still come to hold an agency that is no longer a
        # co-member (written before it left, or by an administrator), and sending checks again.
        group.agencies.add(world.agencies["D"])
        before = counts()
        for kwargs in ({"agency_ids": [world.agencies["D"].pk]}, {"sharing_group": group}):
            with pytest.raises(ValidationError, match="成都市市场监督管理局"):
                services.lead_send(
                    actor=fresh_actor(world.users["A_officer"]), lead=lead, distribution="named", **kwargs
                )
        assert counts() == before
        assert CaseLead.objects.get(pk=lead.pk).status == "draft"

    def test_a_tip_sent_on_after_a_transfer_skips_the_agency_that_has_it(self, world):
        """A public tip is its city agency's draft with that agency's own row; transferred to 宿迁 and
        then sent on to 宿迁 and 临沂, it reaches 临沂 only (before: a database error, a 500)."""
        tip = tip_to_xuzhou(world)
        lead, own = tip.lead, tip.lead.recipients.get()
        services.recipient_transfer(
            actor=world.actors["A_officer"], recipient=own, to_agency=world.agencies["B"], reason="属地管辖"
        )
        services.lead_send(
            actor=fresh_actor(world.users["A_officer"]),
            lead=lead,
            distribution="named",
            agency_ids=[world.agencies["B"].pk, world.agencies["C"].pk],
        )
        assert sorted(lead.recipients.values_list("agency__name", "status")) == [
            ("临沂市市场监督管理局", "delivered"),
            ("宿迁市市场监督管理局", "delivered"),
            ("徐州市市场监督管理局", "transferred"),
        ]

    def test_a_public_tip_is_never_rewritten_has_a_thread_and_closes_when_handled(self, world):
        """The city agency forwards and discusses what the public wrote, never edits it; the agency it
        transfers the tip to joins the thread; when the last row is closed the tip is closed too."""
        tip = tip_to_xuzhou(world)
        lead, own = tip.lead, tip.lead.recipients.get()
        a_officer = fresh_actor(world.users["A_officer"])
        with pytest.raises(ValidationError, match="公众举报的内容不能修改") as refused:
            services.lead_update(actor=a_officer, lead=lead, data={"summary": "改过的内容"})
        assert refused.value.code == "public_tip"
        assert CaseLead.objects.get(pk=lead.pk).summary == "某店销售假冒商品"
        assert lead_policy.can_send(a_officer, lead)  # forwarding stays possible
        services.comment_add(actor=a_officer, lead=lead, body="已联系举报人核实地址。")
        services.recipient_transfer(
            actor=a_officer, recipient=own, to_agency=world.agencies["B"], reason="属地"
        )
        b_officer = fresh_actor(world.users["B_officer"])
        lead = CaseLead.objects.get(pk=lead.pk)
        services.comment_add(actor=b_officer, lead=lead, body="宿迁已接手。")
        assert list(lead.comments.values_list("agency_id", flat=True)) == [
            world.agencies["A"].pk,
            world.agencies["B"].pk,
        ]
        b_row = lead.recipients.get(agency=world.agencies["B"])
        b_row = services.recipient_accept(actor=b_officer, recipient=b_row)
        b_row = services.recipient_feedback(actor=b_officer, recipient=b_row, kind="concluded", note="已查处")
        assert CaseLead.objects.get(pk=lead.pk).status == "draft"  # not finished until closed
        services.recipient_close(actor=b_officer, recipient=b_row)
        lead = CaseLead.objects.get(pk=lead.pk)
        assert lead.status == "closed"
        assert not lead_policy.can_send(a_officer, lead)
        assert services.tip_status(reference=tip.reference)[1] == "已办结"
        # Never sent: not in 徐州's sent list (it was, first on PostgreSQL, as "草稿 #id").
        assert lead not in selectors.lead_rows(actor=a_officer, tab="sent")

    def test_a_tip_declined_by_the_agency_it_was_passed_to_returns_to_the_city_agency(self, world):
        tip = tip_to_xuzhou(world)
        own = tip.lead.recipients.get()
        services.recipient_transfer(
            actor=world.actors["A_officer"], recipient=own, to_agency=world.agencies["B"], reason="属地管辖"
        )
        passed = tip.lead.recipients.get(agency=world.agencies["B"])
        services.recipient_decline(actor=world.actors["B_officer"], recipient=passed, reason="不属本地")
        own.refresh_from_db()
        lead = CaseLead.objects.get(pk=tip.lead.pk)
        assert (own.status, lead.status) == ("read", "draft")  # was: the tip closed, handled by nobody
        assert services.tip_status(reference=tip.reference)[1] == "正在审查"
        services.recipient_transfer(  # 徐州 decides again: this time to 临沂
            actor=fresh_actor(world.users["A_officer"]),
            recipient=own,
            to_agency=world.agencies["C"],
            reason="线索在临沂",
        )
        assert lead.recipients.get(agency=world.agencies["C"]).status == "delivered"


class TestValidation:
    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("91350200776049653B", "校验位错误：应为 A"),
            ("9135020077604965", "应为 18 位"),
            ("91350200776049653I", "不允许的字符"),
        ],
    )
    def test_invalid_credit_code_is_a_clear_chinese_error_and_nothing_is_written(self, world, code, message):
        before = counts()
        with pytest.raises(ValidationError) as error:
            LeadFactory(author=world.users["A_officer"], suspect_credit_code=code)
        assert message in str(error.value.message_dict["suspect_credit_code"])
        assert counts() == before

    def test_valid_credit_codes_are_accepted(self, world):
        for code in ("91350200776049653A", "91440101ma5cjq4n59"):
            lead = LeadFactory(author=world.users["A_officer"], suspect_credit_code=code)
            assert lead.suspect_credit_code == code.upper()

    def test_patent_number_is_normalised_and_checked(self, world):
        lead = LeadFactory(author=world.users["A_officer"], patent_number="ZL 2017 1 0601862")
        assert lead.patent_number == "201710601862.3"
        with pytest.raises(ValidationError, match="校验位"):
            LeadFactory(author=world.users["A_officer"], patent_number="201710601862.4")

    def test_bad_phone_is_refused(self, world):
        with pytest.raises(ValidationError, match="有效的电话号码"):
            LeadFactory(author=world.users["A_officer"], suspect_phone="12345")

    def test_negative_value_is_refused(self, world):
        with pytest.raises(ValidationError):
            LeadFactory(author=world.users["A_officer"], estimated_value=Decimal("-1"))

    def test_key_protection_needs_a_reason(self, world):
        with pytest.raises(ValidationError, match="说明理由"):
            LeadFactory(author=world.users["A_officer"], is_key_protection=True)

    def test_editor_cannot_create_leads(self, world):
        with pytest.raises(ValidationError, match="没有通报线索的权限"):
            services.lead_create(actor=world.actors["editor"], data={"title": "x"})


class TestRecipientWorkflow:
    def test_full_cycle_accept_start_feedback_close(self, world):
        lead = named_lead(world)
        actor = world.actors["B_officer"]
        row = b_row(world, lead)
        row = services.recipient_accept(actor=actor, recipient=row)
        row = services.recipient_start(actor=actor, recipient=row)
        row = services.recipient_feedback(
            actor=actor,
            recipient=row,
            kind="filed",
            case_number="宿市监立〔2026〕1号",
            goods_seized=120,
            value_involved=Decimal("45000.50"),
            fines=Decimal("20000"),
        )
        assert (row.status, row.goods_seized, row.value_involved) == ("feedback", 120, Decimal("45000.50"))
        row = services.recipient_close(actor=actor, recipient=row)
        lead.refresh_from_db()
        assert row.status == "closed"
        assert lead.status == "closed"
        originator_users = set(world.agencies["A"].officers.values_list("id", flat=True))
        status_notes = Notification.objects.filter(lead=lead, kind="lead_status")
        assert set(status_notes.values_list("recipient_id", flat=True)) <= originator_users
        assert status_notes.count() >= 4

    def test_feedback_on_a_lead_not_accepted_is_refused(self, world):
        lead = named_lead(world)
        before = counts()
        with pytest.raises(ValidationError, match="尚未受理"):
            services.recipient_feedback(
                actor=world.actors["B_officer"], recipient=b_row(world, lead), kind="filed"
            )
        assert counts() == before
        assert b_row(world, lead).status == RecipientStatus.DELIVERED

    @pytest.mark.parametrize(
        ("fines", "accepted"),
        [
            ("1.000", True),
            ("1.005", False),
            ("NaN", False),
            ("Infinity", False),
            ("-1", False),
            ("1e30", False),  # more than the column holds: was a server error
            ("1000000000000", False),
        ],
    )
    def test_feedback_amounts_are_finite_and_to_the_fen(self, world, fines, accepted):
        """Called directly (a member system's adapter, a script): 1.000 元 is 1.00 元; NaN, infinity, a
        third decimal or a negative amount are refused with the field named — never a server error."""
        lead = named_lead(world)
        row = services.recipient_accept(actor=world.actors["B_officer"], recipient=b_row(world, lead))
        if accepted:
            row = services.recipient_feedback(
                actor=world.actors["B_officer"], recipient=row, kind="concluded", fines=fines
            )
            assert row.fines == Decimal("1.00")
            return
        with pytest.raises(ValidationError) as refused:
            services.recipient_feedback(
                actor=world.actors["B_officer"], recipient=row, kind="concluded", fines=fines
            )
        assert "fines" in refused.value.message_dict
        assert b_row(world, lead).status == RecipientStatus.ACCEPTED

    @pytest.mark.parametrize(
        ("feedback", "field"),
        [
            ({"kind": "filed"}, "case_number"),
            ({"kind": "not_filed", "note": "证据不足", "fines": "500"}, "fines"),
            ({"kind": "not_filed", "note": "证据不足", "goods_seized": 3}, "goods_seized"),
            ({"kind": "not_filed"}, "note"),
            ({"kind": "not_filed", "note": "证据不足", "fines": "sNaN"}, "fines"),  # was a server error
            ({"kind": "to_police", "persons_transferred": 10**12}, "persons_transferred"),
            ({"kind": "concluded", "goods_seized": 2**31}, "goods_seized"),
        ],
    )
    def test_feedback_figures_must_fit_the_outcome(self, world, feedback, field):
        """立案 names its case number; 不予立案 gives a reason and reports no seizures, amounts or fines."""
        lead = named_lead(world)
        row = services.recipient_accept(actor=world.actors["B_officer"], recipient=b_row(world, lead))
        with pytest.raises(ValidationError) as refused:
            services.recipient_feedback(actor=world.actors["B_officer"], recipient=row, **feedback)
        assert field in refused.value.message_dict
        assert b_row(world, lead).status == RecipientStatus.ACCEPTED
        row = services.recipient_feedback(
            actor=world.actors["B_officer"],
            recipient=row,
            kind="not_filed",
            note="经核查不构成侵权",
            fines="0.00",
        )
        assert (row.status, row.feedback_kind, row.fines) == ("feedback", "not_filed", 0)  # zero is no figure

    def test_decline_needs_a_reason(self, world):
        lead = named_lead(world)
        with pytest.raises(ValidationError, match="必须说明理由"):
            services.recipient_decline(
                actor=world.actors["B_officer"], recipient=b_row(world, lead), reason="  "
            )
        row = services.recipient_decline(
            actor=world.actors["B_officer"], recipient=b_row(world, lead), reason="不属于本地管辖"
        )
        assert row.status == "declined"

    def test_transfer_creates_the_new_recipient_with_access(self, world):
        lead = named_lead(world)
        new = services.recipient_transfer(
            actor=world.actors["B_officer"],
            recipient=b_row(world, lead),
            to_agency=world.agencies["C"],
            reason="涉案仓库在临沂",
        )
        assert new.agency == world.agencies["C"]
        assert new.transferred_from.agency == world.agencies["B"]
        assert b_row(world, lead).status == "transferred"
        from cases_exchange.permissions import lead_policy

        assert lead_policy.visible(fresh_actor(world.users["C_officer"])).filter(pk=lead.pk).exists()
        assert Notification.objects.filter(
            recipient=world.users["C_officer"], lead=lead, kind="lead_received"
        ).exists()

    def test_transfer_back_keeps_the_chain_of_sources(self, world):
        """宿迁 passes the lead to 临沂, which passes it back: 宿迁's row starts over as received from
        临沂, and 临沂's row still says it came from 宿迁 (it used to lose its source when 宿迁's earlier
        row was deleted and created anew)."""
        lead = named_lead(world)
        first = b_row(world, lead)
        at_c = services.recipient_transfer(
            actor=world.actors["B_officer"],
            recipient=first,
            to_agency=world.agencies["C"],
            reason="仓库在临沂",
        )
        back = services.recipient_transfer(
            actor=world.actors["C_officer"],
            recipient=at_c,
            to_agency=world.agencies["B"],
            reason="经营者在宿迁",
        )
        assert back.pk == first.pk
        assert (back.status, back.reason, back.decided_at, back.read_at) == ("delivered", "", None, None)
        assert back.transferred_from_id == at_c.pk
        at_c.refresh_from_db()
        assert (at_c.status, at_c.transferred_from_id) == ("transferred", first.pk)
        assert lead.recipients.filter(agency=world.agencies["B"]).count() == 1
        assert services.recipient_accept(actor=world.actors["B_officer"], recipient=back).status == "accepted"

    def test_transfer_to_a_non_member_is_refused_and_nothing_changes(self, world):
        lead = named_lead(world)
        outsider = Agency.objects.create(
            name="某市知识产权局（非成员）", kind="ip_office", city="某市", division_code="110100"
        )
        before = counts()
        with pytest.raises(ValidationError, match="不是本线索所属联盟的有效成员单位"):
            services.recipient_transfer(
                actor=world.actors["B_officer"],
                recipient=b_row(world, lead),
                to_agency=outsider,
                reason="试移送",
            )
        with pytest.raises(ValidationError, match="不是本线索所属联盟的有效成员单位"):
            services.recipient_transfer(
                actor=world.actors["B_officer"],
                recipient=b_row(world, lead),
                to_agency=world.agencies["D"],
                reason="跨联盟",
            )
        assert counts() == before
        assert b_row(world, lead).status == RecipientStatus.DELIVERED

    def test_transfer_never_replaces_an_agency_s_closed_case(self, world):
        """临沂 has closed its part with feedback figures: 宿迁 cannot transfer the lead to it again (the
        row with the case number and fines would be replaced, and leave the statistics)."""
        lead = LeadFactory(
            author=world.users["A_officer"],
            distribution="named",
            agency_ids=[world.agencies["B"].pk, world.agencies["C"].pk],
        )
        c_row = LeadRecipient.objects.get(lead=lead, agency=world.agencies["C"])
        c_actor = world.actors["C_officer"]
        services.recipient_accept(actor=c_actor, recipient=c_row)
        services.recipient_feedback(
            actor=c_actor, recipient=c_row, kind="filed", case_number="临市监立〔2026〕88号", fines=50000
        )
        services.recipient_close(actor=c_actor, recipient=c_row)
        before = counts()
        with pytest.raises(ValidationError, match="已办结这条线索"):
            services.recipient_transfer(
                actor=world.actors["B_officer"],
                recipient=b_row(world, lead),
                to_agency=world.agencies["C"],
                reason="涉案仓库在临沂",
            )
        assert counts() == before
        closed = LeadRecipient.objects.get(lead=lead, agency=world.agencies["C"])
        assert (closed.status, closed.case_number, closed.fines) == ("closed", "临市监立〔2026〕88号", 50000)

    def test_credit_officer_of_the_recipient_agency_cannot_act(self, world):
        lead = named_lead(world)
        with pytest.raises(Http404):
            services.recipient_accept(actor=world.actors["B_credit_officer"], recipient=b_row(world, lead))

    def test_accepting_twice_is_refused(self, world):
        lead = named_lead(world)
        services.recipient_accept(actor=world.actors["B_officer"], recipient=b_row(world, lead))
        with pytest.raises(ValidationError, match="不能受理"):
            services.recipient_accept(actor=world.actors["B_liaison"], recipient=b_row(world, lead))


class TestAttachments:
    def upload(self, world, lead, name, content):
        return services.attachment_add(
            actor=world.actors["A_officer"], lead=lead, uploaded_file=SimpleUploadedFile(name, content)
        )

    def test_file_is_stored_with_its_sha256(self, world):
        import hashlib

        lead = named_lead(world)
        attachment = self.upload(world, lead, "截图.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
        assert attachment.sha256 == hashlib.sha256(b"\x89PNG\r\n\x1a\n" + b"0" * 100).hexdigest()
        assert attachment.file.name.startswith(f"leads/{lead.pk}/")
        assert "截图" not in attachment.file.name

    def test_file_lives_outside_media_root_and_has_no_url(self, world, settings):
        lead = named_lead(world)
        attachment = self.upload(world, lead, "证据.pdf", b"%PDF-1.7 evidence")
        stored = Path(settings.PRIVATE_MEDIA_ROOT) / attachment.file.name
        assert stored.read_bytes() == b"%PDF-1.7 evidence"
        media = Path(settings.MEDIA_ROOT)
        assert not media.exists() or not list(media.rglob(attachment.sha256))
        with pytest.raises(ValueError, match="no URL"):
            _ = attachment.file.url

    def test_upgrade_moves_old_files_out_of_media_root(self, world, settings):
        """Migration 0006 moves files stored under MEDIA_ROOT/private/ by earlier versions, and back."""
        migration = importlib.import_module("cases_exchange.migrations.0006_attachments_private_storage")
        lead = named_lead(world)
        attachment = self.upload(world, lead, "旧证据.pdf", b"%PDF-1.4 old")
        new_name = attachment.file.name
        old_path = Path(settings.MEDIA_ROOT) / "private" / new_name
        old_path.parent.mkdir(parents=True, exist_ok=True)
        (Path(settings.PRIVATE_MEDIA_ROOT) / new_name).replace(old_path)
        LeadAttachment.objects.filter(pk=attachment.pk).update(file="private/" + new_name)
        editor = SimpleNamespace(connection=connection)

        migration.move_files(django_apps, editor)
        migration.move_files(django_apps, editor)  # a second run finds nothing left to do

        attachment.refresh_from_db()
        assert attachment.file.name == new_name
        assert not old_path.exists()
        assert attachment.file.open("rb").read() == b"%PDF-1.4 old"
        attachment.file.close()

        migration.backwards(django_apps, editor)
        attachment.refresh_from_db()
        assert attachment.file.name == "private/" + new_name
        assert old_path.read_bytes() == b"%PDF-1.4 old"

        # Copied ahead by hand: the public copy goes; a copy that differs stops the migration.
        shutil.copy(old_path, Path(settings.PRIVATE_MEDIA_ROOT) / new_name)
        migration.move_files(django_apps, editor)
        assert not old_path.exists()
        assert (Path(settings.PRIVATE_MEDIA_ROOT) / new_name).read_bytes() == b"%PDF-1.4 old"
        migration.backwards(django_apps, editor)
        (Path(settings.PRIVATE_MEDIA_ROOT) / new_name).write_bytes(b"%PDF-1.4 other")
        with pytest.raises(RuntimeError, match="differ"):
            migration.move_files(django_apps, editor)
        old_path.unlink()
        (Path(settings.PRIVATE_MEDIA_ROOT) / new_name).unlink()

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("script.exe", b"MZ\x90\x00", "不支持的文件类型"),
            ("page.html", b"<html>", "不支持的文件类型"),
            ("fake.pdf", b"MZ\x90\x00 not a pdf", "文件内容与扩展名"),
            ("empty.pdf", b"", "文件大小"),
            # An old Word file (an OLE compound file) is told how to send it instead.
            ("通知.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "请另存为 .docx、.xlsx 或 PDF"),
        ],
    )
    def test_disallowed_files_are_refused_and_nothing_is_stored(self, world, name, content, message):
        lead = named_lead(world)
        before = counts()
        with pytest.raises(ValidationError, match=message):
            self.upload(world, lead, name, content)
        assert counts() == before

    def test_oversize_file_is_refused(self, world, settings):
        settings.LEAD_ATTACHMENT_MAX_BYTES = 1024
        lead = named_lead(world)
        with pytest.raises(ValidationError, match=r"文件大小应在 1 字节到 1\.0"):
            self.upload(world, lead, "big.pdf", b"%PDF-" + b"0" * 2000)
        assert not LeadAttachment.objects.filter(lead=lead).exists()


def test_comment_notifies_the_other_agencies(world):
    lead = named_lead(world)
    services.comment_add(actor=world.actors["B_officer"], lead=lead, body="已安排核查")
    notified = set(
        Notification.objects.filter(lead=lead, kind="lead_comment").values_list(
            "recipient__agency_id", flat=True
        )
    )
    assert notified == {world.agencies["A"].pk}


def test_sharing_group_holds_co_members_only_and_names_are_unique_per_agency(world):
    actor = world.actors["A_officer"]
    with pytest.raises(ValidationError, match="本单位所在联盟的有效成员单位") as refused:
        services.sharing_group_save(actor=actor, name="含成都", agency_ids=[world.agencies["D"].pk])
    assert refused.value.code == "not_member"
    assert not SharingGroup.objects.filter(name="含成都").exists()
    first = services.sharing_group_save(actor=actor, name="甲组", agency_ids=[world.agencies["B"].pk])
    second = services.sharing_group_save(actor=actor, name="乙组", agency_ids=[world.agencies["C"].pk])
    with pytest.raises(ValidationError, match="已有同名的通报组"):  # was a database error
        services.sharing_group_save(
            actor=actor, name="甲组", agency_ids=[world.agencies["C"].pk], group=second
        )
    second.refresh_from_db()
    assert (second.name, list(second.agencies.values_list("pk", flat=True))) == (
        "乙组",
        [world.agencies["C"].pk],
    )
    kept = services.sharing_group_save(  # keeping its own name is not a duplicate
        actor=actor, name="甲组", description="改说明", agency_ids=[world.agencies["C"].pk], group=first
    )
    assert (kept.name, kept.description) == ("甲组", "改说明")


def test_sharing_group_reaches_its_agencies(world):
    group = services.sharing_group_save(
        actor=world.actors["A_officer"],
        name="测试组",
        agency_ids=[world.agencies["B"].pk, world.agencies["C"].pk],
    )
    lead = LeadFactory(author=world.users["A_officer"], distribution="named", sharing_group=group)
    assert set(lead.recipients.values_list("agency_id", flat=True)) == {
        world.agencies["B"].pk,
        world.agencies["C"].pk,
    }


class TestSendingMore:
    """追加通报: the originator names more agencies for a lead already sent."""

    def declined_by_b(self, world, **kwargs):
        lead = named_lead(world, **kwargs)
        services.recipient_decline(
            actor=world.actors["B_officer"], recipient=b_row(world, lead), reason="不在本市"
        )
        lead.refresh_from_db()
        assert lead.status == "closed"  # its only recipient declined
        return lead

    def test_a_lead_every_recipient_declined_is_sent_on_and_opens_again(self, world):
        lead = self.declined_by_b(world)
        c = world.agencies["C"]
        # 宿迁 is named again beside 临沂 (a sharing group often names the first recipients): it is skipped.
        added, skipped = services.lead_send_more(
            actor=fresh_actor(world.users["A_officer"]), lead=lead, agency_ids=[world.agencies["B"].pk, c.pk]
        )
        assert (added, skipped) == ([c], [world.agencies["B"]])
        lead.refresh_from_db()
        assert lead.status == "sent"
        row = LeadRecipient.objects.get(lead=lead, agency=c)
        assert (row.status, row.accept_due is not None, row.feedback_due is not None) == (
            "delivered",
            True,
            True,
        )
        assert lead_policy.access(fresh_actor(world.users["C_officer"]), lead) is Access.FULL
        assert Notification.objects.filter(
            recipient=world.users["C_officer"], kind="lead_received", lead=lead
        ).exists()
        event = AuditEvent.objects.filter(object_id=str(lead.pk)).latest("id")
        assert (event.action, event.details) == ("send_more", {"recipients": [c.pk], "reopened": True})
        # 宿迁's decline stands; it is not delivered the lead again.
        assert b_row(world, lead).status == "declined"
        history = selectors.lead_history(lead)
        assert (history[-1]["action"], history[-1]["note"]) == (
            "追加通报",
            "临沂市市场监督管理局（线索重新开启）",
        )
        assert LeadRecipient.objects.filter(lead=lead, agency=world.agencies["B"]).count() == 1

    def test_a_restricted_lead_reaches_new_agencies_as_a_summary(self, world):
        lead = self.declined_by_b(world, restrict_sensitive=True)
        services.lead_send_more(
            actor=fresh_actor(world.users["A_officer"]), lead=lead, agency_ids=[world.agencies["C"].pk]
        )
        assert lead_policy.access(fresh_actor(world.users["C_officer"]), lead) is Access.SUMMARY

    def test_refusals_leave_nothing_written(self, world):
        lead = self.declined_by_b(world)
        before = counts()
        a = fresh_actor(world.users["A_officer"])
        cases = [
            # an agency that holds a row already, whatever became of it
            (a, [world.agencies["B"].pk], "都已接收过", ValidationError),
            # an agency of no alliance the sender belongs to
            (a, [world.agencies["D"].pk], "不是有效的联盟成员单位", ValidationError),
            (a, [], "请至少选择一个接收单位", ValidationError),
            # a recipient may see the lead but not name others
            (
                fresh_actor(world.users["B_officer"]),
                [world.agencies["C"].pk],
                "只有通报单位",
                ValidationError,
            ),
        ]
        for actor, agency_ids, message, error in cases:
            with pytest.raises(error, match=message):
                services.lead_send_more(actor=actor, lead=lead, agency_ids=agency_ids)
        # an agency that does not see the lead learns nothing
        with pytest.raises(Http404):
            services.lead_send_more(
                actor=fresh_actor(world.users["D_officer"]), lead=lead, agency_ids=[world.agencies["C"].pk]
            )
        assert counts() == before
        lead.refresh_from_db()
        assert lead.status == "closed"

    def test_a_public_tip_closed_without_being_sent_on_cannot_be_sent_more(self, world):
        """The city agency declined the tip it holds: the lead closed as a draft with no reference —
        there is no sending to add to."""
        tip = tip_to_xuzhou(world)
        services.recipient_decline(
            actor=fresh_actor(world.users["A_officer"]),
            recipient=LeadRecipient.objects.get(lead=tip.lead),
            reason="非本市线索",
        )
        lead = CaseLead.objects.get(pk=tip.lead.pk)
        assert (lead.status, lead.sent_at) == ("closed", None)
        before = counts()
        with pytest.raises(ValidationError, match="还没有通报"):
            services.lead_send_more(
                actor=fresh_actor(world.users["A_officer"]), lead=lead, agency_ids=[world.agencies["B"].pk]
            )
        assert counts() == before

    def test_a_draft_is_sent_not_sent_more(self, world):
        draft = LeadFactory(author=world.users["A_officer"])
        with pytest.raises(ValidationError, match="还没有通报"):
            services.lead_send_more(
                actor=fresh_actor(world.users["A_officer"]), lead=draft, agency_ids=[world.agencies["B"].pk]
            )
        assert not LeadRecipient.objects.filter(lead=draft).exists()


@pytest.mark.parametrize("distribution", ["named", "alliance", "cross_alliance"])
def test_an_agency_no_longer_in_any_alliance_sends_nothing(world, distribution):
    """Its draft stays its own; sending it — cross-alliance as well, which names no alliance of its own —
    is refused with the reason and reaches no one."""
    from alliances.models import Membership

    draft = LeadFactory(author=world.users["A_officer"])
    Membership.objects.filter(agency=world.agencies["A"]).update(is_active=False)
    with pytest.raises(ValidationError, match="本单位不是任何联盟的有效成员") as refused:
        services.lead_send(
            actor=world.actors["A_officer"],
            lead=draft,
            distribution=distribution,
            agency_ids=[world.agencies["B"].pk],
            alliance_ids=[world.huaihai.pk],
        )
    assert refused.value.code == "not_member"
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not draft.recipients.exists()
