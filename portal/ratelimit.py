"""Fixed-window rate limits on public forms and sign-in, kept in the shared cache.

With ``REDIS_URL`` set every server process counts in the same place; on the embedded default the
local-memory cache counts per process, which is what a single-process demo needs.
"""

import contextlib
import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The client's address, normalised, or "" when there is none to trust.

    ``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` reverse proxies stand in front, each appending the
    address it saw to ``X-Forwarded-For``: then the entry that many places from the right. What a client
    writes into the header itself (the left of it) is never believed — it would let anyone pass the rate
    limits, exhaust someone else's, or choose what the audit log records.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if hops:
            address = hops[-min(proxies, len(hops))]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def _cache_key(scope: str, key: str) -> str:
    return f"ratelimit:{scope}:{hashlib.sha256(f'{scope}:{key}'.encode()).hexdigest()[:32]}"


def give_back(*, scope: str, key: str) -> None:
    """Uncount one attempt of the current window (one that turned out to be allowed)."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile
        cache.decr(_cache_key(scope, key))


def hit(*, scope: str, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; ``False`` once more than ``limit`` happened in the current window."""
    cache_key = _cache_key(scope, key)
    if cache.add(cache_key, 1, window_seconds):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, window_seconds)
        return True
    return count <= limit


SIGN_IN_LIMIT_PER_ACCOUNT = 10
SIGN_IN_WINDOW_SECONDS = 15 * 60


class RateLimitedSignIn:
    """For ``AuthenticationForm`` subclasses (the portal's and the Wagtail admin's sign-in): failed
    attempts are counted per address (``SIGN_IN_LIMIT_PER_ADDRESS``) and per account name (10) in 15-minute
    windows, and past the limit every attempt is refused before any password is checked — guessing a
    password takes years, not minutes. A successful sign-in is not counted: officers of one office sign in
    all morning from the same address."""

    def clean(self):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        username = str(self.data.get("username", "")).strip().lower()
        address = client_ip(self.request)
        window = SIGN_IN_WINDOW_SECONDS
        # Counted before the password is checked (atomically, so a burst cannot slip past the limit) and
        # given back when the sign-in succeeds.
        by_address = hit(
            scope="sign-in", key=address, limit=settings.SIGN_IN_LIMIT_PER_ADDRESS, window_seconds=window
        )
        by_account = hit(
            scope="sign-in-account", key=username, limit=SIGN_IN_LIMIT_PER_ACCOUNT, window_seconds=window
        )
        if not (by_address and by_account):
            raise ValidationError(_("登录尝试过于频繁，请 15 分钟后再试。"), code="rate_limited")
        cleaned = super().clean()
        give_back(scope="sign-in", key=address)
        give_back(scope="sign-in-account", key=username)
        return cleaned
