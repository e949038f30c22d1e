"""Settings for a real deployment behind a TLS-terminating reverse proxy.

Everything comes from the environment; start-up fails with one line naming the variable when
something required is missing or malformed. ``manage.py check --deploy`` passes with these settings.
"""

from urllib.parse import urlsplit

from .base import *  # noqa: F403
from .env import ConfigError, env_bool, env_int, env_str

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise ConfigError("SECRET_KEY", "must be set to a long random value in production")
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith(("dev-", "test-", "django-insecure"))
):
    raise ConfigError("SECRET_KEY", "is too short or looks like a development key; use 50+ random characters")

# Notification e-mails link to leads and admin pages by this address; the development default
# (127.0.0.1:8000) would send every recipient to their own machine.
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL")
_base = urlsplit(WAGTAILADMIN_BASE_URL or "")
if (
    _base.scheme not in ("http", "https")
    or not _base.hostname
    or _base.hostname in ("localhost", "127.0.0.1")
):
    raise ConfigError(
        "WAGTAILADMIN_BASE_URL",
        "must be the portal's address as its users reach it, e.g. https://ipp.example.gov.cn "
        "(links in e-mails)",
    )

# A web server told to serve MEDIA_ROOT would otherwise hand out lead evidence without any check.
for _name, _served in (("MEDIA_ROOT", MEDIA_ROOT), ("STATIC_ROOT", STATIC_ROOT)):  # noqa: F405
    if PRIVATE_MEDIA_ROOT.resolve().is_relative_to(_served.resolve()):  # noqa: F405
        raise ConfigError("PRIVATE_MEDIA_ROOT", f"must not be inside {_name} (attachments would be public)")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "servestatic.storage.CompressedManifestStaticFilesStorage"},
}

# W019: Wagtail's live preview frames the site's own pages, so X-Frame-Options is SAMEORIGIN, not DENY.
# W021: submitting a government domain to the HSTS preload list is a decision for its owner
# (SECURE_HSTS_PRELOAD=1), not a default.
SILENCED_SYSTEM_CHECKS = ["security.W019"] + ([] if SECURE_HSTS_PRELOAD else ["security.W021"])
