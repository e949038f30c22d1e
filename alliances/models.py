"""Alliances, their member agencies and memberships.

An alliance (知识产权保护联盟 / 合作机制) is data, not code: a third alliance is added in the Wagtail admin
without a deployment. Agencies (成员单位) are the unit of trust for everything in ``cases_exchange``:
each has its own Django group, and object permissions on leads are granted to that group.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable
from wagtail.search import index

from portal.choices import ChoiceLabelsMixin
from portal.languages import in_interface_language

from .divisions import PROVINCES, PlaceLabels, province_for, validate_division_code

ascii_slug = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("只能使用小写字母、数字和连字符（拼音），例如 huaihai。")
)
alliance_code = RegexValidator(r"^[A-Z]{2,6}$", _("代码为 2–6 位大写字母，例如 HH，用于线索编号。"))
phone_validator = RegexValidator(
    r"^(\+?86[- ]?)?(0\d{2,3}[- ]?\d{7,8}(-\d{1,6})?|1[3-9]\d{9}|400[- ]?\d{3}[- ]?\d{4}|12345)$",
    _("请输入有效的电话号码，例如 0516-83738888 或 13800000000。"),
)


class Alliance(index.Indexed, ClusterableModel):
    """A cross-regional IP protection alliance (知识产权保护联盟), e.g. 淮海经济区知识产权保护联盟.

    Shown publicly through ``portal.AlliancePage``; its members, cities and secretariat are derived
    from :class:`Membership` rows, never typed into a page.
    """

    name = models.CharField(_("名称"), max_length=100, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    short_name = models.CharField(_("简称"), max_length=30, blank=True, help_text=_("例如：淮海联盟"))
    code = models.CharField(
        _("代码"),
        max_length=6,
        unique=True,
        validators=[alliance_code],
        help_text=_("2–6 位大写字母，线索编号以此开头，例如 HH-2026-000123。"),
    )
    slug = models.SlugField(_("网址名"), max_length=60, unique=True, validators=[ascii_slug])
    description = models.TextField(_("简介"), blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    founding_basis = models.CharField(
        _("设立依据"), max_length=200, blank=True, help_text=_("设立联盟的文件，例如某市人民政府工作方案。")
    )
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True, validators=[phone_validator])
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    contact_address = models.CharField(_("联系地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    # Lead deadlines (线索办理期限). Defaults follow common practice in Chinese market-regulation
    # procedure: decide whether to accept a referred lead within 5 working days, report back within 30 days.
    accept_working_days = models.PositiveSmallIntegerField(
        _("受理期限（工作日）"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    feedback_days = models.PositiveSmallIntegerField(
        _("反馈期限（天）"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    feedback_days_are_working_days = models.BooleanField(_("反馈期限按工作日计算"), default=False)
    key_accept_working_days = models.PositiveSmallIntegerField(
        _("重点保护线索受理期限（工作日）"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    key_feedback_days = models.PositiveSmallIntegerField(
        _("重点保护线索反馈期限（天）"), default=15, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    remind_before_working_days = models.PositiveSmallIntegerField(
        _("到期前提醒（工作日）"), default=1, validators=[MaxValueValidator(30)]
    )
    escalate_after_working_days = models.PositiveSmallIntegerField(
        _("逾期多少工作日后上报秘书处"), default=3, validators=[MaxValueValidator(60)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldRowPanel([FieldPanel("short_name"), FieldPanel("code"), FieldPanel("slug")]),
                FieldPanel("name_en"),
                FieldPanel("description"),
                FieldRowPanel([FieldPanel("founded_on"), FieldPanel("founding_basis")]),
                FieldPanel("is_active"),
            ],
            heading=_("基本信息"),
        ),
        MultiFieldPanel(
            [FieldPanel("contact_phone"), FieldPanel("contact_email"), FieldPanel("contact_address")],
            heading=_("秘书处联系方式"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("accept_working_days"), FieldPanel("feedback_days")]),
                FieldPanel("feedback_days_are_working_days"),
                FieldRowPanel([FieldPanel("key_accept_working_days"), FieldPanel("key_feedback_days")]),
                FieldRowPanel(
                    [FieldPanel("remind_before_working_days"), FieldPanel("escalate_after_working_days")]
                ),
            ],
            heading=_("线索办理期限"),
        ),
        InlinePanel("mechanisms", heading=_("协作机制"), label=_("机制")),
        InlinePanel("memberships", heading=_("成员单位"), label=_("成员")),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("short_name"),
        index.AutocompleteField("name"),
        index.FilterField("is_active"),
    ]

    class Meta:
        verbose_name = _("联盟")
        verbose_name_plural = _("联盟")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # Key-protection leads (重点保护) are handled faster, never slower, than ordinary ones.
        errors = {}
        if (self.key_accept_working_days or 0) > (self.accept_working_days or 0):
            errors["key_accept_working_days"] = _("重点保护线索的受理期限不能长于一般线索的受理期限。")
        if (self.key_feedback_days or 0) > (self.feedback_days or 0):
            errors["key_feedback_days"] = _("重点保护线索的反馈期限不能长于一般线索的反馈期限。")
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self):
        """The alliance named briefly: its short name (淮海联盟), or its English name on English pages."""
        return in_interface_language(self.short_name or self.name, self.name_en)

    @property
    def label(self) -> str:
        """The alliance's full name in the page's language (where its English name is known)."""
        return in_interface_language(self.name, self.name_en)


class AllianceMechanism(Orderable):
    """One cooperation mechanism of an alliance (线索通报, 案件协办, 名录互认 …), shown on its page."""

    alliance = ParentalKey(Alliance, on_delete=models.CASCADE, related_name="mechanisms")
    name = models.CharField(_("机制"), max_length=60)
    description = models.TextField(_("说明"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("协作机制")
        verbose_name_plural = _("协作机制")
        constraints = [
            models.UniqueConstraint(fields=["alliance", "name"], name="unique_mechanism_per_alliance")
        ]

    def __str__(self):
        return self.name


#: An English place name: Latin letters (with pinyin's tone marks), spaces, apostrophes, hyphens, dots
#: and brackets — "Xuzhou", "Huai'an", "Suzhou (Anhui)".
_LATIN_PLACE_NAME = re.compile(r"[A-Za-z\u00C0-\u024F][A-Za-z\u00C0-\u024F '’.()-]*")


class AgencyKind(models.TextChoices):
    """What kind of authority a member agency is; drives who may receive which lead later."""

    MARKET_REGULATION = "market_regulation", _("市场监管局（知识产权局）")
    IP_OFFICE = "ip_office", _("知识产权局")
    PUBLIC_SECURITY = "public_security", _("公安机关")
    PROCURATORATE = "procuratorate", _("人民检察院")
    COURT = "court", _("人民法院")
    CUSTOMS = "customs", _("海关")
    COPYRIGHT = "copyright", _("版权管理部门")
    AGRICULTURE = "agriculture", _("农业农村部门")
    CULTURE_ENFORCEMENT = "culture_enforcement", _("文化市场综合执法")
    OTHER = "other", _("其他")


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def members_of(self, alliance):
        return self.filter(memberships__alliance=alliance, memberships__is_active=True).distinct()


class Agency(PlaceLabels, ChoiceLabelsMixin, index.Indexed, models.Model):
    """A member unit (成员单位) of one or more alliances, e.g. 徐州市市场监督管理局.

    Each agency owns a Django group, created with it; officers are placed in it and object permissions
    on leads are granted to it (cases_exchange).
    """

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("单位类型"), max_length=30, choices=AgencyKind.choices)
    province = models.CharField(
        _("省份"), max_length=20, blank=True, help_text=_("留空时按行政区划代码自动填写。")
    )
    city = models.CharField(_("城市"), max_length=30, help_text=_("例如：徐州市"))
    city_en = models.CharField(
        _("城市英文名"),
        max_length=60,
        blank=True,
        help_text=_(
            "英文界面显示，同城各成员单位共用。留空时按汉语拼音自动生成（徐州市 → Xuzhou）；"
            "读音特殊的地名请填写，例如长治市填 Changzhi。"
        ),
    )
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        validators=[validate_division_code],
        help_text=_("GB/T 2260 六位代码，例如徐州市 320300。"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True, validators=[phone_validator])
    email = models.EmailField(_("联系邮箱"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="agency", editable=False, verbose_name=_("用户组")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("division_code"), FieldPanel("province"), FieldPanel("city")]),
        FieldPanel("city_en"),
        FieldPanel("address"),
        FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
        FieldPanel("is_active"),
    ]

    search_fields = [
        index.SearchField("name"),
        index.SearchField("city"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
        index.FilterField("is_active"),
    ]

    class Meta:
        verbose_name = _("成员单位")
        verbose_name_plural = _("成员单位")
        ordering = ["division_code", "name"]
        indexes = [models.Index(fields=["division_code"])]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # Every agency has its group from its first save, whichever path created it (admin, seed, API).
        with transaction.atomic():
            if self.division_code and not self.province:
                self.province = PROVINCES.get(self.division_code[:2], "")
            if self.group_id is None:
                self.group, _created = Group.objects.get_or_create(name=self.group_name)
            elif self.group.name != self.group_name:
                self.group.name = self.group_name
                self.group.save(update_fields=["name"])
            stored = Agency.objects.filter(pk=self.pk).values_list("city_en", flat=True).first()
            same_city = Agency.objects.filter(division_code=self.division_code).exclude(pk=self.pk)
            if stored is None and not self.city_en:  # a new agency takes its city's English name
                self.city_en = same_city.exclude(city_en="").values_list("city_en", flat=True).first() or ""
            super().save(*args, **kwargs)
            if stored is not None and stored != self.city_en:
                # The English name is the city's: typed or cleared on one agency, it is every agency's.
                same_city.update(city_en=self.city_en)

    def clean(self):
        super().clean()
        if self.division_code and not self.province:
            # An unknown prefix is reported by the field validator; nothing to fill in then.
            self.province = PROVINCES.get(self.division_code[:2], "")
        if (
            self.province
            and self.division_code[:2] in PROVINCES
            and province_for(self.division_code) != self.province
        ):
            raise ValidationError(
                {
                    "province": _("省份与行政区划代码不符：代码 %(code)s 属于%(expected)s。")
                    % {"code": self.division_code, "expected": province_for(self.division_code)}
                }
            )
        self.city_en = " ".join(self.city_en.split())
        if self.city_en and not _LATIN_PLACE_NAME.fullmatch(self.city_en):
            raise ValidationError({"city_en": _("城市英文名请用拉丁字母书写，例如 Xuzhou、Huai'an。")})
        self._clean_against_other_agencies()

    def _clean_against_other_agencies(self) -> None:
        """Public tips reach a city's agencies by its division code, so a code typed as another city's
        would send that city's tips here: refused when the code is set or changed (renaming a city, or
        correcting a code agency by agency, stays possible)."""
        if not (self.city and self.division_code):
            return
        stored = Agency.objects.filter(pk=self.pk).values_list("division_code", flat=True).first()
        if stored == self.division_code:
            return
        other = (
            Agency.objects.exclude(pk=self.pk)
            .filter(division_code=self.division_code)
            .exclude(city=self.city)
            .order_by("pk")
            .first()
        )
        if other is not None:
            raise ValidationError(
                {
                    "division_code": _(
                        "代码 %(code)s 是%(city)s的行政区划代码（%(agency)s），与城市“%(own)s”不符，请核对。"
                    )
                    % {"code": self.division_code, "city": other.city, "agency": other.name, "own": self.city}
                }
            )

    @property
    def group_name(self) -> str:
        return f"成员单位：{self.name}"


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("成员单位")
    SECRETARIAT = "secretariat", _("秘书处")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, agency__is_active=True)


class Membership(Orderable):
    """An agency's membership of an alliance (member or secretariat), with the date it joined."""

    alliance = ParentalKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("单位")
    )
    role = models.CharField(
        _("角色"), max_length=20, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    since = models.DateField(_("加入日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = MembershipQuerySet.as_manager()

    panels = [
        FieldPanel("agency"),
        FieldRowPanel([FieldPanel("role"), FieldPanel("since"), FieldPanel("is_active")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("成员资格")
        verbose_name_plural = _("成员资格")
        constraints = [models.UniqueConstraint(fields=["alliance", "agency"], name="unique_membership")]

    def __str__(self):
        return f"{self.agency} @ {self.alliance}"


#: API tokens expire after this many days unless issued for less, and never later than the maximum.
TOKEN_DEFAULT_DAYS = 365
TOKEN_MAX_DAYS = 730


class AgencyAPIToken(models.Model):
    """A bearer token with which one agency's own case system calls ``/api/v1/``.

    Only a SHA-256 digest of the token is stored; the token itself is shown once when it is issued
    (``manage.py agency_token``). A token acts for its agency and nothing else.
    """

    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("单位")
    )
    name = models.CharField(_("用途"), max_length=100, help_text=_("例如：徐州市场监管局办案系统"))
    prefix = models.CharField(_("前缀"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.agency} · {self.name} ({self.prefix}…)"

    def clean(self):
        """Every token expires, at the latest :data:`TOKEN_MAX_DAYS` after it was issued — also when an
        administrator edits it (migration 0004 gave the tokens issued without one their expiry)."""
        super().clean()
        issued = self.created_at or timezone.now()
        if self.expires_at is None or self.expires_at > issued + timedelta(days=TOKEN_MAX_DAYS):
            raise ValidationError(
                {
                    "expires_at": _("请填写到期时间：接口令牌的有效期不能超过 %(days)s 天。")
                    % {"days": TOKEN_MAX_DAYS}
                }
            )

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
