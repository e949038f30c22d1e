"""ASGI entry point: HTTP through Django, websockets through Channels (origin-checked, session auth)."""

import os
import re
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()  # set up Django before importing consumers

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from .routing import websocket_urlpatterns  # noqa: E402


def _warm_up_search() -> None:
    """Load the Chinese analysis pipeline (jieba's dictionary, pinyin and traditional-character tables:
    about a second) while the server starts, instead of inside the first request that indexes or searches —
    typically the first lead sent after a restart, whose recipients would wait that long for the push."""
    from search import analysis

    analysis.analyse_text("淮海经济区知识产权保护联盟")
    analysis.analyse_query("pixian douban 地理標誌")


#: What the server answers a request whose first line or one of whose headers is longer than it reads
#: (Twisted, under daphne: 16 KB — a search address of about 1,800 Chinese characters once percent-encoded,
#: or an oversized cookie). Twisted on its own closes such a connection without a word.
TOO_LONG_TEXT = (
    "请求地址或请求头过长（超过 16 KB），请缩短搜索词后重试。\n"
    "The request line or a header is too long (over 16 KB); please shorten the search and try again.\n"
).encode()


def _answer_overlong_lines() -> None:
    """Under daphne, answer 414 (address) or 431 (header) to a line Twisted will not read, in Chinese and
    English, instead of dropping the connection."""
    try:
        from twisted.web.http import HTTPChannel
    except ImportError:  # served by another ASGI server, which answers such requests itself
        return

    def line_length_exceeded(channel, line: bytes) -> None:
        first_line = re.match(rb"[A-Z]+ ", line)
        status = b"414 URI Too Long" if first_line else b"431 Request Header Fields Too Large"
        channel.transport.write(
            b"HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n%s" % (status, len(TOO_LONG_TEXT), TOO_LONG_TEXT)
        )
        # Closing while the client is still sending the rest of its request would reset the connection and
        # lose the answer: close only our side, read and drop what still arrives, give up after ten seconds.
        # The channel stops being the connection's producer first, as Twisted's own close does: a paused
        # producer would be resumed instead of the write side closed.
        channel.dataReceived = lambda data: None
        channel.setTimeout(10)
        channel.transport.unregisterProducer()
        channel.transport.loseWriteConnection()

    HTTPChannel.lineLengthExceeded = line_length_exceeded
    # Twisted also refuses, with a bare 400, a request whose first line and headers together pass 16 KB — an
    # address of 15 KB with a browser's usual headers and cookies. Only a single line past 16 KB is refused
    # now, and with the answer above.
    HTTPChannel.totalHeadersSize = 4 * HTTPChannel.MAX_LENGTH


_answer_overlong_lines()
threading.Thread(target=_warm_up_search, name="search-warm-up", daemon=True).start()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
