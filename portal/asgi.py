"""ASGI entry point: HTTP through Django, websockets through Channels (origin-checked, session auth)."""

import os
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


threading.Thread(target=_warm_up_search, name="search-warm-up", daemon=True).start()

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
