"""Writes of the lead exchange: drafting, sending, the recipient workflow, access, discussion, evidence.

Every function takes the acting :class:`~cases_exchange.permissions.Actor`, checks it against the policy,
does its work in one transaction (a bad input leaves nothing half-written), grants or revokes object
permissions there, writes the notifications and the audit record in the same transaction, and returns
the changed object. Violations raise :class:`LeadError` (a ``ValidationError`` with a Chinese message)
or ``Http404`` when the actor may not see the lead at all.
"""

import hashlib
import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from alliances.models import Agency, Alliance, Membership
from portal.identifiers import (
    is_shop_address,
    normalise_credit_code,
    normalise_patent_number,
    normalise_phone,
    normalise_trademark_number,
)

from . import notifications, selectors
from .audit import AuditAction, audit_record
from .correlation import lead_identifiers_refresh
from .models import (
    FINISHED_STATUSES,
    CaseLead,
    CaseLeadGroupObjectPermission,
    Distribution,
    FeedbackKind,
    InfringementType,
    IPType,
    LeadAccessRequest,
    LeadAttachment,
    LeadComment,
    LeadRecipient,
    LeadSequence,
    LeadSource,
    LeadStatus,
    Notification,
    PublicTip,
    RecipientStatus,
    SharingGroup,
)
from .permissions import Access, Actor, lead_policy, permission_id
from .workdays import deadlines_for


class LeadError(ValidationError):
    """A request the workflow refuses, with a message for the person who made it."""


EDITABLE_FIELDS = (
    "alliance",
    "title",
    "summary",
    "details",
    "ip_type",
    "infringement_type",
    "channel",
    "urgency",
    "rights_holder",
    "trademark_number",
    "patent_number",
    "suspect_name",
    "suspect_credit_code",
    "suspect_address",
    "suspect_shop_url",
    "suspect_phone",
    "informant",
    "location_city",
    "location_division_code",
    "location_address",
    "estimated_value",
    "restrict_sensitive",
    "is_key_protection",
    "key_protection_reason",
)


# --- helpers ----------------------------------------------------------------------------------------


def _require(condition: bool, message: str, code: str = "invalid") -> None:
    if not condition:
        raise LeadError(message, code=code)


def _agency_alliance_ids(agency_id: int) -> set[int]:
    return set(
        Membership.objects.active()
        .filter(agency_id=agency_id, alliance__is_active=True)
        .values_list("alliance_id", flat=True)
    )


def _grant(lead: CaseLead, codename: str, group_ids) -> None:
    lead.__dict__.pop("_policy_memo", None)  # the policy memoises permissions on the instance
    CaseLeadGroupObjectPermission.objects.bulk_create(
        [
            CaseLeadGroupObjectPermission(
                content_object=lead, group_id=gid, permission_id=permission_id(codename)
            )
            for gid in set(group_ids)
        ],
        ignore_conflicts=True,
    )


#: Identifiers stored in one form however they were typed: what reads each, and what is said when it
#: cannot be read (the new-lead form asks the same, so that every such error shows at once).
IDENTIFIER_FORMS = {
    "suspect_phone": (normalise_phone, _lazy("请输入有效的电话号码，例如 13800000000 或 0516-83738888。")),
    "patent_number": (
        normalise_patent_number,
        _lazy("专利号格式或校验位不正确，应为 12 位数字加校验位，例如 ZL201710601862.3。"),
    ),
    "trademark_number": (normalise_trademark_number, _lazy("商标注册号应为数字，例如 12345678。")),
}


#: The kinds of infringement of each kind of IP right ("other" goes with any). A geographical indication
#: is often registered as a collective or certification mark, so a counterfeit mark may infringe one.
INFRINGEMENTS_OF = {
    "patent": {"patent_infringement", "patent_passing_off"},
    "trademark": {"counterfeit_trademark", "trademark_infringement", "confusion"},
    "copyright": {"piracy"},
    "gi": {"gi_misuse", "counterfeit_trademark", "confusion"},
    "trade_secret": {"trade_secret_theft"},
}


def lead_rule_errors(
    *,
    suspect_shop_url: str,
    is_key_protection: bool,
    key_protection_reason: str,
    ip_type: str = "",
    infringement_type: str = "",
) -> dict:
    """The rules of a lead's fields that their model does not state, by field (the new-lead form asks
    them too, beside its own checks, so that all show at once)."""
    errors = {}
    known = ip_type in IPType.values and infringement_type in InfringementType.values
    mismatched = infringement_type not in INFRINGEMENTS_OF.get(ip_type, set())
    if known and infringement_type != InfringementType.OTHER and mismatched:
        errors["infringement_type"] = _(
            "违法类型“%(kind)s”与知识产权类型“%(ip)s”不符，请核对；都不合适时选“其他”。"
        ) % {
            "kind": InfringementType(infringement_type).label,
            "ip": IPType(ip_type).label,
        }
    address = (suspect_shop_url or "").strip()
    if any(c.isspace() for c in address):
        errors["suspect_shop_url"] = _("网店地址不能包含空格。")
    elif address and not is_shop_address(address):
        # Not an address (淘宝店, 某某旗舰店): it would link the lead to nothing (串并案 reads addresses).
        errors["suspect_shop_url"] = _(
            "请填写网店或网页的网址，例如 shop123.taobao.com；店铺名称请写在“涉嫌主体名称”中。"
        )
    if is_key_protection and not (key_protection_reason or "").strip():
        errors["key_protection_reason"] = _("标记为重点保护时请说明理由（例如：涉及互认名录中的品牌）。")
    return errors


def _normalise(lead: CaseLead) -> None:
    """Clean and normalise identifiers; raise ``ValidationError`` with per-field Chinese messages."""
    errors = {}
    if lead.suspect_credit_code:
        lead.suspect_credit_code = normalise_credit_code(lead.suspect_credit_code)
    for name, (normalise, message) in IDENTIFIER_FORMS.items():
        if value := getattr(lead, name):
            number = normalise(value)
            if number is None:
                errors[name] = str(message)
            else:
                setattr(lead, name, number)
    errors.update(
        lead_rule_errors(
            suspect_shop_url=lead.suspect_shop_url,
            is_key_protection=lead.is_key_protection,
            key_protection_reason=lead.key_protection_reason,
            ip_type=lead.ip_type,
            infringement_type=lead.infringement_type,
        )
    )
    if errors:
        raise ValidationError(errors)
    lead.full_clean(exclude=["reference", "distribution", "status", "sharing_group"])


# --- drafting ---------------------------------------------------------------------------------------


@transaction.atomic
def lead_create(*, actor: Actor, data: dict, source: str = LeadSource.OFFICER, request=None) -> CaseLead:
    """Create a draft lead owned by ``actor``'s agency; only that agency can see it until it is sent."""
    _require(actor.works_with_leads, _("您没有通报线索的权限。"), "forbidden")
    fields = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    alliance = fields.get("alliance")
    allowed = _agency_alliance_ids(actor.agency_id)
    _require(bool(allowed), _("本单位不是任何联盟的有效成员，不能通报线索。"), "not_member")
    if alliance is None:
        fields["alliance"] = Alliance.objects.get(pk=min(allowed))
    else:
        _require(alliance.pk in allowed, _("只能在本单位所属的联盟内通报线索。"), "not_member")
    lead = CaseLead(
        originating_agency_id=actor.agency_id,
        created_by=actor.user,
        source=source,
        status=LeadStatus.DRAFT,
        distribution=Distribution.DRAFT,
        **fields,
    )
    _normalise(lead)
    lead.save()
    group_ids = actor.group_ids
    for codename in (lead_policy.VIEW, lead_policy.SENSITIVE, lead_policy.MANAGE):
        _grant(lead, codename, group_ids)
    lead_identifiers_refresh(lead=lead)
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=lead, request=request, details={"source": source}
    )
    return lead


def edit_refusal(lead: CaseLead) -> tuple[str, str]:
    """Why ``lead`` cannot be edited (message and code), for the service and the edit page alike."""
    if lead.source == LeadSource.PUBLIC_TIP:
        return _("公众举报的内容不能修改；请通过讨论区补充核查情况。"), "public_tip"
    return _("已通报的线索不能再修改；请通过讨论区补充说明。"), "not_draft"


@transaction.atomic
def lead_update(*, actor: Actor, lead: CaseLead, data: dict, request=None) -> CaseLead:
    """Change a draft (only the originator, only before sending)."""
    lead = CaseLead.objects.select_for_update().get(pk=lead.pk)
    if lead_policy.access(actor, lead) is Access.NONE:
        raise Http404
    if not lead_policy.can_edit(actor, lead):
        message, code = edit_refusal(lead)
        raise LeadError(message, code=code)
    changed = []
    for name, value in data.items():
        if name in EDITABLE_FIELDS and getattr(lead, name) != value:
            setattr(lead, name, value)
            changed.append(name)
    if "alliance" in changed:
        _require(
            lead.alliance_id in _agency_alliance_ids(actor.agency_id), _("只能在本单位所属的联盟内通报线索。")
        )
    _normalise(lead)
    lead.save()
    lead_identifiers_refresh(lead=lead)
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=lead, request=request, details={"fields": changed}
    )
    return lead


# --- sending ----------------------------------------------------------------------------------------


def resolve_recipients(
    *, actor: Actor, lead: CaseLead, distribution: str, agency_ids=(), sharing_group=None, alliance_ids=()
) -> list[Agency]:
    """The agencies a lead sent at ``distribution`` reaches, the originator excluded; validates the choice."""
    # Sending is a member's act: an agency whose memberships have all ended keeps its drafts (and the leads
    # it holds) but reaches no one with them, whatever the level.
    own_alliances = _agency_alliance_ids(actor.agency_id)
    _require(bool(own_alliances), _("本单位不是任何联盟的有效成员，不能通报线索。"), "not_member")
    active_members = Agency.objects.filter(
        is_active=True, memberships__is_active=True, memberships__alliance__is_active=True
    ).distinct()
    if distribution == Distribution.NAMED:
        wanted = {int(a) for a in agency_ids}
        if sharing_group is not None:
            _require(sharing_group.owner_agency_id == actor.agency_id, _("只能使用本单位的通报组。"))
            wanted |= set(sharing_group.agencies.values_list("id", flat=True))
        wanted.discard(actor.agency_id)
        _require(bool(wanted), _("请至少选择一个接收单位或通报组。"), "no_recipients")
        # The agencies the send form offers: members of an alliance the sender belongs to (a lead for
        # everyone, co-member or not, is what the cross-alliance level is for).
        offered = selectors.recipient_choices(actor=actor).values("pk")
        found = list(active_members.filter(pk__in=wanted).filter(pk__in=offered))
        missing = wanted - {a.pk for a in found}
        if missing:
            names = ", ".join(Agency.objects.filter(pk__in=missing).values_list("name", flat=True)) or str(
                missing
            )
            raise LeadError(
                _("以下单位不是有效的联盟成员单位，不能接收线索：%(names)s") % {"names": names},
                code="not_member",
            )
        return found
    if distribution == Distribution.ALLIANCE:
        chosen = {int(a) for a in alliance_ids} or {lead.alliance_id}
        _require(chosen <= own_alliances, _("只能向本单位所属的联盟通报。"), "not_member")
        return list(
            active_members.filter(memberships__alliance_id__in=chosen, memberships__is_active=True)
            .exclude(pk=actor.agency_id)
            .distinct()
        )
    if distribution == Distribution.CROSS_ALLIANCE:
        return list(active_members.exclude(pk=actor.agency_id))
    raise LeadError(_("请选择通报范围。"), code="distribution")


def _next_reference(alliance: Alliance, year: int) -> str:
    sequence, _created = LeadSequence.objects.select_for_update().get_or_create(alliance=alliance, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{alliance.code}-{year}-{sequence.last:06d}"


def _deliver(*, actor: Actor, lead: CaseLead, agencies: list[Agency], now) -> None:
    """Give each of ``agencies`` its recipient row with deadlines counted from today, the permissions
    that go with it, and its officers' notifications (inside the caller's transaction)."""
    today = timezone.localdate(now)
    accept_due, feedback_due = deadlines_for(
        alliance=lead.alliance, start=today, key_protection=lead.is_key_protection
    )
    LeadRecipient.objects.bulk_create(
        [
            LeadRecipient(
                lead=lead, agency=agency, delivered_at=now, accept_due=accept_due, feedback_due=feedback_due
            )
            for agency in agencies
        ]
    )
    selectors.lead_counts_invalidate(agency.pk for agency in agencies)  # bulk_create sends no signals
    group_ids = [agency.group_id for agency in agencies]
    _grant(lead, lead_policy.VIEW, group_ids)
    if not lead.restrict_sensitive:
        _grant(lead, lead_policy.SENSITIVE, group_ids)
    notifications.notify_agencies(
        agency_ids=[a.pk for a in agencies],
        kind=Notification.Kind.LEAD_RECEIVED,
        lead=lead,
        actor_agency_id=actor.agency_id,
    )


@transaction.atomic
def lead_send(
    *,
    actor: Actor,
    lead: CaseLead,
    distribution: str,
    agency_ids=(),
    sharing_group: SharingGroup | None = None,
    alliance_ids=(),
    request=None,
) -> CaseLead:
    """Send a draft: number it, create the recipients with their deadlines, grant permissions to their
    groups, notify their officers, audit — all or nothing."""
    lead = CaseLead.objects.select_for_update().select_related("alliance").get(pk=lead.pk)
    if lead_policy.access(actor, lead) is Access.NONE:
        raise Http404
    _require(lead_policy.can_send(actor, lead), _("这条线索已经通报过了。"), "not_draft")
    recipients = resolve_recipients(
        actor=actor,
        lead=lead,
        distribution=distribution,
        agency_ids=agency_ids,
        sharing_group=sharing_group,
        alliance_ids=alliance_ids,
    )
    # A public tip is a draft that already has its city agency's row, and may have been transferred on:
    # agencies that hold a row for this lead keep it and are not delivered it twice.
    holding = set(LeadRecipient.objects.filter(lead=lead).values_list("agency_id", flat=True))
    recipients = [agency for agency in recipients if agency.pk not in holding]
    _require(bool(recipients), _("所选范围内没有其他有效成员单位。"), "no_recipients")
    now = timezone.now()
    today = timezone.localdate(now)
    lead.reference = _next_reference(lead.alliance, today.year)
    lead.status = LeadStatus.SENT
    lead.sent_at = now
    lead.distribution = distribution
    lead.sharing_group = sharing_group if distribution == Distribution.NAMED else None
    lead.save()
    if distribution == Distribution.ALLIANCE:
        lead.target_alliances.set({int(a) for a in alliance_ids} or {lead.alliance_id})
    elif distribution == Distribution.CROSS_ALLIANCE:
        lead.target_alliances.set(Alliance.objects.filter(is_active=True))
    _deliver(actor=actor, lead=lead, agencies=recipients, now=now)
    audit_record(
        actor=actor,
        action=AuditAction.SEND,
        obj=lead,
        request=request,
        details={"distribution": distribution, "recipients": sorted(a.pk for a in recipients)},
    )
    return lead


@transaction.atomic
def lead_send_more(
    *, actor: Actor, lead: CaseLead, agency_ids=(), sharing_group: SharingGroup | None = None, request=None
) -> tuple[list[Agency], list[Agency]]:
    """Deliver a lead already sent to more agencies the originator names (追加通报) — when the agencies it
    reached declined it, say, or another city turns out to be concerned. Agencies that hold a row for the
    lead (whatever became of it) are not delivered it again — a sharing group names them often — and
    refused only when no chosen agency is new; a closed lead is open again. Returns the agencies newly
    reached and those skipped; all or nothing."""
    lead = CaseLead.objects.select_for_update().select_related("alliance").get(pk=lead.pk)
    if lead_policy.access(actor, lead) is Access.NONE:
        raise Http404
    _require(lead_policy.is_originator(actor, lead), _("只有通报单位可以为线索追加接收单位。"), "forbidden")
    _require(lead_policy.can_send_more(actor, lead), _("这条线索还没有通报，请先通报。"), "not_sent")
    chosen = resolve_recipients(
        actor=actor,
        lead=lead,
        distribution=Distribution.NAMED,
        agency_ids=agency_ids,
        sharing_group=sharing_group,
    )
    holding = set(LeadRecipient.objects.filter(lead=lead).values_list("agency_id", flat=True))
    added = [agency for agency in chosen if agency.pk not in holding]
    skipped = [agency for agency in chosen if agency.pk in holding]
    _require(bool(added), _("所选单位都已接收过这条线索，没有可以追加的单位。"), "already_recipient")
    _deliver(actor=actor, lead=lead, agencies=added, now=timezone.now())
    reopened = lead.status == LeadStatus.CLOSED
    # Saved either way: a closed lead is open again, and the sender's cached lists show the new rows.
    lead.status = LeadStatus.SENT
    lead.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.SEND_MORE,
        obj=lead,
        request=request,
        details={"recipients": sorted(a.pk for a in added), "reopened": reopened},
    )
    return added, skipped


# --- recipient workflow -----------------------------------------------------------------------------


def _locked_recipient(actor: Actor, recipient: LeadRecipient) -> LeadRecipient:
    recipient = (
        LeadRecipient.objects.select_for_update()
        .select_related("lead", "lead__alliance")
        .get(pk=recipient.pk)
    )
    if lead_policy.access(actor, recipient.lead) is Access.NONE:
        raise Http404
    _require(
        lead_policy.can_handle(actor, recipient), _("只有接收单位的办案人员才能办理这条线索。"), "forbidden"
    )
    return recipient


def _status_changed(actor: Actor, recipient: LeadRecipient, action: str, request, details=None) -> None:
    lead = recipient.lead
    recipient.save()
    others = {lead.originating_agency_id} - {actor.agency_id}
    notifications.notify_agencies(
        agency_ids=others,
        kind=Notification.Kind.LEAD_STATUS,
        lead=lead,
        actor_agency_id=actor.agency_id,
        status=recipient.status,
    )
    audit_record(
        actor=actor,
        action=action,
        obj=lead,
        request=request,
        details={"recipient": recipient.agency_id, "status": recipient.status, **(details or {})},
    )
    _close_lead_if_finished(lead)


def _close_lead_if_finished(lead: CaseLead) -> None:
    """Close a lead when every recipient row is finished: a sent lead, or a public tip (a draft of its city
    agency that was handled without being sent on)."""
    handled = lead.status == LeadStatus.SENT or lead.is_tip_in_hand
    if handled and not lead.recipients.exclude(status__in=FINISHED_STATUSES).exists():
        lead.status = LeadStatus.CLOSED
        lead.save(update_fields=["status", "updated_at"])


def recipient_mark_read(*, actor: Actor, recipient: LeadRecipient, request=None) -> LeadRecipient:
    """The first time someone of the receiving agency opens the lead."""
    if recipient.status != RecipientStatus.DELIVERED or recipient.agency_id != actor.agency_id:
        return recipient
    read_at = timezone.now()
    with transaction.atomic():
        updated = LeadRecipient.objects.filter(pk=recipient.pk, status=RecipientStatus.DELIVERED).update(
            status=RecipientStatus.READ, read_at=read_at
        )
        if updated:
            # update() sends no signals: the reader's lists, and the sender's, whose sent tab shows 已阅.
            selectors.lead_counts_invalidate([recipient.agency_id, recipient.lead.originating_agency_id])
            # What the statement wrote, set on the row in hand (its lead and agency stay loaded).
            recipient.status, recipient.read_at = RecipientStatus.READ, read_at
            notifications.notify_agencies(
                agency_ids={recipient.lead.originating_agency_id} - {actor.agency_id},
                kind=Notification.Kind.LEAD_STATUS,
                lead=recipient.lead,
                actor_agency_id=actor.agency_id,
                status=RecipientStatus.READ,
            )
    return recipient


@transaction.atomic
def recipient_accept(*, actor: Actor, recipient: LeadRecipient, request=None) -> LeadRecipient:
    recipient = _locked_recipient(actor, recipient)
    _require(
        recipient.status in (RecipientStatus.DELIVERED, RecipientStatus.READ),
        _("当前状态为“%(status)s”，不能受理。") % {"status": recipient.get_status_display()},
        "wrong_status",
    )
    recipient.status = RecipientStatus.ACCEPTED
    recipient.decided_at = timezone.now()
    recipient.read_at = recipient.read_at or recipient.decided_at
    _status_changed(actor, recipient, AuditAction.ACCEPT, request)
    return recipient


@transaction.atomic
def recipient_decline(*, actor: Actor, recipient: LeadRecipient, reason: str, request=None) -> LeadRecipient:
    recipient = _locked_recipient(actor, recipient)
    _require(
        recipient.status in (RecipientStatus.DELIVERED, RecipientStatus.READ),
        _("当前状态为“%(status)s”，不能作不予受理决定。") % {"status": recipient.get_status_display()},
        "wrong_status",
    )
    _require(bool((reason or "").strip()), _("不予受理必须说明理由。"), "reason_required")
    recipient.status = RecipientStatus.DECLINED
    recipient.reason = reason.strip()
    recipient.decided_at = timezone.now()
    lead = recipient.lead
    if lead.is_tip_in_hand and recipient.transferred_from_id:
        # A public tip has nobody else to answer it: declined by the agency it was passed to, it returns to
        # the agency that passed it, which decides again (accept, pass it elsewhere, or decline itself).
        returned = LeadRecipient.objects.filter(
            pk=recipient.transferred_from_id, status=RecipientStatus.TRANSFERRED
        ).update(status=RecipientStatus.READ, decided_at=None)
        if returned:
            selectors.lead_counts_invalidate([lead.originating_agency_id])  # update() sends no signals
    _status_changed(actor, recipient, AuditAction.DECLINE, request, {"reason": recipient.reason})
    return recipient


@transaction.atomic
def recipient_transfer(
    *, actor: Actor, recipient: LeadRecipient, to_agency: Agency, reason: str, request=None
) -> LeadRecipient:
    """Hand the lead on to another member agency (移送); returns the new agency's recipient row."""
    recipient = _locked_recipient(actor, recipient)
    lead = recipient.lead
    _require(
        recipient.status in (RecipientStatus.DELIVERED, RecipientStatus.READ),
        _("当前状态为“%(status)s”，不能移送。") % {"status": recipient.get_status_display()},
        "wrong_status",
    )
    _require(bool((reason or "").strip()), _("移送必须说明理由。"), "reason_required")
    scope = {lead.alliance_id, *lead.target_alliances.values_list("id", flat=True)}
    is_member = (
        Membership.objects.active()
        .filter(agency=to_agency, alliance_id__in=scope, alliance__is_active=True)
        .exists()
    )
    _require(
        to_agency.is_active and is_member,
        _("“%(agency)s”不是本线索所属联盟的有效成员单位，不能移送。") % {"agency": to_agency.name},
        "not_member",
    )
    _require(to_agency.pk != actor.agency_id, _("不能移送给本单位。"), "same_agency")
    _require(
        to_agency.pk != lead.originating_agency_id,
        _("不能移送回通报单位；如不予受理请说明理由。"),
        "originator",
    )
    # The agency's own row, if it has one (one per lead and agency), locked so that two transfers to it
    # cannot both pass these checks.
    earlier, earlier_status = (
        LeadRecipient.objects.select_for_update()
        .filter(lead=lead, agency=to_agency)
        .values_list("pk", "status")
        .first()
    ) or (None, None)
    _require(
        earlier_status is None or earlier_status in FINISHED_STATUSES,
        _("“%(agency)s”已在办理这条线索。") % {"agency": to_agency.name},
        "duplicate",
    )
    # A closed row holds that agency's feedback (case number, goods, fines) — part of the statistics; a
    # transfer must not replace it.
    _require(
        earlier_status != RecipientStatus.CLOSED,
        _("“%(agency)s”已办结这条线索，不能再次移送给该单位。") % {"agency": to_agency.name},
        "closed_there",
    )
    recipient.status = RecipientStatus.TRANSFERRED
    recipient.reason = reason.strip()
    recipient.decided_at = timezone.now()
    recipient.save()
    today = timezone.localdate()
    accept_due, feedback_due = deadlines_for(
        alliance=lead.alliance, start=today, key_protection=lead.is_key_protection
    )
    # An earlier row the agency declined or transferred on starts over — every field back to a new row's —
    # rather than being deleted, so that a transfer it made earlier still names it as the source (its
    # earlier reason stays in the audit record).
    new = LeadRecipient(
        pk=earlier,
        lead=lead,
        agency=to_agency,
        transferred_from=recipient,
        accept_due=accept_due,
        feedback_due=feedback_due,
    )
    new.save(force_insert=earlier is None, force_update=earlier is not None)
    _grant(lead, lead_policy.VIEW, [to_agency.group_id])
    if not lead.restrict_sensitive:
        _grant(lead, lead_policy.SENSITIVE, [to_agency.group_id])
    notifications.notify_agencies(
        agency_ids=[to_agency.pk],
        kind=Notification.Kind.LEAD_RECEIVED,
        lead=lead,
        actor_agency_id=actor.agency_id,
    )
    notifications.notify_agencies(
        agency_ids={lead.originating_agency_id} - {actor.agency_id},
        kind=Notification.Kind.LEAD_STATUS,
        lead=lead,
        actor_agency_id=actor.agency_id,
        status=RecipientStatus.TRANSFERRED,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TRANSFER,
        obj=lead,
        request=request,
        details={"from": actor.agency_id, "to": to_agency.pk, "reason": recipient.reason},
    )
    return new


@transaction.atomic
def recipient_start(*, actor: Actor, recipient: LeadRecipient, request=None) -> LeadRecipient:
    recipient = _locked_recipient(actor, recipient)
    _require(
        recipient.status == RecipientStatus.ACCEPTED, _("只有已受理的线索才能开始办理。"), "wrong_status"
    )
    recipient.status = RecipientStatus.IN_PROGRESS
    _status_changed(actor, recipient, AuditAction.START, request)
    return recipient


# A receiving agency reports its outcome once it has accepted the lead, and may correct it afterwards.
FEEDBACK_STATUSES = (RecipientStatus.ACCEPTED, RecipientStatus.IN_PROGRESS, RecipientStatus.FEEDBACK)
NOT_ACCEPTED_MESSAGE = _lazy("线索尚未受理，不能反馈办理结果。请先受理。")
# The feedback's figures: the form says the same as these checks.
COUNT_MESSAGE = _lazy("请输入不小于 0 的整数。")
AMOUNT_MESSAGE = _lazy("请输入金额（元），例如 12000.50。")
AMOUNT_RANGE_MESSAGE = _lazy("金额不能为负数，最多两位小数。")
AMOUNT_TOO_LARGE_MESSAGE = _lazy("金额过大：最多 12 位整数（元）。")
COUNT_TOO_LARGE_MESSAGE = _lazy("数量过大，请核对。")
MAX_AMOUNT = Decimal(10) ** 12  # DecimalField(max_digits=14, decimal_places=2)
MAX_COUNT = 2_147_483_647  # PositiveIntegerField, on every database


def feedback_rule_errors(*, kind: str, note: str, case_number: str, figures: dict) -> dict[str, str]:
    """What a feedback of ``kind`` owes or must leave out, by field: the rules between its fields.

    ``figures`` holds the figures that were read (goods seized, value, fines, persons transferred); a
    figure that could not be read is absent. The feedback form asks these too, so that an officer sees
    every problem at once rather than the field errors first and these after.
    """
    errors = {}
    persons = figures.get("persons_transferred", 1)  # unreadable: its own error says so
    if kind == FeedbackKind.TO_POLICE and not persons:
        errors["persons_transferred"] = _("移送公安时请填写移送人数。")
    if kind == FeedbackKind.FILED and not (case_number or "").strip():
        errors["case_number"] = _("立案时请填写案件编号（立案决定书文号）。")
    if kind == FeedbackKind.NOT_FILED:
        # Nothing was seized, valued, fined or handed over when no case was opened; a reason is owed.
        for name, value in figures.items():
            if value:  # None and zero (0, 0.00) are no figure
                errors[name] = _("不予立案时不填写查处数据。")
        if not (note or "").strip():
            errors["note"] = _("不予立案时请在反馈说明中写明理由。")
    return errors


@transaction.atomic
def recipient_feedback(
    *,
    actor: Actor,
    recipient: LeadRecipient,
    kind: str,
    note: str = "",
    case_number: str = "",
    goods_seized=None,
    value_involved=None,
    fines=None,
    persons_transferred=None,
    request=None,
) -> LeadRecipient:
    """Report the outcome (反馈): 立案 / 不予立案 / 移送公安 / 结案 with figures."""
    recipient = _locked_recipient(actor, recipient)
    _require(recipient.status in FEEDBACK_STATUSES, NOT_ACCEPTED_MESSAGE, "not_accepted")
    _require(kind in FeedbackKind.values, _("请选择反馈结果。"), "feedback_kind")
    errors = {}
    figures = {}  # the figures as read, for the rules below (a field in error has none)
    for name, value in (("goods_seized", goods_seized), ("persons_transferred", persons_transferred)):
        if value is not None and (not isinstance(value, int) or value < 0):
            errors[name] = COUNT_MESSAGE
        elif value is not None and value > MAX_COUNT:
            errors[name] = COUNT_TOO_LARGE_MESSAGE
        else:
            figures[name] = value
    for name, value in (("value_involved", value_involved), ("fines", fines)):
        if value is not None:
            try:
                value = Decimal(str(value))
            except ArithmeticError:
                errors[name] = AMOUNT_MESSAGE
                continue
            if not value.is_finite():
                errors[name] = AMOUNT_MESSAGE
                continue
            if abs(value) >= MAX_AMOUNT:  # what the column holds: 12 digits before the point
                errors[name] = AMOUNT_TOO_LARGE_MESSAGE
                continue
            if value < 0 or value != value.quantize(Decimal("0.01")):  # 1.000 is 1.00; 1.005 is not
                errors[name] = AMOUNT_RANGE_MESSAGE
                continue
        figures[name] = value
    rules = feedback_rule_errors(kind=kind, note=note, case_number=case_number, figures=figures)
    errors = {**rules, **errors}  # a figure that cannot be read says so, not what a rule wants of it
    if errors:
        raise ValidationError(errors)
    recipient.status = RecipientStatus.FEEDBACK
    recipient.feedback_kind = kind
    recipient.feedback_note = (note or "").strip()
    recipient.case_number = (case_number or "").strip()
    recipient.goods_seized = goods_seized
    cents = Decimal("0.01")
    recipient.value_involved = (
        None if value_involved is None else Decimal(str(value_involved)).quantize(cents)
    )
    recipient.fines = None if fines is None else Decimal(str(fines)).quantize(cents)
    recipient.persons_transferred = persons_transferred
    recipient.feedback_at = timezone.now()
    recipient.full_clean(exclude=["lead", "agency", "transferred_from"])
    _status_changed(actor, recipient, AuditAction.FEEDBACK, request, {"kind": kind})
    return recipient


@transaction.atomic
def recipient_close(*, actor: Actor, recipient: LeadRecipient, request=None) -> LeadRecipient:
    recipient = _locked_recipient(actor, recipient)
    _require(recipient.status == RecipientStatus.FEEDBACK, _("反馈办理结果后才能办结。"), "wrong_status")
    recipient.status = RecipientStatus.CLOSED
    recipient.closed_at = timezone.now()
    _status_changed(actor, recipient, AuditAction.CLOSE, request)
    return recipient


# --- restricted fields ------------------------------------------------------------------------------


@transaction.atomic
def access_request_create(*, actor: Actor, lead: CaseLead, reason: str, request=None) -> LeadAccessRequest:
    access = lead_policy.access(actor, lead)
    if access is Access.NONE:
        raise Http404
    _require(access is Access.SUMMARY, _("本单位已经可以查看这条线索的全部信息。"), "already_granted")
    _require(bool((reason or "").strip()), _("请说明申请查看受限信息的理由。"), "reason_required")
    pending = LeadAccessRequest.objects.filter(lead=lead, agency_id=actor.agency_id, state="pending").exists()
    _require(not pending, _("本单位已有待审批的申请。"), "duplicate")
    access_request = LeadAccessRequest.objects.create(
        lead=lead, agency_id=actor.agency_id, requested_by=actor.user, reason=reason.strip()
    )
    notifications.notify_agencies(
        agency_ids=[lead.originating_agency_id],
        kind=Notification.Kind.ACCESS_REQUEST,
        lead=lead,
        actor_agency_id=actor.agency_id,
    )
    audit_record(actor=actor, action=AuditAction.ACCESS_REQUEST, obj=lead, request=request)
    return access_request


@transaction.atomic
def access_request_decide(*, actor: Actor, access_request: LeadAccessRequest, grant: bool, request=None):
    access_request = (
        LeadAccessRequest.objects.select_for_update()
        .select_related("lead", "agency")
        .get(pk=access_request.pk)
    )
    lead = access_request.lead
    if lead_policy.access(actor, lead) is Access.NONE:
        raise Http404
    _require(lead_policy.can_decide_access(actor, lead), _("只有通报单位可以审批查看申请。"), "forbidden")
    _require(access_request.state == "pending", _("这个申请已经处理过了。"), "decided")
    access_request.state = "granted" if grant else "denied"
    access_request.decided_by = actor.user
    access_request.decided_at = timezone.now()
    access_request.save()
    if grant:
        _grant(lead, lead_policy.SENSITIVE, [access_request.agency.group_id])
    notifications.notify_agencies(
        agency_ids=[access_request.agency_id],
        kind=Notification.Kind.ACCESS_DECIDED,
        lead=lead,
        actor_agency_id=actor.agency_id,
    )
    audit_record(
        actor=actor,
        action=AuditAction.ACCESS_GRANT if grant else AuditAction.ACCESS_DENY,
        obj=lead,
        request=request,
        details={"agency": access_request.agency_id},
    )
    return access_request


# --- discussion and evidence ------------------------------------------------------------------------


def _lead_agencies(lead: CaseLead) -> set[int]:
    """Agencies currently able to see ``lead``: those holding the view permission."""
    return set(
        Agency.objects.filter(
            group__caseleadgroupobjectpermission__content_object=lead,
            group__caseleadgroupobjectpermission__permission_id=permission_id(lead_policy.VIEW),
        ).values_list("id", flat=True)
    )


@transaction.atomic
def comment_add(*, actor: Actor, lead: CaseLead, body: str, request=None) -> LeadComment:
    if not lead_policy.can_comment(actor, lead):
        raise Http404
    body = (body or "").strip()
    _require(bool(body), _("讨论内容不能为空。"), "empty")
    _require(len(body) <= 5000, _("讨论内容不能超过 5000 字。"), "too_long")
    _require(lead.has_thread, _("草稿线索没有讨论区；请先通报。"), "draft")
    comment = LeadComment.objects.create(lead=lead, author=actor.user, agency_id=actor.agency_id, body=body)
    notifications.notify_agencies(
        agency_ids=_lead_agencies(lead) - {actor.agency_id},
        kind=Notification.Kind.LEAD_COMMENT,
        lead=lead,
        actor_agency_id=actor.agency_id,
    )
    audit_record(
        actor=actor, action=AuditAction.COMMENT, obj=lead, request=request, details={"comment": comment.pk}
    )
    return comment


ALLOWED_ATTACHMENT_TYPES = {
    # extension: (content type, magic-byte prefixes that a genuine file starts with)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "zip": ("application/zip", (b"PK\x03\x04",)),
    "ofd": ("application/ofd", (b"PK\x03\x04",)),
    "txt": ("text/plain; charset=utf-8", ()),
}


LEGACY_OFFICE_TYPES = frozenset({"doc", "xls", "ppt", "wps", "et", "dps"})


def attachment_limit() -> int:
    return getattr(settings, "LEAD_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)


def attachment_precheck(uploaded_file) -> str:
    """What can be told of an upload before reading it — its type by extension, its size: the extension
    if it may be stored, else a :class:`LeadError` saying why not. Forms with other mistakes use it to
    report a refused file at once, instead of after the officer has fixed the rest and sent it again."""
    name = uploaded_file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = ", ".join(sorted(ALLOWED_ATTACHMENT_TYPES))
    # The old Office and WPS formats can carry macros and are not taken; say what to do with them.
    _require(
        extension not in LEGACY_OFFICE_TYPES,
        _("不接收旧版文档“%(ext)s”（可能带有宏）。请另存为 .docx、.xlsx 或 PDF 后上传。")
        % {"ext": extension},
        "file_type",
    )
    _require(
        extension in ALLOWED_ATTACHMENT_TYPES,
        _("不支持的文件类型“%(ext)s”。允许的类型：%(allowed)s。")
        % {"ext": extension or "?", "allowed": allowed},
        "file_type",
    )
    limit = attachment_limit()
    _require(
        0 < uploaded_file.size <= limit,
        _("文件大小应在 1 字节到 %(limit)s 之间。") % {"limit": filesizeformat(limit)},
        "file_size",
    )
    return extension


@transaction.atomic
def attachment_add(
    *, actor: Actor, lead: CaseLead, uploaded_file, is_sensitive: bool = True, request=None
) -> LeadAttachment:
    """Store an evidence file after checking its size, extension and content; hash it with SHA-256."""
    access = lead_policy.access(actor, lead)
    if access is Access.NONE:
        raise Http404
    extension = attachment_precheck(uploaded_file)
    content_type, magics = ALLOWED_ATTACHMENT_TYPES[extension]
    digest = hashlib.sha256()
    head = b""
    for chunk in uploaded_file.chunks():
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        digest.update(chunk)
    if magics and not any(head.startswith(m) for m in magics):
        raise LeadError(
            _("文件内容与扩展名“%(ext)s”不符，已拒绝。") % {"ext": extension}, code="file_content"
        )
    if not magics:
        uploaded_file.seek(0)
        try:
            uploaded_file.read(64 * 1024).decode("utf-8")
        except UnicodeDecodeError:
            raise LeadError(_("文本文件必须是 UTF-8 编码。"), code="file_content") from None
    uploaded_file.seek(0)
    attachment = LeadAttachment(
        lead=lead,
        original_name=(uploaded_file.name or "")[-200:],
        content_type=content_type,
        size=uploaded_file.size,
        sha256=digest.hexdigest(),
        is_sensitive=is_sensitive,
        uploaded_by=actor.user,
        agency_id=actor.agency_id,
    )
    attachment.file.save(attachment.sha256, uploaded_file, save=False)
    try:
        with transaction.atomic():
            attachment.save()
            audit_record(
                actor=actor,
                action=AuditAction.UPLOAD,
                obj=lead,
                request=request,
                details={"attachment": attachment.pk, "sha256": attachment.sha256, "size": attachment.size},
            )
    except Exception:
        # Files are not transactional: a row that was not written leaves no file behind.
        attachment.file.delete(save=False)
        raise
    return attachment


# --- sharing groups ---------------------------------------------------------------------------------


@transaction.atomic
def sharing_group_save(
    *, actor: Actor, name: str, agency_ids, description: str = "", group=None
) -> SharingGroup:
    _require(actor.works_with_leads, _("您没有管理通报组的权限。"), "forbidden")
    name = (name or "").strip()
    _require(bool(name), _("请填写通报组名称。"), "name")
    members = {int(a) for a in agency_ids} - {actor.agency_id}
    _require(bool(members), _("通报组至少包含一个其他单位。"), "empty")
    # Only agencies a lead could be sent to by name: active members of an alliance the owner belongs to.
    valid = set(selectors.recipient_choices(actor=actor).filter(pk__in=members).values_list("id", flat=True))
    _require(valid == members, _("通报组只能包含本单位所在联盟的有效成员单位。"), "not_member")
    if group is not None:
        _require(group.owner_agency_id == actor.agency_id, _("只能修改本单位的通报组。"), "forbidden")
    same_name = SharingGroup.objects.filter(owner_agency_id=actor.agency_id, name=name)
    if group is not None:
        same_name = same_name.exclude(pk=group.pk)
    _require(not same_name.exists(), _("已有同名的通报组。"), "duplicate")
    if group is None:
        group = SharingGroup.objects.create(
            owner_agency_id=actor.agency_id, name=name, description=description
        )
    else:
        group.name, group.description = name, description
        group.save()
    group.agencies.set(valid)
    return group


@transaction.atomic
def sharing_group_delete(*, actor: Actor, group: SharingGroup) -> None:
    """Delete one of the actor's agency's sharing groups. Leads sent through it keep their recipients;
    they only no longer name the group."""
    _require(actor.works_with_leads, _("您没有管理通报组的权限。"), "forbidden")
    _require(group.owner_agency_id == actor.agency_id, _("只能删除本单位的通报组。"), "forbidden")
    group.delete()


# --- public tips ------------------------------------------------------------------------------------


def tip_agency_for_city(division_code: str) -> Agency | None:
    """The agency that receives public tips for a city: its market-regulation (IP) office."""
    return (
        Agency.objects.filter(
            division_code=division_code,
            is_active=True,
            kind__in=["market_regulation", "ip_office"],
            memberships__is_active=True,
            memberships__alliance__is_active=True,
        )
        .order_by("kind", "pk")
        .first()
    )


@transaction.atomic
def tip_submit(*, division_code: str, data: dict, contact: str = "", client_ip: str = "") -> PublicTip:
    """Turn a public tip into an inbound lead for the city's agency; returns the tip with its reference."""
    agency = tip_agency_for_city(division_code)
    _require(agency is not None, _("所选城市暂无受理举报的成员单位。"), "city")
    alliance_id = min(_agency_alliance_ids(agency.pk))
    fields = {
        k: v for k, v in data.items() if k in EDITABLE_FIELDS and k not in ("alliance", "restrict_sensitive")
    }
    lead = CaseLead(
        alliance_id=alliance_id,
        originating_agency=agency,
        source=LeadSource.PUBLIC_TIP,
        status=LeadStatus.DRAFT,
        distribution=Distribution.DRAFT,
        restrict_sensitive=True,  # the tipster's identity stays with the receiving agency
        **fields,
    )
    # The city as the agencies name it (徐州市) whatever the form showed the tipster (江苏省 · 徐州市, or
    # Jiangsu · Xuzhou on an English page): it is what city statistics and search facets group by.
    lead.location_city = agency.city
    lead.location_division_code = division_code
    if contact:
        lead.informant = contact[:200]
    _normalise(lead)
    lead.save()
    for codename in (lead_policy.VIEW, lead_policy.SENSITIVE, lead_policy.MANAGE):
        _grant(lead, codename, [agency.group_id])
    today = timezone.localdate()
    accept_due, feedback_due = deadlines_for(alliance=lead.alliance, start=today, key_protection=False)
    LeadRecipient.objects.create(lead=lead, agency=agency, accept_due=accept_due, feedback_due=feedback_due)
    lead_identifiers_refresh(lead=lead)
    tip = PublicTip.objects.create(
        reference="JB" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _n in range(10)),
        lead=lead,
        contact=contact[:100],
        ip_hash=hashlib.sha256((client_ip + settings.SECRET_KEY).encode()).hexdigest() if client_ip else "",
    )
    notifications.notify_agencies(agency_ids=[agency.pk], kind=Notification.Kind.TIP_RECEIVED, lead=lead)
    audit_record(actor=None, action=AuditAction.TIP, obj=lead, details={"agency": agency.pk})
    return tip


PUBLIC_TIP_STATUS = {
    RecipientStatus.DELIVERED: _lazy("已接收，等待受理"),
    RecipientStatus.READ: _lazy("正在审查"),
    RecipientStatus.ACCEPTED: _lazy("已受理，正在核查"),
    RecipientStatus.IN_PROGRESS: _lazy("已受理，正在核查"),
    RecipientStatus.TRANSFERRED: _lazy("已移送有关部门处理"),
    RecipientStatus.DECLINED: _lazy("经审查不予受理"),
    RecipientStatus.FEEDBACK: _lazy("已办结"),
    RecipientStatus.CLOSED: _lazy("已办结"),
}


def tip_status(*, reference: str) -> tuple[PublicTip, str] | None:
    """What a tipster may know about their tip: received / reviewed / handled — never case details."""
    tip = PublicTip.objects.select_related("lead").filter(reference=(reference or "").strip().upper()).first()
    if tip is None:
        return None
    statuses = list(tip.lead.recipients.order_by("-delivered_at", "-pk").values_list("status", flat=True))
    # A transferred tip is still being handled by the agency it went to: report the open row if any.
    open_statuses = [s for s in statuses if s not in FINISHED_STATUSES]
    status = (open_statuses or statuses or [RecipientStatus.DELIVERED])[0]
    return tip, str(PUBLIC_TIP_STATUS[status])


# --- deadlines --------------------------------------------------------------------------------------


def deadlines_process(*, today=None) -> dict:
    """Remind agencies of deadlines that are near or passed (督办) and escalate long-overdue items.

    Run daily (``manage.py leads_remind``). At most one reminder per recipient row per day, and none on a
    day that is not a working day under the lead's alliance calendar (weekends, public holidays): officers
    are reminded when they are at work, and a deadline never falls on such a day. Escalation goes to both
    agencies' liaisons and, where the alliance secretariat's agency can see the lead, to the secretariat;
    it happens once per deadline of a row (acceptance, then feedback).
    """
    from .workdays import add_working_days, is_working_day_for, working_days_between

    today = today or timezone.localdate()
    counts = {"reminded": 0, "escalated": 0}
    # alliance id -> (whether today is a working day there, the day "near a deadline" reaches): both
    # depend on the alliance and today only, so they are read from the calendar once per alliance.
    calendars: dict[int, tuple[bool, date]] = {}
    open_statuses = [
        RecipientStatus.DELIVERED,
        RecipientStatus.READ,
        RecipientStatus.ACCEPTED,
        RecipientStatus.IN_PROGRESS,
    ]
    # An alliance that has ended (made inactive) runs no more deadlines: nobody is reminded or escalated
    # over its leads, which stay readable as they are.
    open_rows = (
        LeadRecipient.objects.filter(status__in=open_statuses, lead__alliance__is_active=True)
        .only("pk")
        .order_by("pk")
    )
    for candidate in open_rows.iterator(chunk_size=1000):
        with transaction.atomic():
            # The row as it is now, locked the way the officers' actions lock it (recipient, lead and
            # alliance, in one statement, before the audit chain): an accept that committed since the
            # list was read is seen, a second run waits for this one and finds it done, and the two never
            # take their locks in opposite orders (PostgreSQL would break that deadlock by aborting one).
            row = (
                LeadRecipient.objects.select_for_update()
                .select_related("lead", "lead__alliance")
                .filter(pk=candidate.pk, status__in=open_statuses, lead__alliance__is_active=True)
                .first()
            )
            if row is None:
                continue
            alliance = row.lead.alliance
            if alliance.pk not in calendars:
                calendars[alliance.pk] = (
                    is_working_day_for(today, alliance_id=alliance.pk),
                    add_working_days(today, alliance.remind_before_working_days, alliance_id=alliance.pk),
                )
            at_work, soon = calendars[alliance.pk]
            if not at_work:
                continue
            deciding = row.status in (RecipientStatus.DELIVERED, RecipientStatus.READ)
            due = row.accept_due if deciding else row.feedback_due
            reminded_today = row.last_reminded_on == today
            near = soon >= due
            if (near or today > due) and not reminded_today:
                notifications.notify_agencies(
                    agency_ids=[row.agency_id], kind=Notification.Kind.REMINDER, lead=row.lead
                )
                LeadRecipient.objects.filter(pk=row.pk).update(
                    reminders_sent=F("reminders_sent") + 1, last_reminded_on=today
                )
                audit_record(
                    actor=None, action=AuditAction.REMIND, obj=row.lead, details={"recipient": row.agency_id}
                )
                counts["reminded"] += 1
            overdue_by = working_days_between(due, today, alliance_id=alliance.pk) if today > due else 0
            # Once per deadline: after a late acceptance was escalated, a missed feedback deadline is too
            # (rows escalated before the stage was recorded count as escalated for the current one).
            stage = "accept" if deciding else "feedback"
            escalated = row.escalated_at is not None and row.escalated_stage in ("", stage)
            if overdue_by >= max(1, alliance.escalate_after_working_days) and not escalated:
                _escalate(row, stage)
                counts["escalated"] += 1
    return counts


def _escalate(row: LeadRecipient, stage: str) -> None:
    from alliances.models import MembershipRole

    lead = row.lead
    liaisons = notifications.agency_users([row.agency_id, lead.originating_agency_id], roles=("liaison",))
    secretariat_agencies = Membership.objects.active().filter(
        alliance_id=lead.alliance_id, role=MembershipRole.SECRETARIAT
    )
    can_see = set(
        CaseLeadGroupObjectPermission.objects.filter(
            content_object=lead, permission_id=permission_id(lead_policy.VIEW)
        ).values_list("group_id", flat=True)
    )
    secretariat_ids = [
        m.agency_id for m in secretariat_agencies.select_related("agency") if m.agency.group_id in can_see
    ]
    secretariat_users = notifications.agency_users(secretariat_ids, roles=("secretariat",))
    notifications.notify_users(
        user_ids=liaisons + secretariat_users,
        kind=Notification.Kind.ESCALATION,
        lead=lead,
        actor_agency_id=row.agency_id,
    )
    LeadRecipient.objects.filter(pk=row.pk).update(escalated_at=timezone.now(), escalated_stage=stage)
    audit_record(actor=None, action=AuditAction.ESCALATE, obj=lead, details={"recipient": row.agency_id})


def visible_agencies_for_transfer(*, lead: CaseLead, exclude_agency_id=None) -> list[Agency]:
    """Where ``lead`` may be transferred: active members of its alliances, not its sender and not the
    agency passing it on (``exclude_agency_id``) — both would be refused."""
    scope = {lead.alliance_id, *lead.target_alliances.values_list("id", flat=True)}
    return list(
        Agency.objects.filter(
            is_active=True,
            memberships__alliance_id__in=scope,
            memberships__is_active=True,
        )
        .exclude(Q(pk=lead.originating_agency_id) | Q(pk=exclude_agency_id))
        .distinct()
        .order_by("division_code", "name")
    )
