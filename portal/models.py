"""Accounts and the public site's page types.

Page types follow bakerydemo's pairs (``XxxIndexPage`` → ``XxxPage``) with explicit parent and subpage
types; list logic lives in page methods. Every public page is cached whole for anonymous visitors
(``portal.cache``) and the cache is dropped when anything public is published.
"""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BaseStreamBlock
from .cache import mark_public
from .languages import in_interface_language, on_english_pages
from .selectors import public_only
from .slugs import HAN, pinyin_slug

# --- Accounts -------------------------------------------------------------------------------------


class Role(models.TextChoices):
    """What a signed-in person does in the portal (DESIGN §1)."""

    OFFICER = "officer", _("办案人员")
    LIAISON = "liaison", _("联络员")
    SECRETARIAT = "secretariat", _("联盟秘书处")
    CREDIT_OFFICER = "credit_officer", _("信用监管人员")
    EDITOR = "editor", _("编辑")
    REVIEWER = "reviewer", _("审核")


#: Roles that act for an agency and so need one.
AGENCY_ROLES = frozenset({Role.OFFICER, Role.LIAISON, Role.SECRETARIAT, Role.CREDIT_OFFICER})


class User(AbstractUser):
    """A signed-in person: an officer of one member agency, or a CMS editor / reviewer.

    ``agency`` places the user in the agency's group (object permissions on leads are granted to
    groups); ``role`` places them in the matching role group (``portal.services.user_sync_groups``).
    """

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    agency = models.ForeignKey(
        "alliances.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        verbose_name=_("所属单位"),
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    job_title = models.CharField(_("职务"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self):
        return self.full_name or self.username

    def clean(self):
        super().clean()
        if self.role in AGENCY_ROLES and not self.agency_id:
            raise ValidationError(
                {"agency": _("“%(role)s”必须属于一个成员单位。") % {"role": self.get_role_display()}}
            )


# --- Site settings --------------------------------------------------------------------------------


@register_setting(icon="site")
class SiteContact(BaseSiteSetting):
    """Footer and contact details editors can change without a deployment."""

    organisation = models.CharField(_("主办单位"), max_length=120, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    organisation_en = models.CharField(
        _("主办单位（英文）"), max_length=200, blank=True, help_text=_("英文界面的页脚显示；留空则显示中文。")
    )
    address_en = models.CharField(
        _("地址（英文）"), max_length=200, blank=True, help_text=_("英文界面的页脚显示；留空则显示中文。")
    )
    phone = models.CharField(_("电话"), max_length=40, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    icp_number = models.CharField(_("ICP 备案号"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("站点联系信息")


# --- Pages ----------------------------------------------------------------------------------------


class PortalPageForm(WagtailAdminPageForm):
    """Editors type Chinese titles; the slug may stay empty and is then filled with pinyin on save."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _("留空则按标题自动生成拼音网址，例如 xu-zhou-gong-zuo-fang-an。")

    def clean(self):
        cleaned = super().clean()
        title = cleaned.get("title")
        if "slug" in self.fields and not cleaned.get("slug") and title:
            base = pinyin_slug(title) or "page"
            slug, n = base, 1
            while not Page._slug_is_available(slug, self.parent_page, self.instance):
                n += 1
                slug = f"{base}-{n}"
            cleaned["slug"] = slug
            self.instance.slug = slug
        return cleaned

    def clean_slug(self):
        """The slug the admin's script copies from a Chinese title while it is typed is the title's Latin
        letters and digits alone (2026 for 徐州市开展2026年“双打”专项行动, upov for UPOV公约与植物新品种保护,
        and the next 2026 is refused as taken): on a page never published (the script stops copying once
        it is, and a published address must not move) it counts as empty, and ``clean`` makes the pinyin."""
        slug = self.cleaned_data.get("slug", "")
        title = self.data.get("title", "")
        # The script keeps a leading or trailing hyphen that Django's slugify drops (知识产权 - 2026 → -2026).
        copied = slug and slug.strip("-_") == slugify(title, allow_unicode=False)
        if copied and HAN.search(title) and self.instance.first_published_at is None:
            return ""
        return slug


class BasePage(Page):
    """Abstract base of every public page: English label, listing summary, pinyin slug, whole-page caching."""

    english_title = models.CharField(
        _("英文标题"),
        max_length=120,
        blank=True,
        help_text=_("英文界面的菜单、导航和页面标题使用；留空则显示中文标题。"),
    )
    listing_summary = models.TextField(
        _("摘要"), blank=True, max_length=300, help_text=_("显示在列表和搜索结果中；留空则取正文开头。")
    )

    base_form_class = PortalPageForm
    promote_panels = [*Page.promote_panels, FieldPanel("english_title"), FieldPanel("listing_summary")]
    search_fields = [*Page.search_fields, index.SearchField("listing_summary")]

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        if not self.slug and self.title:
            parent = getattr(self, "_cached_parent_obj", None) or (self.get_parent() if self.path else None)
            base = pinyin_slug(self.title) or "page"
            slug, n = base, 1
            while parent is not None and not Page._slug_is_available(slug, parent, self):
                n += 1
                slug = f"{base}-{n}"
            self.slug = slug
        super().full_clean(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        return mark_public(request, super().serve(request, *args, **kwargs))

    @property
    def label(self) -> str:
        """The title in the interface language: ``english_title`` under ``/en/`` when there is one."""
        return in_interface_language(self.title, self.english_title)

    @property
    def intro_label(self):
        """The introduction of a page that has one, in the interface language: ``intro_en`` under ``/en/``
        when an editor wrote it, else ``intro``."""
        return in_interface_language(getattr(self, "intro", ""), getattr(self, "intro_en", ""))

    @property
    def body_label(self):
        """The body of a page that has one, in the interface language: ``body_en`` under ``/en/`` when an
        editor wrote it, else ``body``."""
        return in_interface_language(getattr(self, "body", None), getattr(self, "body_en", None))

    @property
    def body_lang(self) -> str:
        """``zh-Hans`` where the Chinese body stands in for a missing English one under ``/en/`` (read as
        Chinese by screen readers, set as Chinese by the style sheet), else empty."""
        return "zh-Hans" if on_english_pages() and not getattr(self, "body_en", None) else ""


def paginate(request, queryset, per_page: int):
    """A page of ``queryset`` for ``?page=N``; out-of-range or junk numbers give the nearest valid page."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


class HomePage(BasePage):
    """The portal's home (首页): latest news, typical cases and policies, entry points to the lists."""

    hero_title = models.CharField(_("主标题"), max_length=80, default="知识产权保护协作门户")
    hero_text = models.TextField(_("导语"), blank=True, max_length=400)
    hero_title_en = models.CharField(
        _("英文主标题"),
        max_length=120,
        blank=True,
        help_text=_("英文首页（/en/）显示；留空则显示中文主标题。"),
    )
    hero_text_en = models.TextField(
        _("英文导语"), blank=True, max_length=600, help_text=_("英文首页（/en/）显示；留空则显示中文导语。")
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"), blank=True)

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_title_en"),
                FieldPanel("hero_text_en"),
            ],
            heading=_("首屏"),
        ),
        FieldPanel("body"),
    ]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    subpage_types = [
        "portal.AllianceIndexPage",
        "portal.NewsIndexPage",
        "portal.PolicyIndexPage",
        "portal.ContentPage",
    ]

    class Meta:
        verbose_name = _("首页")

    def latest_news(self, request=None, limit=5):
        return public_only(NewsPage.objects.live(), request).order_by("-date", "-pk")[:limit]

    def latest_policies(self, request=None, limit=5):
        return public_only(PolicyDocumentPage.objects.live(), request).order_by("-issued_on", "-pk")[:limit]

    def alliance_pages(self, request=None):
        return public_only(AlliancePage.objects.live(), request).select_related("alliance").order_by("path")

    def section_pages(self, request=None):
        """The live news and policy index pages under home, keyed by their model, in one query."""
        children = public_only(self.get_children().live(), request).type(NewsIndexPage, PolicyIndexPage)
        return {type(page): page for page in children.specific()}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        sections = self.section_pages(request)
        context.update(
            latest_news=self.latest_news(request),
            latest_policies=self.latest_policies(request),
            alliance_pages=self.alliance_pages(request),
            news_index=sections.get(NewsIndexPage),
            policy_index=sections.get(PolicyIndexPage),
        )
        return context

    @property
    def hero_title_label(self) -> str:
        return in_interface_language(self.hero_title, self.hero_title_en)

    @property
    def hero_text_label(self) -> str:
        return in_interface_language(self.hero_text, self.hero_text_en)


class ContentPage(BasePage):
    """A generic content page (关于我们, 办事指南 …) built from the shared blocks."""

    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"))
    body_en = StreamField(
        BaseStreamBlock(),
        verbose_name=_("英文正文"),
        blank=True,
        help_text=_("英文界面显示；留空则显示中文正文。"),
    )

    content_panels = [*Page.content_panels, FieldPanel("body"), FieldPanel("body_en")]
    search_fields = [*BasePage.search_fields, index.SearchField("body")]
    parent_page_types = ["portal.HomePage", "portal.ContentPage"]
    subpage_types = ["portal.ContentPage"]

    class Meta:
        verbose_name = _("内容页")


class AllianceIndexPage(BasePage):
    """Lists the alliances the portal serves (联盟介绍)."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "link"])
    intro_en = RichTextField(
        _("英文导语"),
        blank=True,
        features=["bold", "link"],
        help_text=_("英文界面显示；留空则显示中文导语。"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.AlliancePage"]
    max_count = 1

    class Meta:
        verbose_name = _("联盟列表页")

    def alliance_pages(self, request=None):
        return public_only(AlliancePage.objects.child_of(self).live(), request).select_related("alliance")

    def get_context(self, request, *args, **kwargs):
        from alliances.selectors import alliance_member_counts

        context = super().get_context(request, *args, **kwargs)
        pages = list(self.alliance_pages(request))
        counts = alliance_member_counts(alliance_ids=[p.alliance_id for p in pages])
        context["alliance_entries"] = [
            (p, counts.get(p.alliance_id, {"agencies": 0, "cities": 0})) for p in pages
        ]
        return context


class AlliancePage(BasePage):
    """One alliance's public page. Mechanisms, cities, members, secretariat and contacts come from the
    :class:`alliances.models.Alliance` record; editors write only the introduction and extra content."""

    alliance = models.OneToOneField(
        "alliances.Alliance", on_delete=models.PROTECT, related_name="page", verbose_name=_("联盟")
    )
    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link"])
    intro_en = RichTextField(
        _("英文导语"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("英文界面显示；留空则显示中文导语（或联盟简介）。"),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("补充内容"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("alliance"),
        FieldPanel("intro"),
        FieldPanel("intro_en"),
        FieldPanel("body"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["portal.AllianceIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("联盟页")

    def get_context(self, request, *args, **kwargs):
        from alliances.selectors import alliance_profile

        context = super().get_context(request, *args, **kwargs)
        context["profile"] = alliance_profile(alliance=self.alliance)
        return context


class NewsIndexPage(BasePage):
    """News listing (新闻动态), newest first, ten to a page."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "link"])
    intro_en = RichTextField(
        _("英文导语"),
        blank=True,
        features=["bold", "link"],
        help_text=_("英文界面显示；留空则显示中文导语。"),
    )
    per_page = 10

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.NewsPage"]

    class Meta:
        verbose_name = _("新闻列表页")

    def news(self, request=None):
        return public_only(NewsPage.objects.child_of(self).live(), request).order_by("-date", "-pk")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["items"] = paginate(request, self.news(request), self.per_page)
        return context


class NewsPage(BasePage):
    """A news item (新闻)."""

    date = models.DateField(_("日期"), default=timezone.localdate)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    body = StreamField(BaseStreamBlock(), verbose_name=_("正文"))
    body_en = StreamField(
        BaseStreamBlock(),
        verbose_name=_("英文正文"),
        blank=True,
        help_text=_("英文界面显示；留空则显示中文正文。"),
    )

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("source")]),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("body"), index.FilterField("date")]
    parent_page_types = ["portal.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("新闻")


class PolicyIndexPage(BasePage):
    """Policy documents (政策文件), filterable by issuing city and year."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "link"])
    intro_en = RichTextField(
        _("英文导语"),
        blank=True,
        features=["bold", "link"],
        help_text=_("英文界面显示；留空则显示中文导语。"),
    )
    per_page = 10

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]
    parent_page_types = ["portal.HomePage"]
    subpage_types = ["portal.PolicyDocumentPage"]

    class Meta:
        verbose_name = _("政策文件列表页")

    def documents(self, request=None):
        return public_only(PolicyDocumentPage.objects.child_of(self).live(), request).order_by(
            "-issued_on", "-pk"
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        documents = self.documents(request)
        years = sorted({d.year for d in documents.values_list("issued_on", flat=True) if d}, reverse=True)
        year = request.GET.get("year", "")
        if year.isdigit() and int(year) in years:
            documents = documents.filter(issued_on__year=int(year))
        else:
            year = ""
        context.update(items=paginate(request, documents, self.per_page), years=years, selected_year=year)
        return context


class PolicyDocumentPage(BasePage):
    """A policy document (政策文件) with its full text, issuer and document number (文号)."""

    issuer = models.CharField(_("发文机关"), max_length=100)
    document_number = models.CharField(
        _("文号"), max_length=60, blank=True, help_text=_("例如：徐政发〔2022〕45号")
    )
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    region = models.CharField(_("地区"), max_length=30, blank=True, help_text=_("例如：徐州市"))
    summary = models.TextField(_("内容提要"), blank=True, max_length=600)
    summary_en = models.TextField(
        _("英文内容提要"),
        blank=True,
        max_length=600,
        help_text=_("英文界面显示；留空则显示中文内容提要。全文只有中文。"),
    )
    body = StreamField(BaseStreamBlock(), verbose_name=_("全文"))

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issuer"), FieldPanel("document_number")]),
                FieldRowPanel([FieldPanel("issued_on"), FieldPanel("region")]),
            ],
            heading=_("文件信息"),
        ),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("body"),
    ]
    search_fields = [
        *BasePage.search_fields,
        index.SearchField("issuer"),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("issued_on"),
    ]
    parent_page_types = ["portal.PolicyIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("政策文件")

    @property
    def summary_label(self) -> str:
        """The summary in the interface language: ``summary_en`` under ``/en/`` when an editor wrote it."""
        return in_interface_language(self.summary, self.summary_en)

    @cached_property
    def outline(self):
        """Second-level headings of the full text, for the in-page table of contents."""
        return [
            (block.id, block.value["text"])
            for block in self.body
            if block.block_type == "heading" and block.value["level"] == "h2"
        ]
