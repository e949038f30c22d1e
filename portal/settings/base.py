"""Settings shared by every deployment of the portal.

The embedded default (SQLite, in-memory channel layer, database search, console e-mail) needs no
environment at all; each scale-out component is switched on by its URL variable. See
docs/operations.md for the variables and docs/architecture.md for why each component is here.
"""

import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .env import database_from_env, env_bool, env_int, env_list, env_str, redis_url_from_env

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # daphne first: its runserver serves HTTP and websockets (PITFALLS 6).
    "daphne",
    # Our apps come before Wagtail's so that their templates override Wagtail's where they must.
    "portal",
    "alliances",
    "cases_exchange",
    "services_directory",
    "search",
    "portal.apps.PortalUsersAppConfig",  # wagtail.users with our user forms
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "guardian",
    "ninja",
    "channels",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "servestatic.middleware.ServeStaticMiddleware",
    # Outermost after static files: a cached public page is answered before any other middleware runs,
    # and what it stores already carries the security headers added further in.
    "portal.cache.PublicPageCacheMiddleware",
    "portal.middleware.request_slots_middleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.content_security_policy_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.api_language_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# Requests one server process works on at once (portal.middleware.request_slots_middleware); 0: no limit.
REQUEST_CONCURRENCY = env_int("REQUEST_CONCURRENCY", 2)

ROOT_URLCONF = "portal.urls"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------------

DATABASES = {"default": database_from_env("DATABASE_URL", VAR_DIR / "portal.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url_from_env("REDIS_URL")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "ipp"),
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # Redis pub/sub: one publish per pushed notification, and each process reads everything for
            # its websockets from one subscription. The list-based layer made one blocking pop per message
            # per process, so an alliance-wide lead queued its pushes behind hundreds of round trips.
            # Delivery is at most once either way; the consumer's replay makes up for any loss (DESIGN §6).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py 8 changed two defaults that break a channel layer: reads time out after 5 s,
                # and a pool refuses its 101st connection (websockets joining together failed with HTTP
                # 500). Give reads room and the pool the server's own client limit.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "socket_connect_timeout": 5,
                        "max_connections": 10_000,
                    }
                ],
                "prefix": env_str("CHANNEL_PREFIX", "ipp"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ipp"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Public pages are cached whole for anonymous visitors (portal/cache.py) and dropped on publish.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 600)
# Reverse proxies in front of the server that append the client's address to X-Forwarded-For; rate
# limits, the audit log and the API throttle believe that many entries from the right and no more.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
NINJA_NUM_PROXIES = TRUSTED_PROXY_COUNT
# Sign-in attempts per client address in 15 minutes (load generators, all on one address, raise it).
SIGN_IN_LIMIT_PER_ADDRESS = env_int("SIGN_IN_LIMIT_PER_ADDRESS", 30)

ELASTICSEARCH_URL = env_str("ELASTICSEARCH_URL")
# search/backends/elasticsearch.py: index name, its shards and replicas (one node: 1 and 0), request timeout
ELASTICSEARCH_INDEX = env_str("ELASTICSEARCH_INDEX", "ipp-search")
ELASTICSEARCH_SHARDS = env_int("ELASTICSEARCH_SHARDS", 1)
ELASTICSEARCH_REPLICAS = env_int("ELASTICSEARCH_REPLICAS", 0)
ELASTICSEARCH_TIMEOUT = env_int("ELASTICSEARCH_TIMEOUT", 5)
# search/native.py: ipp_bm25(), the SQLite backend's BM25 in C (search/csrc/ipp_rank.c), which the
# Makefile builds into the virtual environment when a C compiler is there; off, or not built: bm25().
SEARCH_NATIVE_RANKING = env_bool("SEARCH_NATIVE_RANKING", True)
SEARCH_NATIVE_LIBRARY = env_str("SEARCH_NATIVE_LIBRARY", str(Path(sys.prefix) / "lib" / "ipp_rank.so"))

# --- Accounts and permissions ---------------------------------------------------------------------

AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # Django's ModelBackend, reading the user's agency with the user (sessions name this path: renaming
    # it signs everyone out once).
    "portal.auth_backends.PortalModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Officers never act anonymously; guardian's anonymous user would only be a row to leak grants to.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False
GUARDIAN_MONKEY_PATCH_GROUP = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Where a private page sends a visitor who is not signed in: the portal's sign-in, not Wagtail's bare one.
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL  # a URL name: /en/accounts/login/ from an English page
LOGIN_REDIRECT_URL = "/"
# A private page or document collection is for signed-in users (or some groups of them), never behind one
# password passed around: that would be tried without limit and leave no trace of who read what.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"SHARED_PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"SHARED_PASSWORD": False}

# Sessions are written to the database and read from the cache: a signed-in page costs no session query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600  # a working day; officers sign in again the next morning
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's preview panel frames the site itself
#: The pages' Content-Security-Policy (portal.middleware): only the site's own scripts, styles and
#: connections (websockets included); ``off`` sends none. The admin relies on inline scripts.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'; object-src 'none'",
)
if CONTENT_SECURITY_POLICY == "off":
    CONTENT_SECURITY_POLICY = ""
CONTENT_SECURITY_POLICY_EXEMPT = ("/admin/", "/api/v1/docs")

# --- Language and time ----------------------------------------------------------------------------

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# portal/locale: the English translation and 简体中文 overrides for Wagtail; portal/locale_source: every
# message of our code as its own 简体中文 translation, so that zh-hans lookups stop at the first catalogue
# (`manage.py source_catalogue`).
LOCALE_PATHS = [BASE_DIR / "portal" / "locale", BASE_DIR / "portal" / "locale_source"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Lead evidence lives outside MEDIA_ROOT, so that no web-server rule for /media/ can ever reach it; it is
# read only through the views that ask the permission policy.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "portal.storage.PrivateFileStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- E-mail ---------------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "知识产权保护协作门户 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail --------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "知识产权保护协作门户"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_I18N_ENABLED = False  # the interface is bilingual; editorial content is Chinese
WAGTAIL_CONTENT_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Wagtail's sign-in form labels its password field with the untranslatable "Password" (portal/admin_forms.py).
WAGTAILADMIN_USER_LOGIN_FORM = "portal.admin_forms.AdminLoginForm"
# Slugs are ASCII so shared links stay readable; pages titled in Chinese get a pinyin slug (PITFALLS 10).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# Wagtail's database backend, with Chinese segmentation of text and queries (search/wagtail_backend.py).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.wagtail_backend"}}
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "xls", "odt", "ods", "txt", "csv", "zip", "ofd"]
WAGTAILDOCS_DOCUMENT_FORM_BASE = "portal.admin_forms.DocumentForm"  # says the formats above before an upload
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False  # no internet inside government networks
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no third-party avatar requests either
WAGTAILADMIN_COMMENTS_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True

# --- Tasks ----------------------------------------------------------------------------------------

# Background work (e-mail for notifications) runs in a worker thread after the request (portal/tasks.py).
TASKS = {"default": {"BACKEND": "portal.tasks.BackgroundThreadBackend"}}

# --- Logging --------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "jieba": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

PORTAL_SITE_TITLE = _("知识产权保护协作门户")
