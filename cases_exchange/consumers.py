"""``/ws/notifications/``: pushes the ids of a signed-in user's new notifications and replays missed ones.

Security: the router is wrapped in ``AllowedHostsOriginValidator`` and ``AuthMiddlewareStack``
(portal/asgi.py); anonymous connections are closed with code 4401. Each user listens on their own group
``user_<id>``. A message carries an id and a kind, after checking that the notification still concerns
a lead the user may see; its content is fetched over HTTP through the same policy.

Protocol (JSON): the client sends ``{"type": "hello", "last_id": N}`` (``null``: only new ones) and receives
``{"type": "notification", "id": …, "kind": …}`` for every notification after ``N`` (replay, then
``{"type": "replayed"}``) and for every new one; ``{"type": "ping"}`` is answered with ``{"type": "pong"}``.

Ordering: notification ids are allocated in commit order (``audit.chain_lock``), but pushes from several
server processes reach the channel layer in any order. Each push carries the user's previous notification
id; when the connection has already covered that one, nothing can be missing and the push is forwarded
as it is. Otherwise the consumer reads the user's rows after its high-water mark from the database, in id
order. Either way what a connection sends is gap-free and in order, and a client may safely reconnect
with the highest id it has seen. (A push concerns a lead its recipient could see when it was written;
replays check visibility again, and the content is always fetched through the policy.)
"""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from portal.models import User

from .notifications import feed_after, user_group_name, visible_to_recipient

REPLAY_LIMIT = 500


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.user = user
        self.watermark = None  # highest notification id this connection has covered; set by "hello"
        self.group_name = user_group_name(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "group_name", None):
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive_json(self, content, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "hello":
            if content.get("last_id") is None:
                # A client with nothing to catch up on starts from the user's latest notification.
                self.watermark = await database_sync_to_async(latest_id)(self.user)
            else:
                try:
                    self.watermark = max(0, int(content["last_id"]))
                except (TypeError, ValueError):
                    self.watermark = 0
                await self._send_after_watermark()
            await self.send_json({"type": "replayed"})
        elif kind == "ping":
            await self.send_json({"type": "pong"})

    async def notification_created(self, event):
        # Before "hello" the client's position is unknown; its replay will include this one.
        if self.watermark is None or event["id"] <= self.watermark:
            return
        if event.get("prev") is not None and event["prev"] <= self.watermark:
            await self.send_json({"type": "notification", "id": event["id"], "kind": event["kind"]})
            self.watermark = event["id"]
        else:
            await self._send_after_watermark()

    async def _send_after_watermark(self):
        while True:
            items, highest = await database_sync_to_async(replay_with_watermark)(self.user, self.watermark)
            for notification_id, notification_kind in items:
                await self.send_json(
                    {"type": "notification", "id": notification_id, "kind": notification_kind}
                )
            if highest <= self.watermark:
                return
            self.watermark = highest


def replay_with_watermark(user, last_id: int) -> tuple[list[tuple[int, str]], int]:
    """``(id, kind)`` of the user's notifications after ``last_id`` about leads they may still see, oldest
    first, and the highest id read (visible or not) — the new high-water mark."""
    rows = list(feed_after(user, last_id, limit=REPLAY_LIMIT))
    highest = rows[-1].pk if rows else last_id
    # A connection lives for hours: who the user is now (still active, which agency, whether that agency
    # is active) is read again rather than taken from the user object of the handshake.
    current = User.objects.select_related("agency").filter(pk=user.pk, is_active=True).first()
    if current is None:
        return [], highest
    return [(n.pk, n.kind) for n in visible_to_recipient(rows, current)], highest


def latest_id(user) -> int:
    from .models import Notification

    return (
        Notification.objects.filter(recipient=user).order_by("-id").values_list("id", flat=True).first() or 0
    )


def replay(user, last_id: int) -> list[tuple[int, str]]:
    return replay_with_watermark(user, last_id)[0]
