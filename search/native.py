"""``ipp_bm25()``: the SQLite backend's BM25, in C, with the IDFs the backend already remembers.

FTS5's ``bm25()`` counts the documents of every phrase of a statement's full-text expression before it
scores a row — it walks each phrase's whole document list, in every search (29 of the 37 ms that ranking
地理标志运用促进工程's window took at a million documents). The backend remembers those counts
(:func:`search.backends.database._document_frequency`); ``search/csrc/ipp_rank.c`` takes the IDFs
made from them as arguments and scores as ``bm25()`` does, to the last bit given the same IDFs; its
``ipp_holds()`` tells whether a row holds some of the expression's phrases (a strict search's bonus and
phrase tier), which the backend otherwise asks with subqueries walking those phrases' document lists.

The Makefile builds it into the virtual environment when a C compiler and SQLite's header are there
(``SEARCH_NATIVE_LIBRARY``); :func:`register` has SQLite add the function to every connection opened
afterwards (``sqlite3_auto_extension``, in the SQLite library Python's ``sqlite3`` module uses), and each
new connection is asked whether it has it. Without the library, with ``SEARCH_NATIVE_RANKING`` off, or
in a process whose ``sqlite3`` module carries an SQLite of its own, :func:`available` is false and the
backend keeps ``bm25()``: the same order, paying for the counts.
"""

from __future__ import annotations

import ctypes
import logging
import sqlite3
import threading
from pathlib import Path

from django.conf import settings
from django.db.backends.signals import connection_created

logger = logging.getLogger(__name__)
#: The build of the functions this code calls (``IPP_RANK_VERSION`` in ipp_rank.c): a library left from
#: another release answers another number, and the backend keeps ``bm25()`` until it is rebuilt.
VERSION = 2
_lock = threading.Lock()
_registered: bool | None = None


def register() -> bool:
    """Load the library once per process and register the function for connections opened from now on."""
    global _registered
    with _lock:
        if _registered is None:
            _registered = _load()
            connection_created.connect(_on_connection, dispatch_uid="search.native")
    return _registered


def _load() -> bool:
    if not getattr(settings, "SEARCH_NATIVE_RANKING", True):
        return False
    path = Path(settings.SEARCH_NATIVE_LIBRARY)
    if not path.is_file():
        logger.info("%s is not built: search ranks with FTS5's bm25()", path)
        return False
    try:
        register_function = ctypes.CDLL(str(path)).ipp_rank_register
    except (OSError, AttributeError) as error:  # not a library, or not this one
        logger.warning("%s could not be loaded (%s): search ranks with FTS5's bm25()", path, error)
        return False
    register_function.restype = ctypes.c_int
    return register_function() == 0


def _on_connection(sender, connection, **kwargs) -> None:
    """A new connection is asked afresh (:func:`available`)."""
    connection.ipp_bm25 = None


def available(connection) -> bool:
    """Whether statements on this (SQLite) connection may call ``ipp_bm25()`` — asked once per connection,
    on the driver's own connection, so that the question is not one of the queries a page is counted by."""
    if connection.vendor != "sqlite" or not _registered:
        return False
    state = getattr(connection, "ipp_bm25", None)
    if state is None:
        connection.ensure_connection()
        try:
            built = connection.connection.execute("SELECT ipp_rank_version()").fetchone()[0]
        except sqlite3.OperationalError:
            built = None
        state = built == VERSION
        if built is not None and not state:
            logger.warning(
                "%s is build %s, this release needs %s: rebuild it (docs/operations.md); search ranks with "
                "FTS5's bm25() until then",
                settings.SEARCH_NATIVE_LIBRARY,
                built,
                VERSION,
            )
        connection.ipp_bm25 = state
    return state
