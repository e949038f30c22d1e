"""Whole-page cache for anonymous visitors of the public site.

Why: a Wagtail page served through the full Django stack under ASGI reaches about a quarter of the
requests/s of a trivial view (docs/performance.md). Public pages are identical for every anonymous
visitor, so they are rendered once and answered from the cache before any other middleware runs.

What is cached: only responses a view marked with :func:`mark_public` (Wagtail pages, public lists), to
``GET``/``HEAD`` requests that carry neither a session nor a messages cookie, with status 200 and no
cookie set. A signed-in officer never reads from or writes to this cache.

Invalidation: one generation token shared by all entries. Publishing, unpublishing, moving or deleting a
page, or changing alliance data, replaces the token after the transaction commits
(:func:`invalidate_public_pages`), so every process sees every page as stale at once. Entries also
expire after ``PUBLIC_PAGE_CACHE_SECONDS``.
"""

import hashlib
import uuid
from inspect import iscoroutinefunction

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.http import HttpResponse
from django.utils.decorators import sync_and_async_middleware

GENERATION_KEY = "public-pages:generation"
CACHE_ALIAS = "default"
HEADER = "X-Page-Cache"
_SKIP_HEADERS = {"set-cookie", "content-length", HEADER.lower()}


def mark_public(request, response):
    """Allow ``response`` to be cached for anonymous visitors; returns it for chaining.

    Previews, non-200 answers and anything rendered for a signed-in user are never marked.
    """
    user = getattr(request, "user", None)
    if (
        response.status_code == 200
        and not getattr(request, "is_preview", False)
        and not (user is not None and user.is_authenticated)
    ):
        response.public_cacheable = True
    return response


def invalidate_public_pages() -> None:
    """Make every cached page stale, after the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: _cache().set(GENERATION_KEY, uuid.uuid4().hex, None))


def _cache():
    return caches[CACHE_ALIAS]


def current_generation() -> str:
    """The token that changes whenever public content changes; other caches key on it too."""
    generation = _cache().get(GENERATION_KEY)
    if generation is None:
        _cache().add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = _cache().get(GENERATION_KEY)
    return generation


def _eligible(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _key(request) -> str:
    raw = f"{request.get_host()}|{request.path}|{request.META.get('QUERY_STRING', '')}"
    return "public-pages:" + hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _lookup(request):
    """The cached response for ``request``, or ``None``; stores the generation seen on the request."""
    key = _key(request)
    found = _cache().get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or current_generation()
    request._page_cache = (key, generation)
    entry = found.get(key)
    if entry is None or entry[0] != generation:
        return None
    _generation, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response.headers[name] = value
    response.headers[HEADER] = "hit"
    if request.method == "HEAD":
        response.content = b""
    return response


def _store(request, response) -> None:
    key, generation = request._page_cache
    if (
        not getattr(response, "public_cacheable", False)
        or response.status_code != 200
        or response.streaming
        or response.cookies
    ):
        return
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _SKIP_HEADERS]
    _cache().set(
        key, (generation, response.status_code, headers, response.content), settings.PUBLIC_PAGE_CACHE_SECONDS
    )
    response.headers[HEADER] = "miss"


def _is_local_memory() -> bool:
    return isinstance(_cache(), LocMemCache)


@sync_and_async_middleware
def PublicPageCacheMiddleware(get_response):
    """Answer cached public pages before the rest of the stack; store marked responses afterwards."""
    if iscoroutinefunction(get_response):
        # Local-memory lookups never block, so they run on the event loop; network caches go to a thread.
        local = _is_local_memory()
        lookup = _lookup if local else sync_to_async(_lookup, thread_sensitive=False)
        store = _store if local else sync_to_async(_store, thread_sensitive=False)

        async def middleware(request):
            if not _eligible(request):
                return await get_response(request)
            cached = lookup(request) if local else await lookup(request)
            if cached is not None:
                return cached
            response = await get_response(request)
            if local:
                store(request, response)
            else:
                await store(request, response)
            return response

        return middleware

    def middleware(request):
        if not _eligible(request):
            return get_response(request)
        cached = _lookup(request)
        if cached is not None:
            return cached
        response = get_response(request)
        _store(request, response)
        return response

    return middleware
