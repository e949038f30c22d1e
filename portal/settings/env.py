"""Reading configuration from environment variables.

Every setting that differs between machines comes from the environment (see docs/operations.md for the
full list). A value that is present but malformed stops start-up with one line naming the variable, so
an operator sees ``DATABASE_URL: …`` rather than a traceback from deep inside a driver.
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed; the message starts with its name."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(name, f"expected a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(name, f"expected an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def database_from_env(name: str, default_sqlite_path) -> dict:
    """Return a ``DATABASES['default']`` dict from ``DATABASE_URL`` or the embedded SQLite file.

    Only the two engines the project is tested on are accepted; anything else is a configuration error
    rather than a surprise at the first query.
    """
    import dj_database_url

    url = env_str(name)
    if url is None:
        return sqlite_database(default_sqlite_path)
    parts = urlsplit(url)
    if parts.scheme not in _DATABASE_SCHEMES:
        raise ConfigError(
            name,
            f"unsupported or malformed URL {redact(url)!r}; expected postgres://user@host:port/name "
            "or sqlite:////absolute/path.sqlite3",
        )
    if parts.scheme != "sqlite" and not parts.path.strip("/"):
        raise ConfigError(name, f"no database name in {redact(url)!r}")
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
        if parts.scheme != "sqlite":
            _ = parts.port  # raises ValueError for a non-numeric port
    except (ValueError, KeyError) as exc:
        raise ConfigError(name, f"malformed URL {redact(url)!r} ({exc})") from None
    if config["ENGINE"].endswith("sqlite3"):
        return sqlite_database(config["NAME"])
    # Under ASGI each request runs in a thread of its own, so CONN_MAX_AGE must stay 0 and every request
    # would open (and PostgreSQL fork) a new connection; a process-wide psycopg pool hands them out.
    config.setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": env_int("DATABASE_POOL_SIZE", 20),
        "timeout": 20,
    }
    return config


def sqlite_database(path) -> dict:
    """SQLite tuned for a small multi-user server: WAL journal, a busy timeout, immediate transactions."""
    return {
        "ENGINE": "portal.sqlite",  # django.db.backends.sqlite3 with connections kept between requests
        "NAME": str(path),
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456; PRAGMA cache_size=-32000;"
            ),
        },
    }


def redis_url_from_env(name: str) -> str | None:
    url = env_str(name)
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"redis", "rediss", "unix"} or (parts.scheme != "unix" and not parts.hostname):
        raise ConfigError(name, f"malformed URL {redact(url)!r}; expected redis://host:6379/0")
    try:
        _ = parts.port
    except ValueError:
        raise ConfigError(name, f"malformed port in {redact(url)!r}") from None
    return url


def redact(url: str) -> str:
    """Hide the password in a URL before it is printed."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url
