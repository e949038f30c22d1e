"""``/api/v1/leads…`` for member agencies' own case systems (token) and the officer interface (session).

Every handler resolves the caller to an :class:`~cases_exchange.permissions.Actor` and goes through the
same policy and services as the pages; a lead the caller may not see is a 404 in the common error format.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.security import django_auth
from pydantic import field_validator

from alliances.models import Agency
from portal.api import AgencyTokenAuth, ErrorOut

from . import services
from .audit import AuditAction, audit_record
from .models import (
    CaseLead,
    Channel,
    Distribution,
    FeedbackKind,
    InfringementType,
    IPType,
    LeadAttachment,
    LeadSource,
    LeadStatus,
    RecipientStatus,
    Urgency,
)
from .permissions import Access, actor_for_request, lead_policy
from .presentation import LeadView

router = Router(tags=["leads"], auth=[AgencyTokenAuth(), django_auth])


def _codes(choices, leave_out=()) -> str:
    """The codes of a choice list and what they mean, for the API document: `patent` 专利；…"""
    return "；".join(f"`{value}` {label}" for value, label in choices.choices if value not in leave_out)


class ValidationFailed(Exception):
    """Raised by handlers so that service ValidationErrors reach the common 422 error body."""


def _actor(request):
    actor = actor_for_request(request)
    if not actor.works_with_leads:
        raise HttpError(403, "not allowed")
    return actor


def _validation_details(error: ValidationError) -> list[dict]:
    if hasattr(error, "message_dict"):
        return [
            {"loc": [field], "message": msg} for field, msgs in error.message_dict.items() for msg in msgs
        ]
    return [{"loc": [], "message": msg} for msg in error.messages]


class LeadIn(Schema):
    title: str = Field(max_length=120)
    summary: str = Field(max_length=2000)
    details: str = ""
    ip_type: IPType = Field(description="知识产权类型：" + _codes(IPType))
    infringement_type: InfringementType = Field(description="违法类型：" + _codes(InfringementType))
    channel: Channel = Field(description="发现渠道：" + _codes(Channel))
    urgency: Urgency = Field(Urgency.NORMAL, description="紧急程度：" + _codes(Urgency))
    alliance: str | None = Field(None, description="联盟 slug；省略时取本单位所属的第一个联盟")
    rights_holder: str = ""
    trademark_number: str = Field("", description="商标注册号，可照证书写，如 `第30112233号`")
    patent_number: str = Field("", description="专利号，可带 ZL、空格和小数点，如 `ZL 2017 1 0601862.3`")
    suspect_name: str = ""
    suspect_credit_code: str = Field(
        "", description="涉嫌主体的统一社会信用代码：18 位，核对校验位（GB 32100），错误时返回 422"
    )
    suspect_address: str = ""
    suspect_shop_url: str = Field("", description="网店地址，须为网址（http:// 或 https://，可省略协议）")
    suspect_phone: str = ""
    informant: str = Field("", description="线索提供人（敏感信息）")
    location_city: str = ""
    location_address: str = ""
    estimated_value: Decimal | None = Field(None, ge=0, description="涉案金额估计，单位元")
    restrict_sensitive: bool = Field(
        False, description="为真时，涉嫌主体身份、线索提供人和证据材料只对获准查看的接收单位可见"
    )
    is_key_protection: bool = Field(False, description="重点保护线索：受理、反馈期限按联盟的较短期限计算")
    key_protection_reason: str = ""


class SendIn(Schema):
    distribution: Distribution = Field(description="通报范围：" + _codes(Distribution, leave_out=("draft",)))
    agency_ids: list[int] = Field([], description="`named` 时的接收单位 id（本单位所在联盟的成员单位）")
    sharing_group_id: int | None = Field(None, description="`named` 时可用本单位的通报组代替逐个列出")
    alliance_ids: list[int] = Field([], description="`alliance`、`cross_alliance` 时的联盟 id")


class LeadCreateIn(LeadIn):
    send: SendIn | None = Field(None, description="同时通报；省略时保存为草稿")


class RecipientOut(Schema):
    agency_id: int
    agency: str
    status: RecipientStatus
    accept_due: date
    feedback_due: date
    feedback_kind: str
    reason: str


class LeadSummaryOut(Schema):
    id: int
    reference: str | None
    title: str
    summary: str
    status: str
    distribution: str
    ip_type: str
    infringement_type: str
    channel: str
    urgency: str
    originating_agency: str
    sent_at: datetime | None
    is_key_protection: bool


class LeadOut(LeadSummaryOut):
    full_access: bool
    details: str | None
    rights_holder: str
    trademark_number: str
    patent_number: str
    suspect_name: str | None
    suspect_credit_code: str | None
    suspect_address: str | None
    suspect_shop_url: str | None
    suspect_phone: str | None
    informant: str | None
    location_city: str
    location_address: str | None
    estimated_value: Decimal | None
    recipients: list[RecipientOut]
    attachments: list[dict]


class LeadPage(Schema):
    count: int
    offset: int
    limit: int
    results: list[LeadSummaryOut]


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=1000)


class TransferIn(ReasonIn):
    to_agency_id: int


class FeedbackIn(Schema):
    kind: FeedbackKind = Field(description="办理结果：" + _codes(FeedbackKind))
    note: str = ""
    case_number: str = ""
    goods_seized: int | None = Field(None, ge=0)
    value_involved: Decimal | None = Field(None, ge=0)
    fines: Decimal | None = Field(None, ge=0)
    persons_transferred: int | None = Field(None, ge=0)


class ListFilters(Schema):
    box: str = Field(
        "all",
        pattern="^(all|received|sent)$",
        description="`all` 可见的全部；`received` 本单位收到的；`sent` 本单位发出的",
    )
    status: LeadStatus | None = Field(None, description="线索状态：" + _codes(LeadStatus) + "；留空为不限")

    @field_validator("status", mode="before")
    @classmethod
    def _blank_is_any(cls, value):
        """``?status=`` (a form's empty choice) means no filter, as it always did."""
        return value or None

    offset: int = Field(0, ge=0)
    limit: int = Field(50, ge=1, le=200)


def _summary(lead: CaseLead) -> dict:
    return {
        "id": lead.pk,
        "reference": lead.reference,
        "title": lead.title,
        "summary": lead.summary,
        "status": lead.status,
        "distribution": lead.distribution,
        "ip_type": lead.ip_type,
        "infringement_type": lead.infringement_type,
        "channel": lead.channel,
        "urgency": lead.urgency,
        "originating_agency": lead.originating_agency.name,
        "sent_at": lead.sent_at,
        "is_key_protection": lead.is_key_protection,
    }


def _detail(actor, lead: CaseLead, access: Access) -> dict:
    view = LeadView(lead, access)
    data = _summary(lead)
    data.update(
        full_access=access is Access.FULL,
        **{
            name: getattr(view, name)
            for name in (
                "details",
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
                "location_address",
                "estimated_value",
            )
        },
        recipients=[
            {
                "agency_id": r.agency_id,
                "agency": r.agency.name,
                "status": r.status,
                "accept_due": r.accept_due,
                "feedback_due": r.feedback_due,
                "feedback_kind": r.feedback_kind,
                "reason": r.reason,
            }
            for r in lead.recipients.select_related("agency").order_by("pk")
        ],
        attachments=[
            {"id": a.pk, "name": a.original_name, "size": a.size, "sha256": a.sha256}
            for a in lead.attachments.all()
            if lead_policy.can_download(actor, a)
        ],
    )
    return data


def _lead_data(payload: LeadIn) -> dict:
    from alliances.models import Alliance

    data = payload.dict(exclude={"send", "alliance"})
    if payload.alliance:
        data["alliance"] = get_object_or_404(Alliance, slug=payload.alliance, is_active=True)
    return data


def _run(callable_, *args, **kwargs):
    try:
        return callable_(*args, **kwargs)
    except ValidationError as error:
        raise ValidationFailed(error) from error


@router.get(
    "/leads",
    response={200: LeadPage, 401: ErrorOut, 403: ErrorOut},
    summary="可见线索列表",
    description="调用单位可见的线索，最新通报的在前；无权查看的线索不列出，也不计入总数。",
)
def leads(request, filters: Query[ListFilters]):
    actor = _actor(request)
    if filters.box == "received":
        queryset = lead_policy.visible(actor).filter(recipients__agency_id=actor.agency_id).distinct()
    elif filters.box == "sent":
        queryset = lead_policy.originated(actor)
    else:
        queryset = lead_policy.visible(actor)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    queryset = queryset.select_related("originating_agency").order_by("-sent_at", "-pk")
    rows = queryset[filters.offset : filters.offset + filters.limit]
    return {
        "count": queryset.count(),
        "offset": filters.offset,
        "limit": filters.limit,
        "results": [_summary(lead) for lead in rows],
    }


@router.post(
    "/leads", response={201: LeadOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}, summary="新建线索"
)
def lead_create(request, payload: LeadCreateIn):
    actor = _actor(request)
    from django.db import transaction

    with transaction.atomic():
        lead = _run(
            services.lead_create,
            actor=actor,
            data=_lead_data(payload),
            source=LeadSource.API,
            request=request,
        )
        if payload.send is not None:
            lead = _send(actor, lead, payload.send, request)
    lead, access = lead_policy.get_or_404(
        actor, lead.pk, CaseLead.objects.select_related("originating_agency")
    )
    return Status(201, _detail(actor, lead, access))


def _own_sharing_group(actor, group_id):
    """The sending agency's sharing group ``group_id`` (None for none); refused if it is not the agency's."""
    from .models import SharingGroup

    if group_id is None:
        return None
    group = SharingGroup.objects.filter(pk=group_id, owner_agency_id=actor.agency_id).first()
    if group is None:
        raise ValidationFailed(ValidationError({"sharing_group_id": "通报组不存在或不属于本单位。"}))
    return group


def _send(actor, lead, send: SendIn, request):
    return _run(
        services.lead_send,
        actor=actor,
        lead=lead,
        distribution=send.distribution,
        agency_ids=send.agency_ids,
        sharing_group=_own_sharing_group(actor, send.sharing_group_id),
        alliance_ids=send.alliance_ids,
        request=request,
    )


@router.get(
    "/leads/{lead_id}",
    response={200: LeadOut, 401: ErrorOut, 404: ErrorOut},
    summary="线索详情",
    description=(
        "受限线索未获准时，敏感字段为 null。无权查看的线索返回 404，与不存在的线索相同。"
        "每次读取完整线索（含敏感字段）都记入审计日志；只能看到摘要时不记录。"
    ),
)
def lead_detail(request, lead_id: int):
    actor = _actor(request)
    lead, access = lead_policy.get_or_404(
        actor, lead_id, CaseLead.objects.select_related("originating_agency")
    )
    own = lead_policy.own_recipient(actor, lead)
    if own is not None:
        services.recipient_mark_read(actor=actor, recipient=own, request=request)
    if access is Access.FULL:
        audit_record(actor=actor, action=AuditAction.READ, obj=lead, request=request)
    return _detail(actor, lead, access)


@router.post(
    "/leads/{lead_id}/send", response={200: LeadOut, 404: ErrorOut, 422: ErrorOut}, summary="通报线索"
)
def lead_send(request, lead_id: int, payload: SendIn):
    actor = _actor(request)
    lead, _access = lead_policy.get_or_404(actor, lead_id)
    _send(actor, lead, payload, request)
    lead, access = lead_policy.get_or_404(
        actor, lead_id, CaseLead.objects.select_related("originating_agency")
    )
    return _detail(actor, lead, access)


class SendMoreIn(Schema):
    agency_ids: list[int] = Field([], description="追加的接收单位（本单位所在联盟的成员单位）")
    sharing_group_id: int | None = Field(None, description="本单位的通报组，其成员一并追加")


@router.post(
    "/leads/{lead_id}/recipients",
    response={200: LeadOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="追加接收单位",
    description="通报单位为已通报的线索（包括已关闭的）追加接收单位，已关闭的线索随之重新开启。"
    "已接收过这条线索的单位跳过，不重复通报；所选单位都已接收过时返回 422。",
)
def lead_send_more(request, lead_id: int, payload: SendMoreIn):
    actor = _actor(request)
    lead, _access = lead_policy.get_or_404(actor, lead_id)
    _run(
        services.lead_send_more,
        actor=actor,
        lead=lead,
        agency_ids=payload.agency_ids,
        sharing_group=_own_sharing_group(actor, payload.sharing_group_id),
        request=request,
    )
    return _after(actor, lead_id)


def _own(actor, lead_id):
    lead, _access = lead_policy.get_or_404(actor, lead_id)
    own = lead_policy.own_recipient(actor, lead)
    if own is None:
        raise Http404
    return lead, own


def _after(actor, lead_id):
    lead, access = lead_policy.get_or_404(
        actor, lead_id, CaseLead.objects.select_related("originating_agency")
    )
    return _detail(actor, lead, access)


@router.post(
    "/leads/{lead_id}/accept",
    response={200: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="受理",
    description="调用单位是接收单位、且尚未决定（已送达或已阅）时受理；其他状态返回 422。",
)
def accept(request, lead_id: int):
    actor = _actor(request)
    _lead, own = _own(actor, lead_id)
    _run(services.recipient_accept, actor=actor, recipient=own, request=request)
    return _after(actor, lead_id)


@router.post(
    "/leads/{lead_id}/decline",
    response={200: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="不予受理",
    description="尚未决定时，附理由不予受理。",
)
def decline(request, lead_id: int, payload: ReasonIn):
    actor = _actor(request)
    _lead, own = _own(actor, lead_id)
    _run(services.recipient_decline, actor=actor, recipient=own, reason=payload.reason, request=request)
    return _after(actor, lead_id)


@router.post(
    "/leads/{lead_id}/transfer",
    response={200: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="移送",
    description="尚未决定时，附理由移送本单位所在联盟的另一成员单位；对方收到通知，期限重新起算。",
)
def transfer(request, lead_id: int, payload: TransferIn):
    actor = _actor(request)
    _lead, own = _own(actor, lead_id)
    to_agency = Agency.objects.filter(pk=payload.to_agency_id).first()
    if to_agency is None:
        raise ValidationFailed(ValidationError({"to_agency_id": "单位不存在。"}))
    _run(
        services.recipient_transfer,
        actor=actor,
        recipient=own,
        to_agency=to_agency,
        reason=payload.reason,
        request=request,
    )
    return _after(actor, lead_id)


@router.post(
    "/leads/{lead_id}/start",
    response={200: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="开始办理",
    description="已受理的线索转为办理中。",
)
def start(request, lead_id: int):
    actor = _actor(request)
    _lead, own = _own(actor, lead_id)
    _run(services.recipient_start, actor=actor, recipient=own, request=request)
    return _after(actor, lead_id)


@router.post(
    "/leads/{lead_id}/feedback",
    response={200: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="反馈办理结果",
    description="已受理或办理中的线索反馈结果（立案、不予立案、移送公安、结案）及数字；未受理的返回 422。",
)
def feedback(request, lead_id: int, payload: FeedbackIn):
    actor = _actor(request)
    _lead, own = _own(actor, lead_id)
    _run(services.recipient_feedback, actor=actor, recipient=own, request=request, **payload.dict())
    return _after(actor, lead_id)


@router.post(
    "/leads/{lead_id}/close",
    response={200: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="办结",
    description="已反馈的线索办结。",
)
def close(request, lead_id: int):
    actor = _actor(request)
    _lead, own = _own(actor, lead_id)
    _run(services.recipient_close, actor=actor, recipient=own, request=request)
    return _after(actor, lead_id)


@router.get("/leads/{lead_id}/attachments/{attachment_id}", response={404: ErrorOut}, summary="下载附件")
def attachment(request, lead_id: int, attachment_id: int):
    actor = _actor(request)
    lead, _access = lead_policy.get_or_404(actor, lead_id)
    item = LeadAttachment.objects.filter(pk=attachment_id, lead=lead).first()
    if item is None or not lead_policy.can_download(actor, item):
        raise Http404
    audit_record(
        actor=actor,
        action=AuditAction.DOWNLOAD,
        obj=lead,
        request=request,
        details={"attachment": item.pk, "sha256": item.sha256},
    )
    response = FileResponse(item.file.open("rb"), content_type=item.content_type)
    response["Content-Disposition"] = f'attachment; filename="lead-{lead.pk}-attachment-{item.pk}"'
    return response


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=5000, description="讨论内容，最多 5000 字")


class CommentOut(Schema):
    id: int
    agency: str
    author: str
    body: str
    created_at: datetime


def _comment(comment) -> dict:
    return {
        "id": comment.pk,
        "agency": comment.agency.name if comment.agency else "",
        "author": comment.author.get_full_name() if comment.author else "",
        "body": comment.body,
        "created_at": comment.created_at,
    }


@router.get(
    "/leads/{lead_id}/comments",
    response={200: list[CommentOut], 404: ErrorOut},
    summary="讨论",
    description="线索的讨论，先发的在前；能看到线索的单位都能看到。",
)
def comments(request, lead_id: int):
    actor = _actor(request)
    lead, _access = lead_policy.get_or_404(actor, lead_id)
    return [
        _comment(c) for c in lead.comments.select_related("author", "agency").order_by("created_at", "pk")
    ]


@router.post(
    "/leads/{lead_id}/comments",
    response={201: CommentOut, 404: ErrorOut, 422: ErrorOut},
    summary="发表讨论",
    description="在已通报线索的讨论区发言；其他相关单位收到通知。草稿没有讨论区，返回 422。",
)
def comment_create(request, lead_id: int, payload: CommentIn):
    actor = _actor(request)
    lead, _access = lead_policy.get_or_404(actor, lead_id)
    comment = _run(services.comment_add, actor=actor, lead=lead, body=payload.body, request=request)
    return Status(201, _comment(comment))


@router.post(
    "/leads/{lead_id}/attachments",
    response={200: LeadOut, 404: ErrorOut, 422: ErrorOut},
    summary="上传附件",
    description=(
        "multipart/form-data：`file` 为文件（PDF、PNG、JPG、DOCX、XLSX、ZIP、OFD、TXT，单个不超过 20 MB，"
        "核对文件内容与扩展名），`is_sensitive` 为真时作为证据材料（受限线索只对获准单位可见）。"
        "保存时计算 SHA-256，记入审计日志；返回线索详情。"
    ),
)
def attachment_create(request, lead_id: int, file: File[UploadedFile], is_sensitive: Form[bool] = True):
    actor = _actor(request)
    lead, _access = lead_policy.get_or_404(actor, lead_id)
    _run(
        services.attachment_add,
        actor=actor,
        lead=lead,
        uploaded_file=file,
        is_sensitive=is_sensitive,
        request=request,
    )
    lead, access = lead_policy.get_or_404(
        actor, lead_id, CaseLead.objects.select_related("originating_agency")
    )
    return _detail(actor, lead, access)
