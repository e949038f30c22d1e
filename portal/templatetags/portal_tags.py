"""Template tags of the public site."""

from django import template
from wagtail.models import Page

from portal import navigation
from portal.languages import name_list, on_english_pages

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context, current_page=None):
    """Menu items (``portal.navigation.main_menu``) with ``current`` marking the section being shown."""
    request = context.get("request")
    if request is None:
        return []
    current_path = current_page.path if isinstance(current_page, Page) else None
    items = []
    for index, item in enumerate(navigation.main_menu(request)):
        if index == 0:
            current = current_path == item["path"]
        else:
            current = current_path is not None and current_path.startswith(item["path"])
        items.append({**item, "current": current})
    return items


@register.simple_tag(takes_context=True)
def site_contact(context):
    """The footer's contact details (``portal.navigation.site_contact``)."""
    request = context.get("request")
    return navigation.site_contact(request) if request is not None else {}


@register.simple_tag
def ancestors(page):
    """The breadcrumb trail above ``page`` (home first), with interface-language labels."""
    return navigation.breadcrumbs(page)


@register.filter
def label(page):
    """A page's title in the interface language."""
    return getattr(page, "label", None) or page.title


@register.filter
def cn_date(value):
    """A date as 2026年11月21日 in Chinese, 2026-11-21 otherwise."""
    if not value:
        return ""
    if not on_english_pages():
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with ``changes`` applied.

    ``{% query_with page=2 %}`` on ``?year=2022`` gives ``?year=2022&page=2``; an empty value drops the key.
    """
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        from django.http import QueryDict

        params = QueryDict(mutable=True)
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def capped(value):
    """Show a ``(count, more)`` pair from ``portal.pagination.capped_count`` as ``12`` or ``999+``."""
    count, more = value
    return f"{count}+" if more else str(count)


_fragments: dict[tuple[str, str], str] = {}


@register.tag
def static_fragment(parser, token):
    """``{% static_fragment "name" %}…{% endstatic_fragment %}``: render the enclosed template once per
    language and process, and reuse the HTML.

    For parts that depend on nothing but the code and the language — an unbound form's fields, say,
    whose widgets Django renders through a template each: about a millisecond per page for a form of
    seven fields. Never put anything from the request, the user or the database inside.
    """
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("static_fragment takes one argument: a quoted name")
    nodelist = parser.parse(("endstatic_fragment",))
    parser.delete_first_token()
    return StaticFragmentNode(bits[1].strip("\"'"), nodelist)


class StaticFragmentNode(template.Node):
    def __init__(self, name, nodelist):
        self.name, self.nodelist = name, nodelist

    def render(self, context):
        from django.utils.safestring import mark_safe
        from django.utils.translation import get_language

        key = (self.name, get_language() or "")
        html = _fragments.get(key)
        if html is None:
            html = _fragments[key] = self.nodelist.render(context)
        return mark_safe(html)


@register.simple_tag
def colon():
    """The mark between a label and its value: full-width "：" in Chinese, ": " in English."""
    from django.utils.translation import pgettext

    return pgettext("between a label and its value", "：")


@register.simple_tag
def messages_for(messages, section=""):
    """The messages about one part of a page (``extra_tags`` names it: "attachments"), or with ``""`` those
    about no part, for the top of the page. Each is shown in one place only."""
    return [m for m in messages or () if (m.extra_tags or "") == section]


@register.filter
def refusals_apart(messages):
    """Some messages in groups ``(refused, messages)``, refusals (errors) first: a refusal is shown apart,
    read out and focused on arrival; the rest are quiet status lines. Empty groups are left out."""
    from django.contrib.messages import constants

    messages = list(messages or ())
    groups = [(True, [m for m in messages if m.level >= constants.ERROR])]
    groups.append((False, [m for m in messages if m.level < constants.ERROR]))
    return [(refused, group) for refused, group in groups if group]


@register.filter
def phone(number):
    """A stored phone number as people write it (``portal.identifiers.format_phone``)."""
    from portal.identifiers import format_phone

    return format_phone(str(number or ""))


@register.filter(name="name_list")
def name_list_filter(names):
    """Names joined as a sentence in the page's language lists them (``portal.languages.name_list``)."""
    return name_list(names)
