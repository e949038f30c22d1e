"""Fixed-window rate limits on public forms and sign-in, kept in the shared cache.

With ``REDIS_URL`` set every server process counts in the same place; on the embedded default the
local-memory cache counts per process, which is what a single-process demo needs.
"""

import hashlib

from django.core.cache import cache


def client_ip(request) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; ``False`` once more than ``limit`` happened in the current window."""
    digest = hashlib.sha256(f"{scope}:{key}".encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}"
    if cache.add(cache_key, 1, window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, window_seconds)
        return True
    return count <= limit
