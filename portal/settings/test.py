"""Fast, deterministic settings for the test suite.

``DATABASE_URL`` and ``REDIS_URL`` switch the suite onto PostgreSQL and Redis (CI runs it both ways).
"""

from .base import *  # noqa: F403
from .base import VAR_DIR
from .env import database_from_env, env_str

SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghijkl"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# What a request enqueued has happened when it returns (production runs tasks in a background thread).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASES = {"default": database_from_env("DATABASE_URL", VAR_DIR / "test.sqlite3")}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Parallel sessions on one server must not share a test database name.
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_ipp_portal")}
SERVESTATIC_USE_FINDERS = True
SERVESTATIC_AUTOREFRESH = False
MEDIA_ROOT = VAR_DIR / "test-media"
PRIVATE_MEDIA_ROOT = VAR_DIR / "test-private"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
