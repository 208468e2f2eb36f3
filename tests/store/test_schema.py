from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from flashpoint.errors import StoreError
from flashpoint.options import Options
from flashpoint.store import open_store, owner, schema


def _versions(path: Path) -> list[tuple[int, str, object]]:
    con = duckdb.connect(str(path))
    try:
        return con.execute("SELECT * FROM schema_version ORDER BY version").fetchall()
    finally:
        con.close()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def test_packaged_migrations_are_numbered_without_gaps() -> None:
    migs = schema.migrations()
    assert [m.version for m in migs] == list(range(1, len(migs) + 1))
    assert migs[0].name == "articles" and migs[1].name == "events"
    assert schema.latest_version() == len(migs)


def test_fresh_store_gets_latest_version_and_tables(db_path: Path, opts: Options) -> None:
    with open_store(db_path, opts) as st:
        assert st.schema_version() == schema.latest_version()
        assert st.stats()["schema_version"] == schema.latest_version()
    con = duckdb.connect(str(db_path))
    tables = _tables(con)
    con.close()
    assert {"articles", "article_versions", "sightings", "stories", "runs", "rejections",
            "mentions", "events", "quotes", "places"} <= tables
    assert "event_mentions" not in tables  # replaced by events.mention_ids (migration 3)


def test_reopen_is_a_no_op(db_path: Path, opts: Options) -> None:
    open_store(db_path, opts).close()
    before = _versions(db_path)
    open_store(db_path, opts).close()
    assert _versions(db_path) == before
    assert [v[0] for v in before] == [m.version for m in schema.migrations()]


def test_store_newer_than_code_is_refused(db_path: Path, opts: Options) -> None:
    open_store(db_path, opts).close()
    con = duckdb.connect(str(db_path))
    con.execute("INSERT INTO schema_version VALUES (99, 'future', now()::TIMESTAMP)")
    con.close()
    with pytest.raises(StoreError, match="upgrade flashpoint") as info:
        open_store(db_path, opts)
    assert str(db_path) in str(info.value)
    # The failed open released ownership: the lock can be taken again at once.
    lock = owner.OwnerLock.try_acquire(str(db_path))
    assert lock is not None
    lock.release()


def test_failing_migration_is_rolled_back(
    db_path: Path, opts: Options, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(db_path, opts).close()
    broken = (*schema.migrations(),
              schema.Migration(schema.latest_version() + 1, "broken",
                               "CREATE TABLE half_done (a INTEGER); SELECT * FROM no_such_table;"))
    monkeypatch.setattr(schema, "migrations", lambda: broken)
    with pytest.raises(StoreError, match="broken"):
        open_store(db_path, opts)
    monkeypatch.undo()
    con = duckdb.connect(str(db_path))
    tables = _tables(con)
    version = con.execute("SELECT max(version) FROM schema_version").fetchone()
    con.close()
    assert "half_done" not in tables
    assert version == (schema.latest_version(),)


def test_not_a_duckdb_file(tmp_path: Path, opts: Options) -> None:
    bad = tmp_path / "notes.duckdb"
    bad.write_text("this is not a database\n" * 100)
    with pytest.raises(StoreError, match="not a DuckDB database") as info:
        open_store(bad, opts)
    assert str(bad) in info.value.message and info.value.fix


def test_missing_directory(tmp_path: Path, opts: Options) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "nope" / "s.duckdb", opts)


def test_path_is_a_directory(tmp_path: Path, opts: Options) -> None:
    (tmp_path / "dir.duckdb").mkdir()
    with pytest.raises(StoreError, match="directory"):
        open_store(tmp_path / "dir.duckdb", opts)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_directory_not_writable(tmp_path: Path, opts: Options) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(StoreError, match="writable"):
            open_store(ro / "s.duckdb", opts)
    finally:
        ro.chmod(0o700)


def test_unwritable_directory_message(
    tmp_path: Path, opts: Options, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(StoreError, match="make the directory writable") as info:
        open_store(tmp_path / "s.duckdb", opts)
    assert "Permission denied" in info.value.what


def test_default_path_comes_from_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store(None, Options(db="here.duckdb")) as st:
        assert st.path == str(tmp_path / "here.duckdb")
    assert (tmp_path / "here.duckdb").is_file()


def test_memory_store(opts: Options) -> None:
    with open_store(":memory:", opts) as st:
        assert st.is_owner and st.stats()["articles"] == 0
