"""Batch runs over Common Crawl News WARC files: a local process pool and a Spark job (issue 7).

- ``partition``: the one partition function every runner calls (WARC file → coded Arrow tables).
- ``cluster``: events from the mentions of a run, with the store's clustering, group by group.
- ``layout``: the output layout (Parquet, zstd, ``date=YYYY-MM-DD``), run id and manifest.
- ``local``: ``run_local`` — the process-pool runner.
- ``spark``: ``run_spark`` — the Spark runner (``mapInArrow``; works under Spark Connect).
- ``load``: DuckDB views over a run's Parquet, and ``import_parquet`` into a store.
- ``sample``: small synthetic WARC files for tests and benchmarks.
- ``submit``: the file to hand to ``spark-submit``.

Importing this package is cheap: pyspark is imported only by ``spark`` when a run starts.
See ``docs/scaling.md``.
"""

from __future__ import annotations

__all__: list[str] = []
