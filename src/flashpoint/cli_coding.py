"""Coding commands of the ``flashpoint`` CLI: code, events, recode, eval.

Thin: parse arguments, call the library, print.  Registered on the ``main`` group by ``cli``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import click

from .cli import (
    EXIT_ERROR,
    EXIT_REJECTED,
    _options,
    boundary,
    db_option,
    main,
    parse_day,
    parse_dyad,
    parse_when,
    rejection_line,
)
from .errors import FlashpointError
from .model import Mention, actor_key
from .output import as_dict, render


def mention_record(m: Mention) -> dict[str, Any]:
    """A mention as one JSON object, with its dyad keys spelled out."""
    rec: dict[str, Any] = as_dict(m)
    rec["dyad"] = {"source": actor_key(m.source), "target": actor_key(m.target)}
    return rec


@main.command("code")
@click.argument("source", default="-", required=False)
@click.option("--min-chars", type=int, default=20, show_default=True,
              help="Shorter texts are rejected (ingest uses min_text_chars, 200).")
@click.pass_context
@boundary
def code_cmd(ctx: click.Context, source: str, min_chars: int) -> None:
    """Code article JSONL (FILE or - for stdin) and print one mention JSON per line.

    Each input line: {"id", "text"|"html", "title", "url", "published", "source"}. No store is
    needed; `article_id` of every mention is the input `id`.
    """
    from .clean import clean
    from .coding import code_articles
    from .model import RawDocument, Rejection
    from .sources import iter_documents

    opts = _options(ctx, min_text_chars=min_chars)
    stream: IO[bytes] = sys.stdin.buffer
    docs: list[RawDocument] = []
    failed = 0
    for item in iter_documents(source, opts, stdin=stream):
        if isinstance(item, Rejection):
            click.echo(rejection_line(item), err=True)
            failed += 1
        else:
            docs.append(item)
    articles = []
    for doc in docs:
        try:
            articles.append(clean(doc, opts))
        except FlashpointError as exc:  # one bad record never stops the others
            click.echo(f"rejected: {exc.message}", err=True)
            failed += 1
    for coded in code_articles(articles, opts):
        if coded.skipped:
            click.echo(f"skipped: {coded.article_id}: {coded.skipped}", err=True)
        for m in coded.mentions:
            click.echo(json.dumps(mention_record(m), ensure_ascii=False))
    if failed:
        sys.exit(EXIT_REJECTED)


EVENT_COLUMNS = ["event_date", "source_key", "target_key", "cameo", "plover", "goldstein",
                 "num_mentions", "num_sources", "evidence"]


@main.command("events")
@click.option("--dyad", default=None, metavar="SRC:TGT", help="Directed dyad, e.g. SRB:KSV.")
@click.option("--actor", default=None, help="Either side, e.g. SRB.")
@click.option("--since", default=None, metavar="DATE")
@click.option("--until", default=None, metavar="DATE")
@click.option("--cameo", default=None, help="CAMEO code prefix: 19 (root) or 193.")
@click.option("--plover", default=None, help="PLOVER type, e.g. ASSAULT.")
@click.option("--quad", type=click.IntRange(1, 4), default=None, help="QuadClass 1-4.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]),
              default="table", show_default=True)
@db_option
@click.pass_context
@boundary
def events_cmd(ctx: click.Context, dyad: str | None, actor: str | None, since: str | None,
               until: str | None, cameo: str | None, plover: str | None, quad: int | None,
               limit: int, fmt: str, db: str | None) -> None:
    """List events (mentions clustered across articles), newest first."""
    from .store import open_store

    pair = parse_dyad(dyad, open_target=True) if dyad is not None else None
    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        rows = store.events(dyad=pair, actor=actor.upper() if actor else None,
                            since=parse_day(since, "--since"), until=parse_day(until, "--until"),
                            cameo=cameo, plover=plover, quad=quad, limit=limit)
    click.echo(render(rows, fmt, EVENT_COLUMNS, {"evidence": 70}), nl=False)


@main.command("recode")
@click.option("--since", default=None, metavar="DATE", help="Only articles published since.")
@db_option
@click.pass_context
@boundary
def recode_cmd(ctx: click.Context, since: str | None, db: str | None) -> None:
    """Re-code stored articles with the current coder and report what changed."""
    from .recode import recode

    opts = _options(ctx, db=db)
    report = recode(opts, since=parse_when(since, "--since"))
    click.echo(report.summary())


@main.command("eval")
@click.argument("dataset", type=click.Choice(
    ["conflibert", "plover", "multirater", "petrarch2", "ngec", "seed", "all"]))
@click.option("--dev-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the dev JSONL files (default ../shared/eval/dev).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the JSON report here (default: stdout).")
@click.option("--floors", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="Fail (exit 2) when a figure is below its pinned floor.")
@click.option("--limit", type=int, default=None, help="Score only the first N records.")
@click.pass_context
@boundary
def eval_cmd(ctx: click.Context, dataset: str, dev_dir: Path | None, out: Path | None,
             floors: Path | None, limit: int | None) -> None:
    """Score the coder on a development gold set (JSON report with bootstrap intervals)."""
    from .evaluate import check_floors, run_all

    opts = _options(ctx)
    reports = run_all(dataset, dev_dir=dev_dir, options=opts, limit=limit)
    text = json.dumps(reports, indent=2, ensure_ascii=False)
    if out is not None:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        click.echo(text)
    if floors is not None:
        failures = check_floors(reports, floors)
        for line in failures:
            click.echo(f"below floor: {line}", err=True)
        if failures:
            sys.exit(EXIT_ERROR)


QUOTE_COLUMNS = ["article_id", "speaker", "partial", "text"]


@main.command("quotes")
@click.option("--actor", default=None, help="Speaker's country, key or code, e.g. USA.")
@click.option("--article", "article_id", default=None, help="Only quotes of this article.")
@click.option("--since", default=None, metavar="DATE", help="Articles published on or after.")
@click.option("--until", default=None, metavar="DATE", help="Articles published before.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]),
              default="table", show_default=True)
@db_option
@click.pass_context
@boundary
def quotes_cmd(ctx: click.Context, actor: str | None, article_id: str | None,
               since: str | None, until: str | None, limit: int, fmt: str,
               db: str | None) -> None:
    """List quotations with their speakers (resolved to actors) and linked events."""
    from .store import open_store

    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        rows = store.quotes(article_id=article_id, actor=actor.upper() if actor else None,
                            since=parse_day(since, "--since"), until=parse_day(until, "--until"),
                            limit=limit)
    if fmt == "table":
        table = [{"article_id": q.article_id, "partial": q.partial, "text": q.text,
                  "speaker": (q.speaker.code if q.speaker else "?")
                  + (f" ({q.speaker_text})" if q.speaker_text else "")} for q in rows]
        click.echo(render(table, fmt, QUOTE_COLUMNS, {"text": 70, "speaker": 30}), nl=False)
    else:
        click.echo(render(rows, fmt, QUOTE_COLUMNS), nl=False)
