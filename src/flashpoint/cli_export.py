"""The ``flashpoint export`` command (issue 7): standard exports of the stored events.

Thin: parse arguments, call ``flashpoint.export.run.export``, report.  Registered on the ``main``
group by ``cli`` (``from . import cli_export``).  Goes through the ``Store`` interface, so it
works while another process owns the store.
"""

from __future__ import annotations

import sys

import click

from .cli import _options, boundary, db_option, main, parse_day, parse_dyad
from .export import FORMATS

EXPORT_HELP = """Export events in a standard format (stdout, or --out FILE plus FILE.codebook.md).

\b
gdelt           GDELT 2.0 event table (TSV, no header, 61 columns)
gdelt-mentions  GDELT 2.0 mentions table of the same events (TSV, 16 columns)
plover          PLOVER/POLECAT-style JSON array, one object per event
jsonl | csv     the flat event record, one row per event
parquet         the flat event record as Parquet (zstd); needs --out
panel           dyad x day panel, zero-filled, with the coverage flag (CSV; with
                --out: .parquet or .jsonl by the file suffix)

Filters are those of `flashpoint events`; the panel takes --dyad, --actor, --since, --until.
"""


@main.command("export", help=EXPORT_HELP)
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="Export format.")
@click.option("--out", default=None, metavar="FILE",
              help="Write to FILE (and FILE.codebook.md) instead of standard output.")
@click.option("--dyad", default=None, metavar="SRC:TGT", help="Directed dyad, e.g. SRB:KSV.")
@click.option("--actor", default=None, help="Either side, e.g. SRB.")
@click.option("--since", default=None, metavar="DATE", help="Events dated on or after.")
@click.option("--until", default=None, metavar="DATE", help="Events dated before.")
@click.option("--cameo", default=None, help="CAMEO code prefix: 19 (root) or 193.")
@click.option("--plover", default=None, help="PLOVER type, e.g. ASSAULT.")
@click.option("--quad", type=click.IntRange(1, 4), default=None, help="QuadClass 1-4.")
@click.option("--story", default=None, help="Events reported by this story.")
@click.option("--text", default=None, help="Events with a report containing this text.")
@db_option
@click.pass_context
@boundary
def export_cmd(ctx: click.Context, fmt: str, out: str | None, dyad: str | None,
               actor: str | None, since: str | None, until: str | None, cameo: str | None,
               plover: str | None, quad: int | None, story: str | None, text: str | None,
               db: str | None) -> None:
    from .export.reading import EventFilter
    from .export.run import check_format
    from .export.run import export as run_export
    from .store import open_store

    check_format(fmt, out)  # before opening the store: a usage error costs nothing
    filters = EventFilter(
        dyad=parse_dyad(dyad, open_target=True) if dyad is not None else None,
        actor=actor.upper() if actor else None, since=parse_day(since, "--since"),
        until=parse_day(until, "--until"), cameo=cameo, plover=plover, quad=quad,
        story=story, text=text)
    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        if out is None:
            run_export(store, fmt, stream=sys.stdout, filters=filters, options=opts)
            sys.stdout.flush()
            return
        result = run_export(store, fmt, out=out, filters=filters, options=opts)
    click.echo(f"wrote {result.rows} rows to {result.out} (codebook {result.codebook})",
               err=True)
