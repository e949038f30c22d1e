"""The Wagtail admin is Chinese on the screens editors, reviewers and administrators use.

Wagtail's zh_Hans catalogues are incomplete (PITFALLS 9); ``portal/locale/zh_Hans`` fills the gaps. These
tests render the key admin screens with the test client, each as the user who works there, and fail when
one shows a Wagtail message in English (``tests/admin_i18n.py`` says how that is recognised). They also
check the catalogues themselves and the few labels that needed code rather than a translation.
"""

import io
import re

import polib
import pytest

from tests.admin_i18n import (
    DOMAINS,
    PLACEHOLDER,
    PORTAL_ZH,
    TAG,
    AdminText,
    EnglishFinder,
    Message,
    english_on_page,
    js_catalogue_from_source,
    page_html,
    wagtail_messages,
)

pytestmark = pytest.mark.django_db


# --- Fixtures: the demo site in the states the admin screens show --------------------------------


@pytest.fixture
def admin_site(demo):
    """The demo site plus what the key screens need: an image, a document, a news page whose new
    revision awaits review (submitted by the editor) and a page locked by the administrator."""
    from types import SimpleNamespace

    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.documents.models import Document
    from wagtail.images.models import Image
    from wagtail.models import Site, Workflow

    from alliances.models import Agency, Alliance
    from portal.models import NewsIndexPage, NewsPage, PolicyIndexPage, User

    admin = User.objects.get(username="admin")
    editor = User.objects.get(username="editor")
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), "red").save(buffer, "PNG")
    image = Image.objects.create(
        title="会议现场", file=ImageFile(io.BytesIO(buffer.getvalue()), name="meeting.png")
    )
    document = Document.objects.create(title="工作方案", file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"))

    news = list(NewsPage.objects.order_by("pk"))
    in_review = news[1]
    in_review.title = in_review.title + "（修订）"
    in_review.save_revision(user=editor)
    workflow_state = Workflow.objects.get().start(in_review, editor)
    locked = news[2]
    locked.locked, locked.locked_by, locked.locked_at = True, admin, in_review.latest_revision.created_at
    locked.save(update_fields=["locked", "locked_by", "locked_at"])
    return SimpleNamespace(
        home=demo.home,
        news_index=NewsIndexPage.objects.get(),
        policy_index=PolicyIndexPage.objects.get(),
        news=news[0],
        policy=demo.policy,
        in_review=in_review,
        task_state=workflow_state.current_task_state,
        locked=locked,
        image=image,
        document=document,
        alliance=Alliance.objects.get(code="HH"),
        agency=Agency.objects.order_by("pk").first(),
        editor=editor,
        editors_group=editor.groups.get(),
        site=Site.objects.get(is_default_site=True),
    )


def signed_in(client, username: str):
    from portal.models import User

    client.force_login(User.objects.get(username=username))
    return client


# --- The screens ------------------------------------------------------------------------------------

SCREENS = {
    # name: (user, URL built from the admin_site fixture)
    "sign-in": (None, lambda s: "/admin/login/"),
    "password reset": (None, lambda s: "/admin/password_reset/"),
    "dashboard (admin)": ("admin", lambda s: "/admin/"),
    "dashboard (editor)": ("editor", lambda s: "/admin/"),
    "dashboard (reviewer)": ("reviewer", lambda s: "/admin/"),
    "explorer root": ("admin", lambda s: "/admin/pages/"),
    "explorer home": ("admin", lambda s: f"/admin/pages/{s.home.pk}/"),
    "explorer news (editor)": ("editor", lambda s: f"/admin/pages/{s.news_index.pk}/"),
    "explorer policies (reviewer)": ("reviewer", lambda s: f"/admin/pages/{s.policy_index.pk}/"),
    "edit news page (editor)": ("editor", lambda s: f"/admin/pages/{s.news.pk}/edit/"),
    "edit policy document (editor)": ("editor", lambda s: f"/admin/pages/{s.policy.pk}/edit/"),
    "edit page in review (editor)": ("editor", lambda s: f"/admin/pages/{s.in_review.pk}/edit/"),
    "edit page in review (reviewer)": ("reviewer", lambda s: f"/admin/pages/{s.in_review.pk}/edit/"),
    "edit locked page (admin)": ("admin", lambda s: f"/admin/pages/{s.locked.pk}/edit/"),
    "create news page (editor)": (
        "editor",
        lambda s: f"/admin/pages/add/portal/newspage/{s.news_index.pk}/",
    ),
    "create policy document (admin)": (
        "admin",
        lambda s: f"/admin/pages/add/portal/policydocumentpage/{s.policy_index.pk}/",
    ),
    "page history": ("editor", lambda s: f"/admin/pages/{s.news.pk}/history/"),
    "workflow history": ("editor", lambda s: f"/admin/pages/{s.in_review.pk}/workflow_history/"),
    "approve dialog (reviewer)": (
        "reviewer",
        lambda s: f"/admin/pages/workflow/action/{s.in_review.pk}/approve/{s.task_state.pk}/",
    ),
    "request changes dialog (reviewer)": (
        "reviewer",
        lambda s: f"/admin/pages/workflow/action/{s.in_review.pk}/reject/{s.task_state.pk}/",
    ),
    "unpublish confirmation": ("admin", lambda s: f"/admin/pages/{s.news.pk}/unpublish/"),
    "delete confirmation": ("admin", lambda s: f"/admin/pages/{s.news.pk}/delete/"),
    "move page": ("admin", lambda s: f"/admin/pages/{s.news.pk}/move/"),
    "copy page": ("admin", lambda s: f"/admin/pages/{s.news.pk}/copy/"),
    "page usage": ("admin", lambda s: f"/admin/pages/{s.news.pk}/usage/"),
    "page privacy dialog": ("admin", lambda s: f"/admin/pages/{s.news.pk}/privacy/"),
    "admin search (editor)": ("editor", lambda s: "/admin/pages/search/?q=知识产权"),
    "admin search without results": ("editor", lambda s: "/admin/pages/search/?q=zzzz"),
    "alliances": ("admin", lambda s: "/admin/snippets/alliances/alliance/"),
    "alliance edit": ("admin", lambda s: f"/admin/snippets/alliances/alliance/edit/{s.alliance.pk}/"),
    "alliance create": ("admin", lambda s: "/admin/snippets/alliances/alliance/add/"),
    "alliance history": ("admin", lambda s: f"/admin/snippets/alliances/alliance/history/{s.alliance.pk}/"),
    "agencies": ("admin", lambda s: "/admin/snippets/alliances/agency/"),
    "agency edit": ("admin", lambda s: f"/admin/snippets/alliances/agency/edit/{s.agency.pk}/"),
    "agency create": ("admin", lambda s: "/admin/snippets/alliances/agency/add/"),
    "images (editor)": ("editor", lambda s: "/admin/images/"),
    "image edit": ("admin", lambda s: f"/admin/images/{s.image.pk}/"),
    "image upload": ("editor", lambda s: "/admin/images/multiple/add/"),
    "documents (editor)": ("editor", lambda s: "/admin/documents/"),
    "document edit": ("admin", lambda s: f"/admin/documents/edit/{s.document.pk}/"),
    "document upload": ("editor", lambda s: "/admin/documents/multiple/add/"),
    "users": ("admin", lambda s: "/admin/users/"),
    "user create": ("admin", lambda s: "/admin/users/new/"),
    "user edit": ("admin", lambda s: f"/admin/users/edit/{s.editor.pk}/"),
    "groups": ("admin", lambda s: "/admin/groups/"),
    "group create": ("admin", lambda s: "/admin/groups/new/"),
    "group edit": ("admin", lambda s: f"/admin/groups/edit/{s.editors_group.pk}/"),
    "sites": ("admin", lambda s: "/admin/sites/"),
    "site contact settings": ("admin", lambda s: f"/admin/settings/portal/sitecontact/{s.site.pk}/"),
    "workflows": ("admin", lambda s: "/admin/workflows/list/"),
    "workflow edit": ("admin", lambda s: f"/admin/workflows/edit/{s.task_state.workflow_state.workflow_id}/"),
    "workflow tasks": ("admin", lambda s: "/admin/workflows/tasks/index/"),
    "workflow task edit": ("admin", lambda s: f"/admin/workflows/tasks/edit/{s.task_state.task_id}/"),
    "account (editor)": ("editor", lambda s: "/admin/account/"),
    "account (reviewer)": ("reviewer", lambda s: "/admin/account/"),
    "report: locked pages": ("admin", lambda s: "/admin/reports/locked/"),
    "report: aging pages": ("admin", lambda s: "/admin/reports/aging-pages/"),
    "report: site history": ("admin", lambda s: "/admin/reports/site-history/"),
    "report: workflows (reviewer)": ("reviewer", lambda s: "/admin/reports/workflow/"),
    "report: workflow tasks": ("admin", lambda s: "/admin/reports/workflow_tasks/"),
    "report: page types": ("admin", lambda s: "/admin/reports/page-types-usage/"),
    "page chooser": ("editor", lambda s: "/admin/choose-page/"),
    "image chooser": ("editor", lambda s: "/admin/images/chooser/"),
    "document chooser": ("editor", lambda s: "/admin/documents/chooser/"),
    "external link chooser": ("editor", lambda s: "/admin/choose-external-link/"),
    "e-mail link chooser": ("editor", lambda s: "/admin/choose-email-link/"),
    "phone link chooser": ("editor", lambda s: "/admin/choose-phone-link/"),
    "anchor link chooser": ("editor", lambda s: "/admin/choose-anchor-link/"),
}


@pytest.mark.parametrize("screen", list(SCREENS))
def test_admin_screen_shows_no_english_wagtail_message(client, admin_site, screen):
    """Each key admin screen, seen by the user who works there, shows Wagtail's messages in Chinese."""
    user, url = SCREENS[screen]
    if user:
        signed_in(client, user)
    html = page_html(client.get(url(admin_site)))
    assert english_on_page(html) == []


def test_submitting_approving_and_publishing_report_in_chinese(client, admin_site, mailoutbox):
    """The moderation flow's confirmations, dashboards and notification subjects: the editor submits a
    page for review, the reviewer approves it, and the administrator publishes another page directly."""
    from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

    def submit_edit_form(page, action):
        html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()
        form = querydict_from_html(html, "page-edit-form")
        # The StreamField's inputs are built by JavaScript, so its data is written out here.
        form.update(
            nested_form_data(
                {"body": streamfield([("paragraph", rich_text("<p>正文。</p>"))]), "body_en": streamfield([])}
            )
        )
        form[action] = "1"
        response = client.post(f"/admin/pages/{page.pk}/edit/", form, follow=True)
        assert response.redirect_chain, "the edit form was not accepted"
        return response.content.decode()

    signed_in(client, "editor")
    submitted = submit_edit_form(admin_site.news, "action-submit")
    assert "已经提交进行审核" in submitted
    assert english_on_page(submitted) == []

    assert mailoutbox, "reviewers were not notified"
    for mail in mailoutbox:
        assert english_on_page(mail.subject) == []

    signed_in(client, "reviewer")
    dashboard = client.get("/admin/").content.decode()
    assert admin_site.news.title in dashboard
    assert english_on_page(dashboard) == []
    task_state = admin_site.news.current_workflow_task_state
    approved = client.post(
        f"/admin/pages/workflow/action/{admin_site.news.pk}/approve/{task_state.pk}/",
        {"comment": ""},
        follow=True,
    )
    assert english_on_page(page_html(approved)) == []
    admin_site.news.refresh_from_db()
    assert admin_site.news.current_workflow_state is None  # approved: the workflow is finished

    signed_in(client, "admin")
    published = submit_edit_form(admin_site.policy, "action-publish")
    assert "已发布" in published
    assert english_on_page(published) == []


# --- The catalogues ---------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_wagtail_message_of_the_installed_apps_has_a_chinese_translation(domain):
    """Also catches messages a Wagtail upgrade adds: translate them in portal/locale/zh_Hans."""
    untranslated = [m.msgid for m in wagtail_messages() if m.domain == domain and not m.translated]
    assert untranslated == []


def test_admin_javascript_catalogue_serves_the_project_translations(client):
    """/admin/jsi18n/ (Django's JavaScriptCatalog for wagtail.admin) includes portal/locale/zh_Hans's
    djangojs entries on top of Wagtail's own."""
    signed_in(client, "editor")
    catalogue = js_catalogue_from_source(client.get("/admin/jsi18n/").content.decode())
    ours = polib.pofile(str(PORTAL_ZH / "djangojs.po"))
    assert len(ours) > 0
    for entry in ours:
        expected = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        served = catalogue.get(entry.msgid)
        assert (served[0] if isinstance(served, list) else served) == expected, entry.msgid
    assert catalogue["Insert a block"] == "插入区块"
    assert catalogue["Save"] == "保存"  # Wagtail's own translations are still served


@pytest.mark.parametrize("domain", DOMAINS)
def test_compiled_overrides_match_the_po_file(domain):
    """The committed .mo is compiled from the committed .po (compilemessages was run)."""
    import gettext

    catalogue = polib.pofile(str(PORTAL_ZH / f"{domain}.po"))
    with (PORTAL_ZH / f"{domain}.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue:
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 2) == entry.msgstr_plural[0]
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


@pytest.mark.parametrize("domain", DOMAINS)
def test_overrides_keep_every_placeholder_and_tag_of_the_english_message(domain):
    """A translation that drops or renames ``%(name)s``, ``{name}`` or an HTML tag breaks the screen."""
    for entry in polib.pofile(str(PORTAL_ZH / f"{domain}.po")):
        translated = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        english = entry.msgid_plural or entry.msgid
        assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(english)), entry.msgid
        assert sorted(TAG.findall(translated)) == sorted(TAG.findall(english)), entry.msgid


# --- The check itself -------------------------------------------------------------------------------


def test_english_finder_catches_untranslated_and_bypassed_messages_but_not_chinese():
    """The page check recognises an untranslated message with its placeholders filled in, a translated
    message shown in English, labels capitalised by Django, and English inside JSON block data."""
    html = """
        <h2>Sort by 'Title' in ascending order.</h2>
        <label>Password</label>
        <p title="Site name">站点</p>
        <div data-w-block-data-value='{"label": "&lt;span&gt;Choose a page&lt;/span&gt;"}'></div>
        <p>按“标题”升序排列。</p><p>密码</p><p>Wagtail</p>
    """
    finder = EnglishFinder(
        [
            Message("%(time)s by %(user_display_name)s", "", None, "django", translated=True),
            Message("Sort by '%(label)s' in ascending order.", "", None, "django", translated=False),
            Message("Password", "", None, "django", translated=True),
            Message("site name", "", None, "django", translated=True),
            Message("Choose a page", "", None, "django", translated=True),
        ]
    )
    shown = [finder.find(text) for _, text in AdminText.read(html)]
    assert [m.msgid for m in shown if m] == [
        "Sort by '%(label)s' in ascending order.",
        "Password",
        "site name",
        "Choose a page",
    ]


def test_sign_in_page_labels_password_in_chinese(client):
    html = client.get("/admin/login/").content.decode()
    assert re.search(r"<label[^>]*>\s*密码", html)
    assert not re.search(r">\s*Password\s*<", html)


def test_link_chooser_fields_have_chinese_labels(client):
    signed_in(client, "editor")
    external = page_html(client.get("/admin/choose-external-link/"))
    email = page_html(client.get("/admin/choose-email-link/"))
    assert "链接文字" in external
    for label in ("电子邮件地址", "邮件主题", "邮件正文"):
        assert label in email


def test_default_workflow_and_root_page_have_chinese_names(client, admin_site):
    """Wagtail's migrations name them in English; after ``migrate`` the submit button reads 提交给内容审核."""
    from wagtail.models import Page, Task, Workflow

    from portal.services import WAGTAIL_DEFAULT_NAMES_ZH

    assert Page.objects.get(depth=1).title == WAGTAIL_DEFAULT_NAMES_ZH["root"]
    assert Workflow.objects.get().name == WAGTAIL_DEFAULT_NAMES_ZH["workflow"]
    assert Task.objects.get().name == WAGTAIL_DEFAULT_NAMES_ZH["task"]
    signed_in(client, "editor")
    assert "提交给内容审核" in client.get(f"/admin/pages/{admin_site.news.pk}/edit/").content.decode()


def test_localising_wagtail_defaults_renames_english_defaults_and_keeps_chosen_names(admin_site):
    from wagtail.models import Task, Workflow

    from portal.services import wagtail_defaults_localise

    Workflow.objects.update(name="两级审核")
    Task.objects.update(name="Moderators approval")
    wagtail_defaults_localise()
    assert Workflow.objects.get().name == "两级审核"
    assert Task.objects.get().name == "审核人审批"


def test_admin_date_fields_hold_only_real_dates(client, admin_site):
    from bs4 import BeautifulSoup
    from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

    signed_in(client, "admin")
    path = f"/admin/pages/{admin_site.policy.pk}/edit/"
    html = client.get(path).content.decode()
    box = BeautifulSoup(html, "html.parser").select_one('input[name="issued_on"]')
    assert box["type"] == "date"  # the browser's own date box: typed text that is no date is not taken
    form = querydict_from_html(html, "page-edit-form")
    form.update(nested_form_data({"body": streamfield([("paragraph", rich_text("<p>正文。</p>"))])}))
    issued_on = admin_site.policy.issued_on
    form["issued_on"] = "2026-13-45"  # typed past the date box, as a script could
    form["action-publish"] = "1"
    refused = client.post(path, form)
    assert "有效的日期" in refused.content.decode()  # the page is shown again with the reason
    admin_site.policy.refresh_from_db()
    assert admin_site.policy.issued_on == issued_on  # and nothing was published
    # Snippets too: the alliance's founding date.
    from alliances.models import Alliance

    alliance = Alliance.objects.get(code="HH")
    edit = client.get(f"/admin/snippets/alliances/alliance/edit/{alliance.pk}/")
    assert edit.status_code == 200
    box = BeautifulSoup(edit.content.decode(), "html.parser").select_one('input[name="founded_on"]')
    assert box["type"] == "date"
    assert box["value"] == alliance.founded_on.isoformat()


def test_the_reviewers_menu_reads_as_one_phrase():
    """Wagtail's Chinese joins the task's action and 发布 with a stray space and 和: 批准 和发布."""
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override("zh-hans"):
        labels = [
            gettext("%(label)s and Publish") % {"label": gettext(a)}
            for a in ("Approve", "Approve with comment")
        ]
    assert labels == ["批准并发布", "带评论批准并发布"]


def test_the_admin_offers_no_help_link_to_the_internet(client, demo):
    """guide.wagtail.org is out of reach of a government network: the help menu keeps the shortcuts."""
    from portal.models import User

    client.force_login(User.objects.get(username="editor"))
    page = client.get("/admin/").content.decode()
    assert "guide.wagtail.org" not in page
    assert "wagtail.org" not in page
    assert "keyboard-shortcuts-trigger" in page


@pytest.mark.parametrize("path", ["/admin/documents/multiple/add/", "/admin/documents/add/"])
def test_the_document_upload_screens_say_the_accepted_formats_before_an_upload(client, admin_site, path):
    from django.conf import settings

    html = page_html(signed_in(client, "editor").get(path))
    assert "允许的格式：" in html
    assert ", ".join(settings.WAGTAILDOCS_EXTENSIONS) in html
    assert "最大文件大小" in html  # Wagtail's size limit stays beside them
