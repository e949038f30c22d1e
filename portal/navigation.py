"""The site's main menu and breadcrumbs, with labels in the interface language.

The menu lists the home page's live, public children marked "show in menus". Their English labels live
on the specific page models, which costs one query per page type; the finished menu is therefore cached
per host and language and keyed on the public-content generation (``portal.cache``), so it is rebuilt
only after something public changes.
"""

from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.models import Page, Site

from .cache import current_generation
from .languages import in_interface_language
from .selectors import public_only


def main_menu(request) -> list[dict]:
    """``[{"title", "url", "path"}, …]`` for home and its menu children, in tree order."""
    # Keyed by host rather than by Site, so that a cached menu costs no Site lookup (a query per
    # request otherwise); the host is already validated against ALLOWED_HOSTS.
    language = get_language() or ""
    key = f"portal:menu:{request.get_host()}:{language}:{current_generation()}"
    items = cache.get(key)
    if items is None:
        site = Site.find_for_request(request)
        if site is None:
            return []
        root = site.root_page.specific
        children = (
            public_only(Page.objects.child_of(root).live().in_menu(), request).order_by("path").specific()
        )
        items = [
            {
                "title": root.label if hasattr(root, "label") else root.title,
                "url": root.get_url(request),
                "path": root.path,
            }
        ]
        items += [
            {"title": getattr(c, "label", c.title), "url": c.get_url(request), "path": c.path}
            for c in children
        ]
        cache.set(key, items, 3600)
    return items


def breadcrumbs(page) -> list:
    """Ancestors of ``page`` below the tree root, as specific pages (for their interface labels)."""
    return list(page.get_ancestors().filter(depth__gte=2).specific())


CONTACT_FIELDS = ("organisation", "address", "organisation_en", "address_en", "phone", "email", "icp_number")


def site_contact(request) -> dict:
    """The footer's contact details (``SiteContact`` of the request's site), cached per host on the
    public-content generation, which saving the setting or a site replaces."""
    key = f"portal:contact:{request.get_host()}:{current_generation()}"
    contact = cache.get(key)
    if contact is None:
        from .models import SiteContact

        site = Site.find_for_request(request)
        setting = SiteContact.for_site(site) if site is not None else None
        contact = {name: getattr(setting, name, "") for name in CONTACT_FIELDS}
        cache.set(key, contact, 3600)
    return {
        **contact,
        # In the page's language: the English an editor wrote on English pages, else the Chinese.
        "organisation_label": in_interface_language(
            contact["organisation"], contact.get("organisation_en", "")
        ),
        "address_label": in_interface_language(contact["address"], contact.get("address_en", "")),
    }
