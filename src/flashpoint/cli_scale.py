"""Batch commands of the ``flashpoint`` CLI (issue 7): ``batch``, ``spark``, ``import-parquet``,
``query-parquet``.

Thin: parse arguments, call ``flashpoint.scale``, print.  Registered on the ``main`` group by
``cli``.  ``batch`` and ``spark`` write the same output layout (``docs/scaling.md``); both exit
with 1 when some WARC files could not be read (the run still finishes and writes its output),
and list those files on stderr.  ``spark`` without ``--master`` or ``--remote`` leaves the
choice to ``spark-submit`` / the environment (``flashpoint.scale.submit`` is the file to
submit; usage in ``docs/scaling.md``).
"""

from __future__ import annotations

import logging
import sys

import click

from .cli import EXIT_REJECTED, _options, boundary, db_option, main
from .output import FORMATS, render
from .scale.layout import RunSummary


def _report(summary: RunSummary) -> None:
    for bad in summary.bad_files:
        click.echo(f"bad file: {bad['path']}: {bad['reason']} — {bad['detail']}", err=True)
    if summary.rejected:
        reasons = ", ".join(f"{k}: {v}" for k, v in summary.rejected.items())
        click.echo(f"rejected ({reasons})", err=True)
    click.echo(summary.line())
    if summary.bad_files:
        sys.exit(EXIT_REJECTED)


_manifest = click.option(
    "--manifest", "manifest", required=True, type=click.Path(dir_okay=False),
    help="WARC path list (warc.paths or warc.paths.gz), one path a line.")
_out = click.option("--out", "out", required=True, metavar="DIR",
                    help="Output folder (replaced: re-running a manifest overwrites it).")
_base = click.option("--base", default=None, metavar="PREFIX",
                     help="Prefix for relative paths in the manifest (default: its folder).")
_batch = click.option("--batch", "batch", type=int, default=64, show_default=True,
                      help="Articles coded together in a worker.")
_verbose = click.option("-v", "--verbose", is_flag=True, help="Log every rejected record.")


def _logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR,
                        format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


@main.command("batch")
@_manifest
@_out
@click.option("--workers", type=int, default=None,
              help="Worker processes (default: all cores); work is shared out per WARC file.")
@_base
@_batch
@_verbose
@click.pass_context
@boundary
def batch_cmd(ctx: click.Context, manifest: str, out: str, workers: int | None,
              base: str | None, batch: int, verbose: bool) -> None:
    """Code the WARC files of a manifest with a local process pool into Parquet."""
    from .scale.layout import read_manifest
    from .scale.local import run_local

    _logging(verbose)
    opts = _options(ctx, workers=workers)
    paths = read_manifest(manifest, base)
    _report(run_local(paths, out, opts, workers=opts.effective_workers, batch=batch))


@main.command("spark")
@_manifest
@_out
@click.option("--master", default=None, metavar="URL",
              help="Spark master, e.g. local[2] (default: spark-submit's or the environment's).")
@click.option("--remote", default=None, metavar="URL",
              help="Spark Connect server, e.g. sc://host:15002 (instead of --master).")
@click.option("--partitions", type=int, default=None,
              help="Coding tasks (default: min(files, default parallelism)).")
@_base
@_batch
@_verbose
@click.pass_context
@boundary
def spark_cmd(ctx: click.Context, manifest: str, out: str, master: str | None,
              remote: str | None, partitions: int | None, base: str | None, batch: int,
              verbose: bool) -> None:
    """Code the WARC files of a manifest on Spark (mapInArrow) into Parquet."""
    from .scale.layout import read_manifest
    from .scale.spark import run_spark, spark_session

    _logging(verbose)
    opts = _options(ctx)
    paths = read_manifest(manifest, base)
    if remote:
        from pyspark.sql import SparkSession

        session = SparkSession.builder.remote(remote).getOrCreate()
    else:
        session = spark_session(master)
    try:
        summary = run_spark(paths, out, opts, spark=session, batch=batch,
                            partitions=partitions)
    finally:
        session.stop()
    _report(summary)


@main.command("import-parquet")
@click.argument("out", metavar="DIR", type=click.Path(file_okay=False, exists=True))
@db_option
@click.option("--no-trends", is_flag=True, help="Do not update series and alerts afterwards.")
@click.pass_context
@boundary
def import_parquet_cmd(ctx: click.Context, out: str, db: str | None, no_trends: bool) -> None:
    """Load the output of a batch or spark run into the store (then serve, events, alerts)."""
    from .scale.load import import_parquet
    from .store import open_store

    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        report = import_parquet(out, store, opts, trends=not no_trends)
    click.echo(report.line())


@main.command("query-parquet")
@click.argument("out", metavar="DIR", type=click.Path(file_okay=False, exists=True))
@click.argument("sql")
@click.option("--limit", type=int, default=1000, show_default=True)
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="table",
              show_default=True)
@boundary
def query_parquet_cmd(out: str, sql: str, limit: int, fmt: str) -> None:
    """Run SQL (DuckDB) over a run's Parquet: views events, mentions, articles."""
    from .scale.load import query

    rows = query(out, sql, limit=limit)
    columns = list(rows[0]) if rows else []
    click.echo(render(rows, fmt, columns, {c: 40 for c in columns}), nl=False)
