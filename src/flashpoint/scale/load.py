"""Using a batch run's output: query it with DuckDB, or import it into a store.

- ``connect(out)`` opens an in-memory DuckDB with three views, ``events``, ``mentions`` and
  ``articles``, over ``read_parquet(DIR/<kind>/**/*.parquet, hive_partitioning = true)``: the
  Parquet files of a local or Spark run are queried where they lie, nothing is copied.
- ``import_parquet(out, store)`` loads a run into a Flashpoint store through the ordinary
  ``Store`` interface, so ``flashpoint serve``, the dashboard, ``events``, ``dyads`` and
  ``alerts`` work on a cluster's results: articles in publication order (``add_articles``
  decides new / updated / duplicate / near-duplicate as for an ingest), then their mentions
  (``add_coded``: the store clusters events with the same rules as the run), then the trend
  series and alerts (``flashpoint.trends.update``).  Importing twice stores nothing twice.

Events stored by an import equal the run's events for every dated mention; the story clusters
of undated mentions may differ, because the store groups near-duplicate articles into stories
while a batch run keeps every article its own story.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ..errors import InputError, StoreError
from ..model import Coded, Mention
from ..options import Options
from ..store import Store
from .layout import KINDS, schema_of

IMPORT_BATCH = 500


def _files(out: Path, kind: str) -> list[Path]:
    return sorted(p for p in (out / kind).rglob("*.parquet")
                  if not any(part.startswith((".", "_")) for part in p.relative_to(out).parts))


def connect(out: str | os.PathLike[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with views ``events``, ``mentions``, ``articles`` over
    the run output ``out`` (each with the ``date`` partition column)."""
    root = Path(out)
    if not root.is_dir():
        raise InputError("the run output folder does not exist",
                         "give the --out folder of a batch or spark run", subject=str(out))
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    for kind in KINDS:
        files = _files(root, kind)
        if files:
            listing = ", ".join("'" + str(f).replace("'", "''") + "'" for f in files)
            con.execute(
                f"CREATE VIEW {kind} AS SELECT * FROM read_parquet([{listing}], "
                "hive_partitioning = true, hive_types = {'date': VARCHAR}, "
                "union_by_name = true)")
        else:
            empty = schema_of(kind).empty_table().append_column(
                "date", pa.array([], pa.string()))
            con.register(f"_{kind}_empty", empty)
            con.execute(f"CREATE VIEW {kind} AS SELECT * FROM _{kind}_empty")
    return con


def query(out: str | os.PathLike[str], sql: str, *, limit: int = 10_000) -> list[dict[str, Any]]:
    """The rows of one SQL query over a run output (views ``events``, ``mentions``,
    ``articles``), at most ``limit``."""
    con = connect(out)
    try:
        try:
            table = con.execute(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise InputError(f"the query failed ({exc})",
                             "query the views events, mentions and articles",
                             subject="sql") from exc
        rows: list[dict[str, Any]] = table.slice(0, limit).to_pylist()
        return rows
    finally:
        con.close()


@dataclass(frozen=True, slots=True)
class ImportReport:
    articles: int = 0
    new: int = 0
    updated: int = 0
    duplicate: int = 0
    near_duplicate: int = 0
    mentions: int = 0
    events_added: int = 0

    def line(self) -> str:
        return (f"imported {self.articles} articles (new {self.new}, updated {self.updated}, "
                f"duplicate {self.duplicate}, near-duplicate {self.near_duplicate}), "
                f"{self.mentions} mentions, {self.events_added} events added")


def _article_batches(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[pa.Table]:
    names = ", ".join(schema_of("articles").names)
    reader = con.execute(
        f"SELECT {names} FROM articles ORDER BY published NULLS LAST, article_id, content_sha"
    ).to_arrow_reader(size)
    for batch in reader:
        yield pa.Table.from_batches([batch])


def _mentions_of(con: duckdb.DuckDBPyConnection, ids: list[str]) -> dict[str, list[Mention]]:
    from ..export.arrow import mentions_from_table

    names = ", ".join(schema_of("mentions").names)
    con.register("_ids", pa.table({"article_id": pa.array(ids, pa.string())}))
    try:
        table = con.execute(
            f"SELECT DISTINCT ON (mention_id) {names} FROM mentions "
            "WHERE article_id IN (SELECT article_id FROM _ids) ORDER BY mention_id"
        ).to_arrow_table()
    finally:
        con.unregister("_ids")
    by_article: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions_from_table(table):
        by_article[m.article_id].append(m)
    return by_article


def import_parquet(
    out: str | os.PathLike[str],
    store: Store,
    options: Options | None = None,
    *,
    batch: int = IMPORT_BATCH,
    trends: bool = True,
) -> ImportReport:
    """Load the run output ``out`` into ``store`` (see the module docstring)."""
    from ..dedup import signature
    from ..export.arrow import articles_from_table

    opts = options or Options()
    con = connect(out)
    lookups = con.cursor()
    counts: dict[str, int] = defaultdict(int)
    mentions = 0
    events = 0
    add_coded = getattr(store, "add_coded", None)
    if add_coded is None:
        raise StoreError("this store cannot hold codings", "open a Flashpoint store",
                         subject=store.path)
    try:
        for table in _article_batches(con, batch):
            articles = articles_from_table(table)
            outcomes = store.add_articles([(a, signature(a.text, opts)) for a in articles])
            for o in outcomes:
                counts[o.status] += 1
            keep = [o.article_id for o in outcomes if o.status != "duplicate"]
            if not keep:
                continue
            tones = {a.article_id: a.tone for a in articles}
            found = _mentions_of(lookups, keep)
            coded = [Coded(aid, mentions=tuple(found.get(aid, ())), tone=tones.get(aid))
                     for aid in keep]
            outcome = add_coded(coded)
            mentions += outcome.mentions_added
            events += len(outcome.events_added)
    finally:
        lookups.close()
        con.close()
    report = ImportReport(
        articles=sum(counts.values()), new=counts["new"], updated=counts["updated"],
        duplicate=counts["duplicate"], near_duplicate=counts["near_duplicate"],
        mentions=mentions, events_added=events)
    if trends and (report.new or report.updated or report.near_duplicate):
        from ..trends import update

        update(store, opts)
    return report
