"""Keeping the index current: publishing, unpublishing, moving, deleting and privacy changes re-index after
commit.

Work is collected per transaction and done once in ``transaction.on_commit``, so a rolled-back change
never reaches the index and a service that touches a lead five times re-indexes it once. Lead grants are
written with ``bulk_create`` (no signals), so a lead is also re-indexed whenever the lead itself or one of
its recipient rows changes in the same transaction — the grant is read afresh at commit.
"""

from __future__ import annotations

import logging
import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)
_pending = threading.local()


def _queue(kind: str, pk) -> None:
    """Re-index ``kind:pk`` when the current transaction commits (at once outside a transaction)."""
    if pk is None:
        return
    connection = transaction.get_connection()
    # A rolled-back transaction drops its callbacks: collect afresh unless our flush is still waiting.
    waiting = connection.in_atomic_block and any(entry[1] is _flush for entry in connection.run_on_commit)
    if not waiting or getattr(_pending, "items", None) is None:
        _pending.items = {(kind, pk)}
        transaction.on_commit(_flush)
    else:
        _pending.items.add((kind, pk))


def _flush() -> None:
    items = getattr(_pending, "items", None) or set()
    _pending.items = None
    for kind, pk in sorted(items):
        try:
            reindex_object(kind, pk)
        except Exception:  # the change itself is committed; the next search_reindex repairs the index
            logger.exception("search: re-indexing %s:%s failed", kind, pk)


def reindex_object(kind: str, pk) -> None:
    """Write the current state of one object to the index (or remove it when it should not be there)."""
    from search import types
    from search.registry import get_backend

    backend = get_backend()
    document = None
    if kind == "page":
        from wagtail.models import Page

        page = Page.objects.filter(pk=pk).first()
        document = types.page_document(page) if page else None
    elif kind == "agency":
        from alliances.models import Agency

        agency = Agency.objects.filter(pk=pk).first()
        document = types.agency_document(agency) if agency else None
    elif kind == "lead":
        from cases_exchange.models import CaseLead

        lead = CaseLead.objects.filter(pk=pk).first()
        document = types.lead_document(lead) if lead else None
    if document is None:
        backend.delete([f"{kind}:{pk}"])
    else:
        backend.index([document])


def _page_changed(sender, instance, **kwargs):
    _queue("page", instance.pk)
    alliance_id = getattr(instance.specific_deferred, "alliance_id", None)
    if alliance_id is not None:  # an alliance's page: its member agencies link to their entries on it
        from alliances.models import Membership

        for agency_id in Membership.objects.filter(alliance_id=alliance_id).values_list(
            "agency_id", flat=True
        ):
            _queue("agency", agency_id)


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        _queue("page", instance.pk)


def _queue_subtree(page) -> None:
    from wagtail.models import Page

    for pk in Page.objects.descendant_of(page, inclusive=True).live().values_list("pk", flat=True):
        _queue("page", pk)


def _privacy_changed(sender, instance, **kwargs):
    """A view restriction added or lifted: the page and every page below it (which the restriction covers)
    leave the public index or come back."""
    from wagtail.models import Page

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        _queue_subtree(page)


def _page_moved(sender, instance, **kwargs):
    """A page moved with the pages below it: new addresses, perhaps into (or out of) a private section."""
    _queue_subtree(instance)
    _page_changed(sender, instance)


def _agency_changed(sender, instance, **kwargs):
    _queue("agency", instance.pk)


def _alliance_changed(sender, instance, **kwargs):
    """An alliance renamed or described anew (in Chinese or English): its page's entry holds those words."""
    from portal.models import AlliancePage

    for pk in AlliancePage.objects.filter(alliance_id=instance.pk).values_list("pk", flat=True):
        _queue("page", pk)


def _lead_changed(sender, instance, **kwargs):
    _queue("lead", instance.pk)


def _lead_related_changed(sender, instance, **kwargs):
    _queue("lead", getattr(instance, "content_object_id", None) or getattr(instance, "lead_id", None))


def connect() -> None:
    from wagtail.models import PageViewRestriction

    from alliances.models import Agency, Alliance, Membership
    from cases_exchange.models import CaseLead, CaseLeadGroupObjectPermission, LeadRecipient

    page_published.connect(_page_changed, dispatch_uid="search-page-published")
    page_unpublished.connect(_page_changed, dispatch_uid="search-page-unpublished")
    post_delete.connect(_page_deleted, dispatch_uid="search-page-deleted")
    post_page_move.connect(_page_moved, dispatch_uid="search-page-moved")
    for signal in (post_save, post_delete):
        signal.connect(_privacy_changed, sender=PageViewRestriction, dispatch_uid=f"search-privacy-{signal}")
    post_save.connect(_alliance_changed, sender=Alliance, dispatch_uid="search-alliance-saved")
    for signal in (post_save, post_delete):
        signal.connect(_agency_changed, sender=Agency, dispatch_uid=f"search-agency-{signal}")
        signal.connect(_lead_changed, sender=CaseLead, dispatch_uid=f"search-lead-{signal}")
        for model in (CaseLeadGroupObjectPermission, LeadRecipient):
            signal.connect(
                _lead_related_changed, sender=model, dispatch_uid=f"search-{model.__name__}-{signal}"
            )
    for signal in (post_save, post_delete):
        signal.connect(
            lambda sender, instance, **kw: _queue("agency", instance.agency_id),
            sender=Membership,
            weak=False,
            dispatch_uid=f"search-membership-{signal}",
        )
