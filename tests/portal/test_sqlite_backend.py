"""The SQLite backend keeps connections between requests and queues its writers (portal/sqlite/base.py).

These use a database file of their own: the test database is in memory, which the backend leaves to
Django.
"""

import threading

import pytest
from django.db.utils import ConnectionHandler

from portal.settings.env import sqlite_database
from portal.sqlite import base as pooled


def wrapper(path, alias="pool-test"):
    settings = ConnectionHandler().configure_settings({"default": sqlite_database(path)})["default"]
    return pooled.DatabaseWrapper(settings, alias=alias)


@pytest.fixture
def path(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():  # a database of the test's own, not the test database
        yield tmp_path / "pool.sqlite3"


def test_a_closed_connection_is_handed_to_the_next_request(path):
    first = wrapper(path)
    first.ensure_connection()
    raw = first.connection
    first.close()
    second = wrapper(path)
    second.ensure_connection()
    assert second.connection is raw
    with second.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    second.close()


def test_a_connection_closed_inside_a_transaction_is_not_reused(path):
    db = wrapper(path)
    db.ensure_connection()
    raw = db.connection
    db.set_autocommit(False)
    with db.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
        cursor.execute("INSERT INTO t VALUES (1)")
    assert raw.in_transaction
    db.close()
    other = wrapper(path)
    other.ensure_connection()
    assert other.connection is not raw
    other.close()


def test_a_replaced_database_file_gets_a_new_connection(path):
    db = wrapper(path)
    db.ensure_connection()
    raw = db.connection
    db.close()
    path.unlink()
    path.write_bytes(b"")  # a new, empty file under the same name
    fresh = wrapper(path)
    fresh.ensure_connection()
    assert fresh.connection is not raw
    fresh.close()


def test_concurrent_writers_all_commit_without_locking_errors(path):
    setup = wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n INTEGER)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    errors = []

    def writer():
        db = wrapper(path, alias="writer")
        try:
            for _ in range(25):
                db.set_autocommit(True)
                db._start_transaction_under_autocommit()
                with db.cursor() as cursor:
                    cursor.execute("UPDATE counter SET n = n + 1")
                db.commit()
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            db.close()

    threads = [threading.Thread(target=writer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check = wrapper(path)
    with check.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone()[0] == 150
    check.close()
    assert errors == []


def test_the_write_lock_is_released_by_a_rollback(path):
    db = wrapper(path)
    db.ensure_connection()
    db._start_transaction_under_autocommit()
    lock = pooled._write_lock(str(path))
    assert lock.locked()
    db.rollback()
    assert not lock.locked()
    db.close()
