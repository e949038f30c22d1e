"""SQLite backend that keeps its connections open between requests (``ENGINE = "portal.sqlite"``).

Under ASGI every request runs its synchronous code in a thread of its own, so Django opens a new database
connection per request and closes it at the end (``CONN_MAX_AGE`` must stay 0: a kept connection would
belong to a thread that is gone). For SQLite that close is the expensive part: when the last connection to
a WAL database closes, SQLite checkpoints the whole log into the database and deletes it, and the next
request starts again with a cold page cache and a re-read schema — a few milliseconds on every page, most
of a write. SQLite connections may move between threads as long as one thread uses them at a time (Django
already opens them with ``check_same_thread=False`` and checks its own thread sharing), so this backend
hands a closed connection back to a small per-process pool and gives it to the next request instead.

Transactions take a per-process lock before ``BEGIN IMMEDIATE`` and drop it at commit or rollback. SQLite
allows one writer at a time and makes the others poll, sleeping 1, 2, 5, 10 … ms between tries, so eight
requests each writing an audit record spent more time asleep than working; waiting on a lock in the
process instead hands the database to the next writer the moment the previous one commits. (Other
processes, if any, still meet SQLite's own busy timeout.)

A connection goes back only when it is idle (no open transaction, no error seen) and only for a database
file that is still the same file (a test run that deletes and re-creates its database gets new
connections). In-memory databases are left to Django. Checkpoints still happen: SQLite's automatic one
runs whenever the log passes ``wal_autocheckpoint`` pages.
"""

import os
import queue
import threading

from django.db.backends.sqlite3 import base

#: Idle connections kept per database file and process; more concurrent requests open extra ones, which
#: are closed when the pool is full.
POOL_SIZE = 8

_pools: dict[str, queue.LifoQueue] = {}
_write_locks: dict = {}
_pools_lock = threading.Lock()


def _file_identity(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _pool(path: str) -> queue.LifoQueue:
    with _pools_lock:
        return _pools.setdefault(path, queue.LifoQueue(maxsize=POOL_SIZE))


def _write_lock(path: str):
    with _pools_lock:
        return _write_locks.setdefault(path, threading.Lock())


class PooledConnection(base.Database.Connection):
    """A plain ``sqlite3.Connection`` that can remember which file it was opened on."""

    opened_on: tuple[int, int] | None = None


class DatabaseWrapper(base.DatabaseWrapper):
    _held_write_lock = None  # the process's write lock while this connection holds it

    def _pooled(self) -> bool:
        return not self.is_in_memory_db()

    def _start_transaction_under_autocommit(self):
        if self._pooled() and self._held_write_lock is None:
            lock = _write_lock(str(self.settings_dict["NAME"]))
            # Past SQLite's own busy timeout, go on without the lock and let SQLite decide.
            if lock.acquire(timeout=float(self.settings_dict["OPTIONS"].get("timeout", 5))):
                self._held_write_lock = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self):
        lock, self._held_write_lock = self._held_write_lock, None
        if lock is not None:
            lock.release()

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def get_connection_params(self):
        params = super().get_connection_params()
        if self._pooled():
            params["factory"] = PooledConnection
        return params

    def get_new_connection(self, conn_params):
        if self._pooled():
            path = str(self.settings_dict["NAME"])
            pool = _pool(path)
            identity = _file_identity(path)
            while True:
                try:
                    connection = pool.get_nowait()
                except queue.Empty:
                    break
                if (
                    identity is not None
                    and connection.opened_on == identity
                    and not connection.in_transaction
                ):
                    return connection
                connection.close()  # the file was replaced or removed since: never reuse
        connection = super().get_new_connection(conn_params)
        if isinstance(connection, PooledConnection):
            connection.opened_on = _file_identity(str(self.settings_dict["NAME"]))
        return connection

    def _close(self):
        self._release_write_lock()  # closing ends any transaction
        connection = self.connection
        if (
            connection is not None
            and self._pooled()
            and not connection.in_transaction
            and not self.errors_occurred
            and getattr(connection, "opened_on", None) is not None
        ):
            try:
                _pool(str(self.settings_dict["NAME"])).put_nowait(connection)
            except queue.Full:
                pass
            else:
                return None
        return super()._close()
