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
    assert sender.__class__.__name__ == "RedisChannelLayer"
    # A second, independent layer instance stands for another server process.
    from channels_redis.core import RedisChannelLayer

    receiver = RedisChannelLayer(
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


def test_embedded_default_uses_in_memory_layer_without_redis_url():
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set: the production path is under test")
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert settings.DATABASES["default"]["ENGINE"] in ("portal.sqlite", "django.db.backends.postgresql")
