"""Schema versioning: numbered SQL migrations applied in order, each in its own transaction.

Migrations are the files ``migrations/NNNN_name.sql`` inside the package; ``schema_version``
records each one applied.  A store whose version is newer than the code refuses to open.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

import duckdb

from ..errors import DataFileError, StoreError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


@functools.cache
def migrations() -> tuple[Migration, ...]:
    """The packaged migrations in order (validated: numbered 1, 2, 3 … without gaps)."""
    folder = resources.files("flashpoint.store") / "migrations"
    found: list[Migration] = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _NAME.match(entry.name)
        where = f"flashpoint/store/migrations/{entry.name}"
        if match is None:
            raise DataFileError(where, "migration file name is not NNNN_name.sql",
                                "rename it, e.g. 0003_alerts.sql")
        sql = entry.read_text(encoding="utf-8")
        if not sql.strip():
            raise DataFileError(where, "migration file is empty", "write its SQL or remove it")
        found.append(Migration(int(match.group(1)), match.group(2), sql))
    found.sort(key=lambda m: m.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:
            raise DataFileError(
                f"flashpoint/store/migrations/{mig.version:04d}_{mig.name}.sql",
                f"migration number {mig.version} breaks the sequence (expected {expected})",
                "number the migrations 0001, 0002 … without gaps or repeats",
            )
    return tuple(found)


def latest_version() -> int:
    migs = migrations()
    return migs[-1].version if migs else 0


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version recorded in the database (0 for an empty database)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name = 'schema_version' AND table_schema = 'main'"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """Apply pending migrations in order; return the resulting version.

    Raises ``StoreError`` when the database is newer than this code or a migration fails (the
    failing migration is rolled back; earlier ones stay applied).
    """
    have = current_version(con)
    latest = latest_version()
    if have > latest:
        raise StoreError(
            f"the store has schema version {have} but this flashpoint supports up to {latest}",
            "upgrade flashpoint (pip install -U flashpoint) to open this store",
            subject=path,
        )
    for mig in migrations():
        if mig.version <= have:
            continue
        try:
            con.execute("BEGIN TRANSACTION")
            con.execute(mig.sql)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [mig.version, mig.name, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise StoreError(
                f"migration {mig.version:04d}_{mig.name} failed ({exc})",
                "restore the store from a backup or report this as a bug",
                subject=path,
            ) from exc
        have = mig.version
    return have
