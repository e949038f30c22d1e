"""Reads for the public site."""

from django.db.models import Q
from wagtail.models import PageViewRestriction


def public_restriction_paths(request=None) -> tuple[str, ...]:
    """Tree paths of pages under a view restriction, read once per request.

    Wagtail's ``PageQuerySet.public()`` reads the restrictions table every time it is called; a page
    listing news, policies, alliances and the menu would read it four times.
    """
    cached = getattr(request, "_portal_restricted_paths", None) if request is not None else None
    if cached is not None:
        return cached
    paths = tuple(PageViewRestriction.objects.values_list("page__path", flat=True))
    if request is not None:
        request._portal_restricted_paths = paths
    return paths


def public_only(queryset, request=None):
    """``queryset`` without pages under a view restriction (the equivalent of ``.public()``)."""
    paths = public_restriction_paths(request)
    if not paths:
        return queryset
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return queryset.exclude(condition)
