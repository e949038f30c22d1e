"""Builds the demo site: reference alliances, pages, policy documents, news, accounts. Idempotent.

Used by ``manage.py seed_demo`` (and so by ``make run``) and by tests that need a realistic site.
Existing records are found by their natural keys (names, slugs, usernames) and left as they are, so
running it again never duplicates anything nor overwrites what an editor changed.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction
from wagtail.models import Page, Site

from alliances.models import Agency, Alliance, AllianceMechanism
from alliances.services import alliances_load_reference
from portal.models import (
    AllianceIndexPage,
    AlliancePage,
    ContentPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PolicyDocumentPage,
    PolicyIndexPage,
    SiteContact,
    User,
)
from portal.services import user_create

from .content import ALLIANCE_DETAILS, DEMO_ACCOUNTS, DEMO_PASSWORD, NEWS
from .policies import SPECS, policy_blocks

REFERENCE_DATA = Path(__file__).resolve().parents[2] / "alliances" / "data" / "alliances.json"


@dataclass
class DemoReport:
    created_pages: list[str] = field(default_factory=list)
    created_accounts: list[str] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    agencies: int = 0
    alliances: int = 0
    leads: int = 0


def _child(parent: Page, model, slug: str, report: DemoReport, **fields):
    """The live child of ``parent`` with ``slug``, creating and publishing it if missing."""
    existing = parent.get_children().filter(slug=slug).specific().first()
    if existing is not None:
        return existing
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    report.created_pages.append(page.title)
    return page


def _english(page, **fields) -> None:
    """Give a page of a demo built before its English fields existed their demo text — only a page no
    editor has touched since the demo published it (one revision), so an editor's choice stands."""
    missing = {name: value for name, value in fields.items() if value and not getattr(page, name)}
    if missing and page.revisions.count() == 1 and not page.has_unpublished_changes:
        for name, value in missing.items():
            setattr(page, name, value)
        page.save_revision().publish()


HERO_TITLE = "知识产权保护协作门户"
HERO_TITLE_EN = "IP Protection Collaboration Portal"
HERO_TEXT_EN = (
    "For the Huaihai Economic Zone IP protection alliance and the Chengdu–Chongqing IP protection "
    "cooperation: case leads between cities, assistance in cases, joint enforcement, regular consultations, "
    "mutually recognised lists, and the credit of IP service agencies."
)


def _home(report: DemoReport) -> HomePage:
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and isinstance(site.root_page.specific, HomePage):
        home = site.root_page.specific
        # A demo built before the home had English fields (an editor's unpublished draft is left alone).
        if not home.hero_title_en and home.hero_title == HERO_TITLE and not home.has_unpublished_changes:
            home.hero_title_en, home.hero_text_en = HERO_TITLE_EN, HERO_TEXT_EN
            home.save_revision().publish()
        return home
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(
            title="首页",
            english_title="Home",
            slug="portal-home",
            hero_title=HERO_TITLE,
            hero_text=(
                "服务淮海经济区知识产权保护联盟和成渝地区双城经济圈知识产权保护合作："
                "跨区域线索通报、案件协办、联合执法、定期会商，互认保护名录，服务机构信用公示。"
            ),
            hero_title_en=HERO_TITLE_EN,
            hero_text_en=HERO_TEXT_EN,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        report.created_pages.append(home.title)
    previous_root = site.root_page if site is not None else None
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="知识产权保护协作门户",
        )
    else:
        site.root_page = home
        site.site_name = "知识产权保护协作门户"
        site.save()
    # Wagtail's "Welcome to your new Wagtail site!" placeholder is removed once nothing points at it.
    if (
        previous_root is not None
        and previous_root.pk != home.pk
        and previous_root.specific_class is Page
        and not previous_root.get_children().exists()
    ):
        previous_root.delete()
    return home


def _alliances(report: DemoReport) -> None:
    data = json.loads(REFERENCE_DATA.read_text(encoding="utf-8"))
    reference = alliances_load_reference(data=data)
    report.agencies = Agency.objects.count()
    report.alliances = Alliance.objects.count()
    for name, details in ALLIANCE_DETAILS.items():
        alliance = Alliance.objects.filter(name=name).first()
        if alliance is None:
            continue
        if reference.alliances_created or not alliance.description:
            for key in (
                "description",
                "founding_basis",
                "founded_on",
                "contact_phone",
                "contact_email",
                "contact_address",
            ):
                setattr(alliance, key, details[key])
            alliance.save()
        for mechanism, description in details["mechanisms"].items():
            AllianceMechanism.objects.filter(alliance=alliance, name=mechanism, description="").update(
                description=description
            )


def _pages(home: HomePage, report: DemoReport) -> None:
    english = {"intro_en": ALLIANCES_INTRO_EN}
    alliance_index = _child(
        home,
        AllianceIndexPage,
        "alliances",
        report,
        title="联盟介绍",
        english_title="Alliances",
        show_in_menus=True,
        intro="<p>门户服务的跨区域知识产权保护联盟与合作机制。成员城市、成员单位和秘书处信息来自联盟登记数据。</p>",
        **english,
    )
    _english(alliance_index, **english)
    for alliance in Alliance.objects.filter(is_active=True).order_by("pk"):
        english = {"intro_en": ALLIANCE_DETAILS.get(alliance.name, {}).get("intro_en", "")}
        page = _child(
            alliance_index,
            AlliancePage,
            alliance.slug,
            report,
            title=alliance.name,
            english_title=alliance.name_en,
            alliance=alliance,
            listing_summary=alliance.description[:200],
            **english,
        )
        _english(page, **english)
    news_index = _child(
        home, NewsIndexPage, "news", report, title="新闻动态", english_title="News", show_in_menus=True
    )
    for item in NEWS:
        english = {
            "english_title": item.get("title_en", ""),
            "body_en": [("paragraph", f"<p>{p}</p>") for p in item.get("paragraphs_en", [])],
        }
        news = _child(
            news_index,
            NewsPage,
            item["slug"],
            report,
            title=item["title"],
            date=item["date"],
            source=item["source"],
            listing_summary=item["summary"],
            body=[("paragraph", f"<p>{p}</p>") for p in item["paragraphs"]],
            **english,
        )
        _english(news, **english)
    policy_index = _child(
        home,
        PolicyIndexPage,
        "policies",
        report,
        title="政策文件",
        english_title="Policy documents",
        show_in_menus=True,
        intro="<p>各成员城市知识产权保护与运用相关政策文件全文。</p>",
        intro_en=POLICIES_INTRO_EN,
    )
    _english(policy_index, intro_en=POLICIES_INTRO_EN)
    for spec in SPECS:
        english = {"english_title": spec.title_en, "summary_en": spec.summary_en}
        policy = _child(
            policy_index,
            PolicyDocumentPage,
            spec.slug,
            report,
            title=spec.title,
            issuer=spec.issuer,
            document_number=spec.document_number,
            issued_on=spec.issued_on,
            region=spec.region,
            summary=spec.summary,
            listing_summary=spec.summary,
            body=policy_blocks(spec),
            **english,
        )
        _english(policy, **english)
    about = _child(
        home,
        ContentPage,
        "about",
        report,
        title="关于门户",
        english_title="About the portal",
        show_in_menus=True,
        body=[
            ("heading", {"text": "门户定位", "level": "h2"}),
            (
                "paragraph",
                "<p>知识产权保护协作门户是跨区域知识产权保护联盟的协作平台和公共服务窗口。"
                "成员单位在门户上通报侵权线索、请求案件协办、组织联合执法和定期会商；"
                "公众可以查询互认保护名录、服务机构信用信息、典型案例和政策文件。</p>",
            ),
            ("heading", {"text": "信息安全", "level": "h2"}),
            (
                "paragraph",
                "<p>案件线索仅在通报范围内的成员单位之间可见，任何线索信息都不会对公众公开。"
                "线索的查看、修改、移送、导出和附件下载均记录审计日志。</p>",
            ),
        ],
        body_en=ABOUT_EN,
    )
    _english(about, body_en=ABOUT_EN)


ALLIANCES_INTRO_EN = (
    "<p>The cross-regional IP protection alliances and cooperation mechanisms the portal serves. Member "
    "cities, member agencies and secretariats come from the alliances' registration data.</p>"
)
POLICIES_INTRO_EN = "<p>Full texts of the member cities' policy documents on protecting and using IP.</p>"
ABOUT_EN = [
    ("heading", {"text": "What the portal is for", "level": "h2"}),
    (
        "paragraph",
        "<p>The IP Protection Collaboration Portal is where cross-regional IP protection alliances work "
        "together and serve the public. Member agencies send each other case leads, ask for assistance in "
        "cases, organise joint enforcement and hold regular consultations; the public can search the "
        "mutually recognised protection lists, the credit of IP service agencies, typical cases and policy "
        "documents.</p>",
    ),
    ("heading", {"text": "Information security", "level": "h2"}),
    (
        "paragraph",
        "<p>A case lead is visible only to the member agencies it was sent to; nothing of a lead is ever "
        "made public. Every view, change, transfer, export and attachment download of a lead is recorded "
        "in the audit log.</p>",
    ),
]


def _site_contact(home: HomePage) -> None:
    site = Site.objects.get(root_page=home)
    contact = SiteContact.for_site(site)
    if not contact.organisation:  # set once; what an editor changes later stands
        contact.organisation = "淮海经济区知识产权保护联盟秘书处 · 成渝知识产权保护合作秘书处"
        contact.address = "江苏省徐州市 · 四川省成都市"
        contact.organisation_en = (
            "Secretariat of the Huaihai Economic Zone IP Protection Alliance · "
            "Secretariat of the Chengdu–Chongqing IP Protection Cooperation"
        )
        contact.address_en = "Xuzhou, Jiangsu · Chengdu, Sichuan"
        contact.phone = "0516-83738888"
        contact.email = "ipp-portal@example.gov.cn"
        contact.save()


def _accounts(report: DemoReport) -> None:
    # One hash for the shared demo password: hashing it once per account costs seconds on every seed.
    password_hash = make_password(DEMO_PASSWORD)
    for spec in DEMO_ACCOUNTS:
        agency = Agency.objects.filter(name=spec["agency"]).first() if spec["agency"] else None
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = user_create(
                username=spec["username"],
                password=None,
                full_name=spec["full_name"],
                email=f"{spec['username']}@example.gov.cn",
                role=spec["role"],
                agency=agency,
                is_superuser=spec.get("superuser", False),
            )
            user.password = password_hash
            user.save(update_fields=["password"])
            report.created_accounts.append(user.username)
        report.accounts.append(
            {
                "username": user.username,
                "password": DEMO_PASSWORD,
                "full_name": user.full_name,
                "role": user.get_role_display() if user.role else "超级管理员",
                "agency": user.agency.name if user.agency_id else "—",
            }
        )


@transaction.atomic
def demo_build() -> DemoReport:
    report = DemoReport()
    _alliances(report)
    home = _home(report)
    _pages(home, report)
    _site_contact(home)
    _accounts(report)
    from .leads import demo_leads_build

    report.leads = demo_leads_build()
    return report
