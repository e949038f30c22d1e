"""Labels for Wagtail admin form fields and table columns that Wagtail leaves without one.

A Django form field without ``label`` is shown under its name made pretty ("password" → "Password"), a
string that never passes through gettext, so no catalogue can translate it. These fields are in the
admin sign-in form, the rich-text link choosers (external, e-mail, phone and anchor links) and the page
rows of the group (page permissions) and workflow (assigned pages) forms. Wagtail's table columns do
the same with their names: the Sites listing showed "Port", "Site name" and "Root page". The document
upload screens said the size limit but not which formats are accepted, until a file was refused.
"""

from django import forms
from django.conf import settings
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm
from wagtail.admin.forms.choosers import (
    AnchorLinkChooserForm,
    EmailLinkChooserForm,
    ExternalLinkChooserForm,
    PhoneLinkChooserForm,
)
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.forms.workflows import WorkflowPageForm
from wagtail.documents.forms import BaseDocumentForm
from wagtail.models import Site
from wagtail.sites.views import IndexView as SiteIndexView
from wagtail.users.forms import PagePermissionsForm

from .ratelimit import RateLimitedSignIn


class AdminLoginForm(RateLimitedSignIn, LoginForm):
    """Wagtail's sign-in form (``WAGTAILADMIN_USER_LOGIN_FORM``) with a translated password label, rate
    limited as the portal's own sign-in is."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("密码")


#: (form, field name) → label, for the Wagtail form fields declared without a label.
FIELD_LABELS = {
    (ExternalLinkChooserForm, "link_text"): _("链接文字"),
    (AnchorLinkChooserForm, "link_text"): _("链接文字"),
    (EmailLinkChooserForm, "email_address"): _("电子邮件地址"),
    (EmailLinkChooserForm, "link_text"): _("链接文字"),
    (EmailLinkChooserForm, "subject"): _("邮件主题"),
    (EmailLinkChooserForm, "body"): _("邮件正文"),
    (PhoneLinkChooserForm, "phone_number"): _("电话号码"),
    (PhoneLinkChooserForm, "link_text"): _("链接文字"),
    (PagePermissionsForm, "page"): _("页面"),
    (WorkflowPageForm, "page"): _("页面"),
}


#: Columns of Wagtail's Sites listing declared without a label; they take the model field's verbose name,
#: which Wagtail's catalogue translates (端口号, 站点名称, 根页面).
SITE_COLUMNS_WITHOUT_LABEL = ("port", "site_name", "root_page")


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, saying the accepted formats beside the size limit before anything is chosen
    (the single and the multiple upload screens show the file field's help text)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            formats = _("允许的格式：%(formats)s。") % {"formats": ", ".join(settings.WAGTAILDOCS_EXTENSIONS)}
            self.fields["file"].help_text = f"{self.fields['file'].help_text} {formats}".strip()


def field_labels_apply() -> None:
    """Give those fields and columns translatable labels (run once from ``PortalConfig.ready``).

    Wagtail's views build these forms and tables straight from its own classes, so the class-level
    fields and columns are labelled in place; a label is only read when a page is rendered, and the
    lazy strings follow the request's language.
    """
    for (form_class, name), label in FIELD_LABELS.items():
        form_class.base_fields[name].label = label
    for column in SiteIndexView.columns:
        if column.name in SITE_COLUMNS_WITHOUT_LABEL:
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


class NativeDateInput(forms.DateInput):
    """A date box the browser checks, with its own calendar (on phones too). Wagtail's picker rewrote
    whatever was typed into some date — 2026年11月20日 became 2026-01-01, 2026-13-45 today — and the page
    was saved with it; the browser's date box holds only real dates, and the server refuses the rest."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def native_date_inputs_apply() -> None:
    """Date fields (not date-times) of every admin form — pages, snippets, settings — use
    :class:`NativeDateInput`."""
    register_form_field_override(models.DateField, override={"widget": NativeDateInput}, exact_class=True)
