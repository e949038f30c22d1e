"""Configuration from the environment: clear one-line errors, production hardening."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.settings.env import ConfigError, database_from_env, env_bool, redis_url_from_env

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Xy7#pQ2!zR9@mN4$wL6%vB8^cD1&fG3*hJ5(" + "t" * 10


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/x",
        "not a url",
        "postgres://user@localhost:port/db",
        "postgres://localhost:5432/",
        "redis://localhost/0",
    ],
)
def test_malformed_database_url_names_the_variable(monkeypatch, url):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as error:
        database_from_env("DATABASE_URL", "var/unused.sqlite3")
    assert str(error.value).startswith("DATABASE_URL: ")
    assert "\n" not in str(error.value)


def test_database_url_password_is_not_printed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://admin:s3cret@db/x")
    with pytest.raises(ConfigError) as error:
        database_from_env("DATABASE_URL", "var/unused.sqlite3")
    assert "s3cret" not in str(error.value)


def test_postgres_url_is_parsed(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ipp@127.0.0.1:5432/portal")
    config = database_from_env("DATABASE_URL", "var/unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["PORT"], config["CONN_MAX_AGE"]) == ("portal", 5432, 0)
    assert config["OPTIONS"]["pool"]["max_size"] == 20  # a psycopg pool per process, not a fork per request


def test_postgres_pool_size_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://ipp@127.0.0.1:5432/portal")
    monkeypatch.setenv("DATABASE_POOL_SIZE", "5")
    assert database_from_env("DATABASE_URL", "var/unused.sqlite3")["OPTIONS"]["pool"]["max_size"] == 5


def test_missing_database_url_gives_embedded_sqlite(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = database_from_env("DATABASE_URL", "var/unused.sqlite3")
    assert config["ENGINE"] == "portal.sqlite"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


@pytest.mark.parametrize("url", ["http://localhost:6379", "redis://:notaport", "redis://host:abc/0"])
def test_malformed_redis_url_names_the_variable(monkeypatch, url):
    monkeypatch.setenv("REDIS_URL", url)
    with pytest.raises(ConfigError, match=r"^REDIS_URL: "):
        redis_url_from_env("REDIS_URL")


def test_boolean_variables_reject_junk(monkeypatch):
    monkeypatch.setenv("SECURE_SSL_REDIRECT", "perhaps")
    with pytest.raises(ConfigError, match="SECURE_SSL_REDIRECT"):
        env_bool("SECURE_SSL_REDIRECT")


def run_manage(args, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests (tests/browser/conftest.py) whenever they are
    # collected; a deployment check must not see it (async.E001).
    hidden = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in hidden}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_secret_key_stops_with_one_line():
    result = run_manage(["check"], DJANGO_SETTINGS_MODULE="portal.settings.production")
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "SECRET_KEY" in last
    assert last.endswith("must be set to a long random value in production")


def test_production_with_malformed_database_url_names_it():
    result = run_manage(
        ["check"],
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL="postgres//nohost",
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].split(": ", 1)[1].startswith("DATABASE_URL: ")


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = run_manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=GOOD_KEY,
        WAGTAILADMIN_BASE_URL="https://ipp.example.gov.cn",
        ALLOWED_HOSTS="ipp.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_private_files_inside_media_root(tmp_path):
    result = run_manage(
        ["check"],
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=GOOD_KEY,
        WAGTAILADMIN_BASE_URL="https://ipp.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "media" / "private"),
    )
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_ROOT: must not be inside MEDIA_ROOT" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "address", [None, "http://127.0.0.1:8000", "localhost:8000", "ftp://ipp.example.gov.cn"]
)
def test_production_needs_the_address_e_mails_link_to(tmp_path, address):
    """Without it every link in a notification e-mail led to the reader's own machine."""
    env = {"WAGTAILADMIN_BASE_URL": address} if address else {}
    result = run_manage(
        ["check"],
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY=GOOD_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path}/deploy.sqlite3",
        **env,
    )
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "WAGTAILADMIN_BASE_URL: must be the portal's address as its users reach it" in last
