"""The embedded store: one DuckDB file, owned by the process that opens it first.

``open_store(path)`` takes an exclusive ``flock`` on ``<path>.lock``.  The winner becomes the
owner (``LocalStore``): it opens DuckDB, applies migrations, and serves the ``Store`` interface
to other processes on a loopback port.  Every other process gets a ``RemoteStore`` with the same
methods, forwarded to the owner, so reads work while another process ingests and duplicate
decisions are made in one place.  See ``docs/architecture.md``.
"""

from __future__ import annotations

import functools
import os

from ..options import Options
from .base import STATUSES, AddOutcome, CodedOutcome, Store, StoryRow
from .local import LocalStore, check_path
from .owner import OwnerLock, acquire
from .remote import RemoteStore

__all__ = [
    "STATUSES",
    "AddOutcome",
    "CodedOutcome",
    "LocalStore",
    "RemoteStore",
    "Store",
    "StoryRow",
    "open_store",
]


def open_store(
    path: str | os.PathLike[str] | None = None, options: Options | None = None
) -> Store:
    """Open the store at ``path`` (default ``options.db``): as its owner if no other process
    owns it, else as a client of the owner.  Use as a context manager or call ``close()``.

    ``":memory:"`` gives a private in-memory store (no lock, not shared).
    """
    opts = options if options is not None else Options()
    raw = os.fspath(path) if path is not None else opts.db
    if raw == ":memory:":
        return LocalStore(raw, opts)
    db = os.path.abspath(raw)
    check_path(db)
    found = acquire(db)
    if isinstance(found, OwnerLock):
        try:
            return LocalStore(db, opts, lock=found)
        except BaseException:
            found.release()
            raise
    return RemoteStore(db, opts, found, functools.partial(open_store, db, opts))
