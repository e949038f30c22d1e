"""Signal wiring of the portal app: public-page cache invalidation on every public content change."""

from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from .cache import invalidate_public_pages


def _invalidate(**kwargs):
    invalidate_public_pages()


def _invalidate_on_setting(sender, **kwargs):
    # A site's host name or root page decides which cached menu and pages a host gets.
    if issubclass(sender, (BaseSiteSetting, Site)):
        invalidate_public_pages()


def _invalidate_on_page_delete(sender, instance, **kwargs):
    if (isinstance(instance, Page) and instance.live) or isinstance(instance, Site):
        invalidate_public_pages()


def _invalidate_on_restriction(sender, instance, **kwargs):
    # A page made private (or public again) after it was cached: no visitor may keep reading the copy.
    invalidate_public_pages()


def connect():
    """Called from ``PortalConfig.ready``; ``dispatch_uid`` keeps repeated calls harmless."""
    page_published.connect(_invalidate, dispatch_uid="portal-cache-published")
    page_unpublished.connect(_invalidate, dispatch_uid="portal-cache-unpublished")
    page_slug_changed.connect(_invalidate, dispatch_uid="portal-cache-slug")
    post_page_move.connect(_invalidate, dispatch_uid="portal-cache-move")
    post_delete.connect(_invalidate_on_page_delete, dispatch_uid="portal-cache-delete")
    post_save.connect(_invalidate_on_setting, dispatch_uid="portal-cache-settings")
    for signal in (post_save, post_delete):
        signal.connect(
            _invalidate_on_restriction,
            sender=PageViewRestriction,
            dispatch_uid=f"portal-cache-privacy-{signal}",
        )
