"""How many requests a process works on at once, request language for API clients, and the
Content-Security-Policy of the site's pages.

Pages carry their language in the URL (``/`` Chinese, ``/en/`` English). The API has no URL prefix, so
its error messages follow the client's ``Accept-Language`` header instead (Chinese by default).
"""

import asyncio
import threading
from inspect import iscoroutinefunction

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.utils import translation
from django.utils.decorators import sync_and_async_middleware


@sync_and_async_middleware
def request_slots_middleware(get_response):
    """Let at most ``REQUEST_CONCURRENCY`` requests of this process past this point at a time; the rest
    wait their turn (0 lets every request through).

    Under ASGI Django runs each request's view in a thread of its own, and one process's threads share one
    interpreter lock: eight pages worked on at once finish no sooner than eight worked on one after the
    other, and the switching between them costs throughput besides. Waiting here holds no thread, no
    database connection and no lock. A response's body is sent after the slot is given back, so a long
    download never holds one. Cached public pages are answered before this point, without waiting.
    """
    limit = settings.REQUEST_CONCURRENCY
    if not limit:
        raise MiddlewareNotUsed
    if iscoroutinefunction(get_response):
        waiting_room = asyncio.Semaphore(limit)

        def leave(task):
            waiting_room.release()
            if not task.cancelled():
                task.exception()  # retrieved, so an abandoned request's error is not reported twice

        async def middleware(request):
            await waiting_room.acquire()
            # The slot is the work's, not the connection's: a client that hangs up cancels this coroutine,
            # but its view runs on in its thread, so the slot is given back only when the work ends.
            work = asyncio.ensure_future(get_response(request))
            work.add_done_callback(leave)
            return await asyncio.shield(work)

    else:
        slots = threading.BoundedSemaphore(limit)

        def middleware(request):
            with slots:
                return get_response(request)

    return middleware


def _activate_for_api(request) -> None:
    if request.path_info.startswith("/api/"):
        translation.activate(translation.get_language_from_request(request, check_path=False))
        request.LANGUAGE_CODE = translation.get_language()


@sync_and_async_middleware
def api_language_middleware(get_response):
    # Both flavours, so that under ASGI this costs no thread switch.
    if iscoroutinefunction(get_response):

        async def middleware(request):
            _activate_for_api(request)
            return await get_response(request)

    else:

        def middleware(request):
            _activate_for_api(request)
            return get_response(request)

    return middleware


def _with_policy(request, response):
    policy = settings.CONTENT_SECURITY_POLICY
    if (
        policy
        and response.get("Content-Type", "").startswith("text/html")
        and not request.path_info.startswith(settings.CONTENT_SECURITY_POLICY_EXEMPT)
    ):
        response.headers.setdefault("Content-Security-Policy", policy)
    return response


@sync_and_async_middleware
def content_security_policy_middleware(get_response):
    """Every HTML page of the site says where its scripts, styles, images and connections may come from:
    the site itself (its templates hold no inline script or style), so injected markup cannot run. The
    Wagtail admin, which relies on inline scripts, is exempt (``CONTENT_SECURITY_POLICY_EXEMPT``)."""
    if iscoroutinefunction(get_response):

        async def middleware(request):
            return _with_policy(request, await get_response(request))

    else:

        def middleware(request):
            return _with_policy(request, get_response(request))

    return middleware
