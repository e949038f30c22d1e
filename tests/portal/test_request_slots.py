"""A server process works on at most REQUEST_CONCURRENCY requests at once; the rest wait, and all are
answered."""

import asyncio
import threading
import time

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from portal.middleware import request_slots_middleware


class Busy:
    """A view that records how many requests are inside it at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.inside = 0
        self.most = 0

    def enter(self):
        with self.lock:
            self.inside += 1
            self.most = max(self.most, self.inside)

    def leave(self):
        with self.lock:
            self.inside -= 1

    def view(self, seconds: float):
        """A view that stays inside for ``seconds``."""

        def view(request):
            self.enter()
            time.sleep(seconds)
            self.leave()
            return HttpResponse("ok")

        return view

    def async_view(self, seconds: float):
        """The same, waiting on the event loop."""

        async def view(request):
            self.enter()
            await asyncio.sleep(seconds)
            self.leave()
            return HttpResponse("ok")

        return view


@pytest.mark.parametrize("limit", [1, 2])
def test_threads_wait_for_a_slot(settings, limit):
    settings.REQUEST_CONCURRENCY = limit
    busy = Busy()

    middleware = request_slots_middleware(busy.view(0.05))
    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(middleware(RequestFactory().get("/")).status_code))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 6
    assert busy.most == limit


def test_event_loop_requests_wait_for_a_slot(settings):
    settings.REQUEST_CONCURRENCY = 2
    busy = Busy()

    middleware = request_slots_middleware(busy.async_view(0.05))

    async def many():
        return await asyncio.gather(*(middleware(RequestFactory().get("/")) for _ in range(6)))

    responses = asyncio.run(many())
    assert [r.status_code for r in responses] == [200] * 6
    assert busy.most == 2


def test_a_failing_request_gives_its_slot_back(settings):
    settings.REQUEST_CONCURRENCY = 1

    def view(request):
        if request.GET.get("fail"):
            raise ValueError("broken view")
        return HttpResponse("ok")

    middleware = request_slots_middleware(view)
    with pytest.raises(ValueError):
        middleware(RequestFactory().get("/", {"fail": "1"}))
    done = []
    thread = threading.Thread(target=lambda: done.append(middleware(RequestFactory().get("/")).status_code))
    thread.start()
    thread.join(timeout=5)
    assert done == [200]


def test_a_streamed_body_is_sent_after_the_slot_is_given_back(settings):
    settings.REQUEST_CONCURRENCY = 1
    middleware = request_slots_middleware(lambda request: StreamingHttpResponse(iter([b"a", b"b"])))
    first = middleware(RequestFactory().get("/"))
    # The first response's body has not been read yet; a second request still gets through.
    done = []
    thread = threading.Thread(target=lambda: done.append(middleware(RequestFactory().get("/")).status_code))
    thread.start()
    thread.join(timeout=5)
    assert done == [200]
    assert b"".join(first.streaming_content) == b"ab"


def test_zero_means_no_limit(settings):
    settings.REQUEST_CONCURRENCY = 0
    with pytest.raises(MiddlewareNotUsed):
        request_slots_middleware(lambda request: HttpResponse("ok"))


def test_a_client_that_hangs_up_keeps_the_slot_until_its_work_ends(settings):
    """Cancelling the request (the client went away) does not stop its view, so it must not free the
    slot: the next request waits until the abandoned work is done."""
    settings.REQUEST_CONCURRENCY = 1
    busy = Busy()

    middleware = request_slots_middleware(busy.async_view(0.1))

    async def hang_up_then_ask_again():
        first = asyncio.ensure_future(middleware(RequestFactory().get("/")))
        await asyncio.sleep(0.02)
        first.cancel()
        return await middleware(RequestFactory().get("/"))

    assert asyncio.run(hang_up_then_ask_again()).status_code == 200
    assert busy.most == 1
    assert busy.inside == 0
