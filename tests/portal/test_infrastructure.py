"""The production path really runs where CI says it does: PostgreSQL, Redis cache and channel layer."""

import os

import pytest
from asgiref.sync import async_to_sync
from django.conf import settings
from django.db import connection

from tests.conftest import require


@pytest.mark.django_db
def test_suite_runs_on_postgresql_when_required():
    require("POSTGRES", connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 130000


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    import redis

    try:
        return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def test_cache_is_redis_and_round_trips():
    require("REDIS", redis_available(), "REDIS_URL is not set or Redis does not answer")
    from django.core.cache import caches

    cache = caches["default"]
    assert cache.__class__.__name__ == "RedisCache"
    cache.set("infrastructure-check", {"城市": "徐州"}, 30)
    assert cache.get("infrastructure-check") == {"城市": "徐州"}


def test_channel_layer_is_redis_and_delivers_between_layer_instances():
    require("REDIS", redis_available(), "REDIS_URL is not set or Redis does not answer")
    from channels.layers import get_channel_layer

    sender = get_channel_layer()
    assert sender.__class__.__name__ == "RedisPubSubChannelLayer"
    # A second, independent layer instance stands for another server process.
    from channels_redis.pubsub import RedisPubSubChannelLayer

    receiver = RedisPubSubChannelLayer(
        hosts=[settings.REDIS_URL], prefix=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    )

    async def exchange():
        channel = await receiver.new_channel()
        await receiver.group_add("infrastructure_check", channel)
        await sender.group_send("infrastructure_check", {"type": "check", "text": "线索"})
        message = await receiver.receive(channel)
        await receiver.group_discard("infrastructure_check", channel)
        await receiver.flush()
        return message

    assert async_to_sync(exchange)() == {"type": "check", "text": "线索"}


def test_an_idle_listener_on_the_redis_layer_keeps_listening():
    """redis-py 8 gives every socket a 5 s read timeout by default, which tore idle consumers down with
    ``TimeoutError`` every few seconds (the list-based layer blocks for 5 s per pop)."""
    require("REDIS", redis_available(), "REDIS_URL is not set or Redis does not answer")
    import asyncio

    from channels.layers import get_channel_layer

    layer = get_channel_layer()

    async def wait_then_receive():
        channel = await layer.new_channel()

        async def send_later():
            await asyncio.sleep(7.5)  # longer than redis-py 8's default read timeout
            await layer.send(channel, {"type": "check", "text": "迟到的消息"})

        sender = asyncio.create_task(send_later())
        message = await asyncio.wait_for(layer.receive(channel), timeout=30)
        await sender
        await layer.flush()
        return message

    assert async_to_sync(wait_then_receive)() == {"type": "check", "text": "迟到的消息"}


def test_three_hundred_websockets_joining_and_pushed_at_once_all_get_their_message():
    """The pushes of an alliance-wide lead reach every officer's websocket in one process at once: with
    redis-py 8's 100-connection pool cap the 101st websocket failed with HTTP 500, and channels-redis'
    list layer dropped every message past 100 per process."""
    require("REDIS", redis_available(), "REDIS_URL is not set or Redis does not answer")
    import asyncio

    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    listeners = 300

    async def join_together():
        channels = [await layer.new_channel() for _ in range(listeners)]
        await asyncio.gather(*(layer.group_add(f"pool_check_{n}", c) for n, c in enumerate(channels)))
        await asyncio.gather(
            *(layer.group_send(f"pool_check_{n}", {"type": "check", "n": n}) for n in range(listeners))
        )
        received = [await asyncio.wait_for(layer.receive(c), timeout=30) for c in channels]
        await layer.flush()
        return sorted(message["n"] for message in received)

    assert async_to_sync(join_together)() == list(range(listeners))


def test_embedded_default_uses_in_memory_layer_without_redis_url():
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set: the production path is under test")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert settings.DATABASES["default"]["ENGINE"] in ("portal.sqlite", "django.db.backends.postgresql")
