"""The ``flashpoint`` command line: parses arguments, calls the library, prints.

Exit codes: 0 success; 1 the command ran but some inputs were rejected; 2 usage error or an error
that stopped the command (printed as ``error: <what> — <fix>``).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from .errors import ConfigError, FlashpointError
from .model import Rejection
from .options import Options
from .output import render
from .version import __version__

F = TypeVar("F", bound=Callable[..., Any])

EXIT_REJECTED = 1
EXIT_ERROR = 2


def boundary(func: F) -> F:
    """Turn domain errors into one clear line on stderr and a non-zero exit."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except FlashpointError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _options(ctx: click.Context, **overrides: Any) -> Options:
    config = ctx.obj.get("config") if ctx.obj else None
    return Options.load(config, **overrides)


def parse_when(value: str | None, name: str) -> datetime | None:
    """A date or date-time from the command line (UTC when no offset is given)."""
    if value is None:
        return None
    from .published import parse_published

    parsed = parse_published(value)
    if parsed is None:
        raise ConfigError(
            f"cannot read {value!r} as a date",
            "give an ISO date such as 2023-09-30 or 2023-09-30T14:00:00+02:00",
            subject=name,
        )
    when, offset = parsed
    # Without an offset in the input the original offset is unknown: pass a naive UTC time.
    return when if offset is not None else when.replace(tzinfo=None)


def parse_day(value: str | None, name: str) -> date | None:
    """A day from the command line (the date part of ``parse_when``)."""
    when = parse_when(value, name)
    return when.date() if when is not None else None


def parse_dyad(value: str, name: str = "--dyad", *, open_target: bool = False
               ) -> tuple[str, str | None]:
    """``SRC:TGT`` → upper-case keys; with ``open_target``, ``SRC:`` means "no target"."""
    src, sep, tgt = value.partition(":")
    if not sep or not src or (not tgt and not open_target):
        raise ConfigError(f"bad dyad {value!r}", "write SOURCE:TARGET, e.g. SRB:KSV",
                          subject=name)
    return src.upper(), tgt.upper() or None


db_option = click.option(
    "--db", "db", default=None, metavar="PATH",
    help="Store file (default ./flashpoint.duckdb or $FLASHPOINT_DB).",
)
format_option = click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "jsonl"]), default="table",
    show_default=True, help="Output format.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", type=click.Path(dir_okay=False), default=None,
              help="Options file (default ./flashpoint.toml if present).")
@click.version_option(__version__, prog_name="flashpoint")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """Flashpoint: news articles in, coded political events and escalation alerts out."""
    ctx.ensure_object(dict)
    ctx.obj["config"] = config


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--published", default=None, metavar="DATE",
              help="Publication date/time for every input (overrides what the input says).")
@click.option("--source", default=None, metavar="NAME",
              help="Source (outlet) name for every input.")
@db_option
@click.option("--no-code", is_flag=True, help="Store articles without coding events.")
@click.option("--workers", type=int, default=None, help="Worker processes (default: all cores).")
@click.option("--allow-private", is_flag=True,
              help="Allow fetching from private/loopback addresses (off by default).")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@click.pass_context
@boundary
def ingest(ctx: click.Context, inputs: tuple[str, ...], published: str | None,
           source: str | None, db: str | None, no_code: bool, workers: int | None,
           allow_private: bool, quiet: bool) -> None:
    """Ingest files, folders, globs, feeds, WARC archives, URLs or - (JSONL on stdin)."""
    from .pipeline import ingest as run_ingest

    opts = _options(ctx, db=db, workers=workers,
                    allow_private_addresses=True if allow_private else None,
                    code=False if no_code else None)
    when = parse_when(published, "--published")
    with _progress(enabled=not quiet and sys.stderr.isatty()) as progress:
        report = run_ingest(list(inputs), options=opts, published=when, source=source,
                            stdin=sys.stdin.buffer, progress=progress)
    for rej in report.rejected:
        click.echo(rejection_line(rej), err=True)
    click.echo(report.summary())
    if report.rejected:
        sys.exit(EXIT_REJECTED)


def rejection_line(rej: Rejection) -> str:
    """``rejected: <origin>: <reason> — <what was wrong and the fix>`` (origin said once)."""
    detail = rej.detail
    if detail.startswith(rej.origin + ": "):
        detail = detail[len(rej.origin) + 2:]
    return f"rejected: {rej.origin}: {rej.reason} — {detail}" if detail else \
        f"rejected: {rej.origin}: {rej.reason}"


class _progress:
    """A rich progress line on stderr for long runs (a no-op when disabled)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Callable[[int, int | None], None] | None:
        if not self.enabled:
            return None
        from rich.console import Console
        from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

        self._progress = Progress(SpinnerColumn(), "ingesting", MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=Console(stderr=True),
                                  transient=True)
        self._progress.start()
        self._task = self._progress.add_task("ingest", total=None)
        return self._update

    def _update(self, done: int, total: int | None) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


@main.command()
@click.option("--story", default=None, help="Only articles of this story id.")
@click.option("--since", default=None, metavar="DATE", help="Published on or after.")
@click.option("--until", default=None, metavar="DATE", help="Published before.")
@click.option("--limit", type=int, default=100, show_default=True)
@format_option
@db_option
@click.pass_context
@boundary
def articles(ctx: click.Context, story: str | None, since: str | None, until: str | None,
             limit: int, fmt: str, db: str | None) -> None:
    """List stored articles (current versions), newest first."""
    from .store import open_store

    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        rows = store.articles(story=story, since=parse_when(since, "--since"),
                              until=parse_when(until, "--until"), limit=limit)
    columns = ["article_id", "published", "source", "lang", "version", "story_id", "title"]
    click.echo(render(rows, fmt, columns, {"title": 60, "published": 25}), nl=False)


@main.command()
@click.option("--since", default=None, metavar="DATE", help="Stories seen on or after.")
@click.option("--limit", type=int, default=100, show_default=True)
@format_option
@db_option
@click.pass_context
@boundary
def stories(ctx: click.Context, since: str | None, limit: int, fmt: str, db: str | None) -> None:
    """List stories: articles grouped as copies of one story, with their distinct sources."""
    from .store import open_store

    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        rows = store.stories(since=parse_when(since, "--since"), limit=limit)
    columns = ["story_id", "num_articles", "num_sources", "first_published", "title"]
    click.echo(render(rows, fmt, columns, {"title": 60}), nl=False)


@main.command()
@db_option
@click.pass_context
@boundary
def stats(ctx: click.Context, db: str | None) -> None:
    """Counts of what the store holds."""
    from .store import open_store

    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        data = store.stats()
    click.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))



# The other commands live in their own modules; importing one registers its commands on ``main``.
from . import cli_coding as _cli_coding  # noqa: E402,F401
from . import cli_export as _cli_export  # noqa: E402,F401
from . import cli_scale as _cli_scale  # noqa: E402,F401
from . import cli_trends as _cli_trends  # noqa: E402,F401
from . import cli_watch as _cli_watch  # noqa: E402,F401
from . import cli_web as _cli_web  # noqa: E402,F401
