"""Case-lead exchange between member agencies (线索通报) — leads, their recipients and the workflow.

A :class:`CaseLead` is written by one agency and distributed at one of four levels (DESIGN §3, after
MISP's distribution levels): ``draft`` (the originator only), ``named`` (agencies it names, possibly
through a reusable :class:`SharingGroup`), ``alliance`` (every member of the chosen alliances) and
``cross_alliance`` (every member of every alliance). Each receiving agency gets a :class:`LeadRecipient`
row that carries its own workflow and deadlines. Who may see what is decided only by
``cases_exchange.permissions`` — from django-guardian object permissions granted to agency groups on the
direct foreign-key tables below (PITFALLS 3).
"""

import hashlib

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.choices import ChoiceLabelsMixin
from portal.identifiers import validate_credit_code
from portal.storage import private_storage


class IPType(models.TextChoices):
    PATENT = "patent", _("专利")
    TRADEMARK = "trademark", _("商标")
    COPYRIGHT = "copyright", _("著作权")
    GEOGRAPHICAL_INDICATION = "gi", _("地理标志")
    TRADE_SECRET = "trade_secret", _("商业秘密")
    PLANT_VARIETY = "plant_variety", _("植物新品种")
    LAYOUT_DESIGN = "layout_design", _("集成电路布图设计")


class InfringementType(models.TextChoices):
    COUNTERFEIT_TRADEMARK = "counterfeit_trademark", _("假冒注册商标")
    TRADEMARK_INFRINGEMENT = "trademark_infringement", _("商标侵权")
    PATENT_INFRINGEMENT = "patent_infringement", _("专利侵权")
    PATENT_PASSING_OFF = "patent_passing_off", _("假冒专利")
    PIRACY = "piracy", _("侵犯著作权")
    GI_MISUSE = "gi_misuse", _("地理标志侵权")
    TRADE_SECRET_THEFT = "trade_secret_theft", _("侵犯商业秘密")
    CONFUSION = "confusion", _("仿冒混淆")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    ECOMMERCE = "ecommerce", _("电商")
    EXHIBITION = "exhibition", _("展会")
    MARKET = "market", _("专业市场")
    IMPORT_EXPORT = "import_export", _("进出口")
    OFFLINE = "offline", _("线下")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class Distribution(models.TextChoices):
    DRAFT = "draft", _("仅本单位")
    NAMED = "named", _("指定单位")
    ALLIANCE = "alliance", _("联盟内全体成员")
    CROSS_ALLIANCE = "cross_alliance", _("跨联盟全体成员")


class LeadSource(models.TextChoices):
    OFFICER = "officer", _("办案人员录入")
    API = "api", _("成员单位系统接口")
    PUBLIC_TIP = "public_tip", _("公众举报")


class LeadStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已通报")
    CLOSED = "closed", _("已办结")


class SharingGroup(models.Model):
    """A reusable list of agencies (通报组) an agency sends ``named`` leads to, e.g. 苏皖鲁豫交界四市."""

    owner_agency = models.ForeignKey(
        "alliances.Agency",
        on_delete=models.CASCADE,
        related_name="sharing_groups",
        verbose_name=_("创建单位"),
    )
    name = models.CharField(_("通报组名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    agencies = models.ManyToManyField("alliances.Agency", related_name="+", verbose_name=_("成员单位"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("通报组")
        verbose_name_plural = _("通报组")
        constraints = [
            models.UniqueConstraint(fields=["owner_agency", "name"], name="unique_sharing_group_name")
        ]

    def __str__(self):
        return self.name


class CaseLead(ChoiceLabelsMixin, models.Model):
    """A case lead (线索) one agency notifies to others. Never public, whatever its fields say."""

    reference = models.CharField(_("线索编号"), max_length=24, unique=True, null=True, blank=True)
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="leads", verbose_name=_("所属联盟")
    )
    originating_agency = models.ForeignKey(
        "alliances.Agency",
        on_delete=models.PROTECT,
        related_name="originated_leads",
        verbose_name=_("通报单位"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(
        _("来源"), max_length=20, choices=LeadSource.choices, default=LeadSource.OFFICER
    )
    status = models.CharField(_("状态"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.DRAFT)

    title = models.CharField(_("线索标题"), max_length=120)
    summary = models.TextField(
        _("线索概要"), max_length=2000, help_text=_("概要对全部接收单位可见，即使详细信息设为受限。")
    )
    details = models.TextField(_("详细情况"), blank=True, max_length=20000)
    ip_type = models.CharField(_("知识产权类型"), max_length=20, choices=IPType.choices)
    infringement_type = models.CharField(_("违法类型"), max_length=30, choices=InfringementType.choices)
    channel = models.CharField(_("发现渠道"), max_length=20, choices=Channel.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)

    rights_holder = models.CharField(_("权利人"), max_length=120, blank=True)
    trademark_number = models.CharField(_("商标注册号"), max_length=12, blank=True)
    patent_number = models.CharField(_("专利号"), max_length=16, blank=True)

    suspect_name = models.CharField(_("涉嫌主体名称"), max_length=120, blank=True)
    suspect_credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    suspect_address = models.CharField(_("涉嫌主体地址"), max_length=200, blank=True)
    suspect_shop_url = models.CharField(_("网店地址"), max_length=300, blank=True)
    suspect_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    informant = models.CharField(_("线索提供人"), max_length=200, blank=True)

    location_city = models.CharField(_("发生地城市"), max_length=30, blank=True)
    location_division_code = models.CharField(_("发生地区划代码"), max_length=6, blank=True)
    location_address = models.CharField(_("发生地详细地址"), max_length=200, blank=True)
    estimated_value = models.DecimalField(
        _("涉案金额估计（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    distribution = models.CharField(
        _("通报范围"), max_length=20, choices=Distribution.choices, default=Distribution.DRAFT
    )
    target_alliances = models.ManyToManyField(
        "alliances.Alliance", blank=True, related_name="+", verbose_name=_("通报联盟")
    )
    sharing_group = models.ForeignKey(
        SharingGroup, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("通报组")
    )
    restrict_sensitive = models.BooleanField(
        _("敏感信息受限"),
        default=False,
        help_text=_("勾选后，涉嫌主体身份、线索提供人和证据附件仅对申请并获准的单位可见。"),
    )
    is_key_protection = models.BooleanField(_("重点保护"), default=False)
    key_protection_reason = models.CharField(_("重点保护理由"), max_length=200, blank=True)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sent_at = models.DateTimeField(_("通报时间"), null=True, blank=True)

    #: Fields hidden from agencies that see a restricted lead's summary only.
    SENSITIVE_FIELDS = (
        "details",
        "suspect_name",
        "suspect_credit_code",
        "suspect_address",
        "suspect_shop_url",
        "suspect_phone",
        "informant",
        "location_address",
    )

    class Meta:
        verbose_name = _("案件线索")
        verbose_name_plural = _("案件线索")
        default_permissions = ("add", "change", "view")
        permissions = [
            ("view_sensitive_caselead", _("查看线索受限信息")),
            ("manage_caselead", _("管理线索（通报单位）")),
        ]
        indexes = [
            models.Index(fields=["originating_agency", "-created_at"], name="lead_origin_recent"),
            models.Index(fields=["originating_agency", "status", "-sent_at"], name="lead_origin_status"),
            # The sent tab (every status but draft, newest first) walks this one backwards.
            models.Index(fields=["originating_agency", "sent_at", "id"], name="lead_origin_sent"),
            models.Index(fields=["status", "-sent_at"], name="lead_status_sent"),
        ]

    def __str__(self):
        return f"{self.reference or _('草稿')} {self.title}"

    @property
    def is_tip_in_hand(self) -> bool:
        """A public tip its city agency is handling without having sent it on: still that agency's draft."""
        return self.source == LeadSource.PUBLIC_TIP and self.status == LeadStatus.DRAFT

    @property
    def status_label(self) -> str:
        """The lead's state as pages and exports name it: a public tip its city agency is handling is no
        draft to the officers handling it."""
        return str(_("举报办理中")) if self.is_tip_in_hand else self.get_status_display()

    @property
    def has_thread(self) -> bool:
        """Whether the lead has its discussion thread: once sent — and a public tip from the start."""
        return self.status != LeadStatus.DRAFT or self.is_tip_in_hand

    @property
    def display_reference(self) -> str:
        if self.reference:
            return self.reference
        if self.is_tip_in_hand:  # numbered when sent on; the tipster's own number is the tip's
            return str(_("举报 #%(id)s") % {"id": self.pk})
        return str(_("草稿 #%(id)s") % {"id": self.pk})


class CaseLeadGroupObjectPermission(GroupObjectPermissionBase):
    """Object permissions on leads granted to agency groups (guardian, direct foreign key)."""

    content_object = models.ForeignKey(CaseLead, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        # The unique (group, permission, content_object) constraint is the index the list queries use;
        # the foreign key's own index serves "what does this lead grant".
        pass


class CaseLeadUserObjectPermission(UserObjectPermissionBase):
    """Per-user object permissions on leads; unused by the portal's own flows (grants go to agency groups)
    but required by guardian's direct-FK setup, so that no generic table is ever consulted."""

    content_object = models.ForeignKey(CaseLead, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class RecipientStatus(models.TextChoices):
    DELIVERED = "delivered", _("已送达")
    READ = "read", _("已阅")
    ACCEPTED = "accepted", _("已受理")
    TRANSFERRED = "transferred", _("已移送")
    DECLINED = "declined", _("不予受理")
    IN_PROGRESS = "in_progress", _("办理中")
    FEEDBACK = "feedback", _("已反馈")
    CLOSED = "closed", _("已办结")


#: Statuses after which nothing more is owed by the recipient.
FINISHED_STATUSES = frozenset({RecipientStatus.TRANSFERRED, RecipientStatus.DECLINED, RecipientStatus.CLOSED})


class FeedbackKind(models.TextChoices):
    FILED = "filed", _("立案")
    NOT_FILED = "not_filed", _("不予立案")
    TO_POLICE = "to_police", _("移送公安")
    CONCLUDED = "concluded", _("结案")


class LeadRecipient(ChoiceLabelsMixin, models.Model):
    """One receiving agency's handling of a lead, with its deadlines (working days) and outcome."""

    lead = models.ForeignKey(CaseLead, on_delete=models.CASCADE, related_name="recipients")
    agency = models.ForeignKey(
        "alliances.Agency",
        on_delete=models.PROTECT,
        related_name="received_leads",
        verbose_name=_("接收单位"),
    )
    status = models.CharField(
        _("办理状态"), max_length=20, choices=RecipientStatus.choices, default=RecipientStatus.DELIVERED
    )
    transferred_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("移送自"),
    )
    delivered_at = models.DateTimeField(_("送达时间"), default=timezone.now)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("受理决定时间"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True, max_length=1000)
    accept_due = models.DateField(_("受理期限"))
    feedback_due = models.DateField(_("反馈期限"))

    feedback_kind = models.CharField(_("反馈结果"), max_length=20, choices=FeedbackKind.choices, blank=True)
    case_number = models.CharField(_("案件编号"), max_length=60, blank=True)
    goods_seized = models.PositiveIntegerField(_("查扣物品（件）"), null=True, blank=True)
    value_involved = models.DecimalField(
        _("涉案金额（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fines = models.DecimalField(
        _("罚没款（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    persons_transferred = models.PositiveIntegerField(_("移送公安人数"), null=True, blank=True)
    feedback_note = models.TextField(_("反馈说明"), blank=True, max_length=5000)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    reminders_sent = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    last_reminded_on = models.DateField(_("最近督办日期"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("上报秘书处时间"), null=True, blank=True)
    # Which deadline the last escalation was about ("accept", then "feedback"): each missed deadline once.
    escalated_stage = models.CharField(_("上报所涉期限"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("线索接收单位")
        verbose_name_plural = _("线索接收单位")
        constraints = [models.UniqueConstraint(fields=["lead", "agency"], name="unique_lead_recipient")]
        indexes = [
            models.Index(fields=["agency", "-delivered_at"], name="recipient_inbox"),
            models.Index(fields=["agency", "status", "-delivered_at"], name="recipient_inbox_status"),
            models.Index(fields=["status", "accept_due"], name="recipient_accept_due"),
            models.Index(fields=["status", "feedback_due"], name="recipient_feedback_due"),
        ]

    def __str__(self):
        return f"{self.lead} → {self.agency}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        if self.status in (RecipientStatus.DELIVERED, RecipientStatus.READ):
            return today > self.accept_due
        if self.status in (RecipientStatus.ACCEPTED, RecipientStatus.IN_PROGRESS):
            return today > self.feedback_due
        return False


class LeadAccessRequest(ChoiceLabelsMixin, models.Model):
    """A receiving agency asks the originator to see a restricted lead's sensitive fields."""

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        GRANTED = "granted", _("已同意")
        DENIED = "denied", _("已拒绝")

    lead = models.ForeignKey(CaseLead, on_delete=models.CASCADE, related_name="access_requests")
    agency = models.ForeignKey("alliances.Agency", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(_("申请理由"), max_length=1000)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("受限信息查看申请")
        verbose_name_plural = _("受限信息查看申请")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.agency} → {self.lead}"


def attachment_path(instance, filename):
    # Named by content, never by the uploader's file name, in the private storage outside MEDIA_ROOT.
    return f"leads/{instance.lead_id}/{instance.sha256[:2]}/{instance.sha256}"


class LeadAttachment(models.Model):
    """Evidence attached to a lead, stored with its SHA-256 and served only through the permission policy."""

    lead = models.ForeignKey(CaseLead, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    is_sensitive = models.BooleanField(
        _("证据材料（受限）"), default=True, help_text=_("线索设为受限时，证据材料只对获准单位可见。")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agency = models.ForeignKey("alliances.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("线索附件")
        verbose_name_plural = _("线索附件")
        ordering = ["created_at"]

    def __str__(self):
        return self.original_name


class LeadComment(models.Model):
    """One message in the discussion thread of a lead among the agencies that can see it."""

    lead = models.ForeignKey(CaseLead, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    agency = models.ForeignKey("alliances.Agency", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("内容"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("线索讨论")
        verbose_name_plural = _("线索讨论")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.agency}: {self.body[:30]}"


class IdentifierKind(models.TextChoices):
    CREDIT_CODE = "credit_code", _("统一社会信用代码")
    PHONE = "phone", _("电话")
    SHOP_URL = "shop_url", _("网店地址")
    TRADEMARK = "trademark", _("商标注册号")
    PATENT = "patent", _("专利号")


#: Kinds read from the suspect's identity — sensitive fields (``CaseLead.SENSITIVE_FIELDS``:
#: ``suspect_credit_code``, ``suspect_phone``, ``suspect_shop_url``). A viewer correlates through them
#: only on leads whose sensitive fields it may read; trademark and patent numbers are in every summary.
SENSITIVE_IDENTIFIER_KINDS = frozenset(
    {IdentifierKind.CREDIT_CODE, IdentifierKind.PHONE, IdentifierKind.SHOP_URL}
)


class LeadIdentifier(models.Model):
    """A normalised identifier found in a lead; leads sharing one are correlated (串并案)."""

    lead = models.ForeignKey(CaseLead, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(max_length=300)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lead", "kind", "value"], name="unique_lead_identifier")
        ]
        indexes = [models.Index(fields=["kind", "value"], name="identifier_lookup")]

    def __str__(self):
        return f"{self.kind}={self.value}"


class LeadSequence(models.Model):
    """The last reference number used per alliance and year (HH-2026-000123)."""

    alliance = models.ForeignKey("alliances.Alliance", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alliance", "year"], name="unique_lead_sequence")]

    def __str__(self):
        return f"{self.alliance_id}-{self.year}: {self.last}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday on a weekday, or a weekend
    working day (调休). ``alliance`` empty means it applies nationally."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)
    alliance = models.ForeignKey(
        "alliances.Alliance", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_days"
    )

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["date", "alliance"], name="unique_calendar_day")]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Notification(ChoiceLabelsMixin, models.Model):
    """One notification for one user, written in the same transaction as the change it reports.

    Websocket pushes carry only the id; the content is rendered over HTTP through the permission policy,
    so a push that arrives late, twice or never changes nothing about what the user may see.
    """

    class Kind(models.TextChoices):
        LEAD_RECEIVED = "lead_received", _("收到新线索")
        LEAD_STATUS = "lead_status", _("线索办理状态更新")
        LEAD_COMMENT = "lead_comment", _("线索有新讨论")
        ACCESS_REQUEST = "access_request", _("受限信息查看申请")
        ACCESS_DECIDED = "access_decided", _("受限信息申请已处理")
        REMINDER = "reminder", _("督办提醒")
        ESCALATION = "escalation", _("逾期上报")
        TIP_RECEIVED = "tip_received", _("收到公众举报")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    lead = models.ForeignKey(CaseLead, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor_agency = models.ForeignKey(
        "alliances.Agency", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # For a status update, the status the acting agency's row reached (已受理, 已反馈 …), so that the
    # notification says what happened; blank for the other kinds and for rows written before it.
    status = models.CharField(max_length=20, choices=RecipientStatus.choices, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(fields=["recipient", "id"], name="notification_feed"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """What a user wants by e-mail; the in-app inbox always receives everything."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email_enabled = models.BooleanField(_("接收邮件通知"), default=True)
    email_kinds = models.JSONField(_("邮件通知类型"), default=list, blank=True)

    def __str__(self):
        return f"preferences of {self.user_id}"

    def wants_email(self, kind: str) -> bool:
        return self.email_enabled and (not self.email_kinds or kind in self.email_kinds)


class AuditEvent(models.Model):
    """An append-only audit record, chained by hash (DESIGN §7).

    ``hash`` = SHA-256 over the previous record's hash and this record's canonical content, so changing or
    deleting any record breaks the chain from there on; ``manage.py audit_verify`` walks it. Database
    triggers refuse UPDATE and DELETE as well.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    actor_agency = models.ForeignKey(
        "alliances.Agency", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    via_token = models.CharField(max_length=12, blank=True)
    action = models.CharField(max_length=30)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["actor_agency", "-id"], name="audit_by_agency"),
            models.Index(fields=["object_type", "object_id"], name="audit_by_object"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit records are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit records are append-only")

    def canonical(self) -> str:
        """The content the hash covers, as a stable string."""
        import json

        return json.dumps(
            [
                self.created_at.isoformat(),
                self.actor_id,
                self.actor_name,
                self.actor_agency_id,
                self.via_token,
                self.action,
                self.object_type,
                self.object_id,
                self.object_repr,
                self.ip_address,
                self.user_agent,
                self.details,
            ],
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.canonical()).encode("utf-8")).hexdigest()


class AuditChainHead(models.Model):
    """The single row that serialises appends to the audit chain (locked with SELECT … FOR UPDATE)."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"audit head ({self.count})"


class PublicTip(models.Model):
    """A public infringement tip (举报); it becomes an inbound lead for the agency of the chosen city."""

    reference = models.CharField(_("查询编号"), max_length=16, unique=True)
    lead = models.OneToOneField(CaseLead, on_delete=models.PROTECT, related_name="public_tip")
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ip_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("公众举报")
        verbose_name_plural = _("公众举报")

    def __str__(self):
        return self.reference
