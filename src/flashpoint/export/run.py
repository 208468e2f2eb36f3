"""One export: read the store, write one format to a file (plus its codebook) or a stream.

``export(store, fmt, out=..., filters=...)`` is what ``flashpoint export`` calls.  A file is
written under a temporary name beside it and renamed when complete, so a failed export never leaves
half a file under the requested name; its codebook is written beside it (``<out>.codebook.md``).
Exports to a stream (stdout) write no codebook.  Parquet needs a file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from ..errors import ConfigError, InputError
from ..model import Event
from ..options import Options
from ..store import Store
from . import FORMATS
from .codebook import ExportInfo, codebook_path, write_codebook
from .formats import write_csv, write_jsonl, write_parquet, write_plover
from .gdelt import event_rows, mention_rows, write_tsv
from .panel import (
    check_filters,
    panel_kind,
    panel_rows,
    write_panel_csv,
    write_panel_jsonl,
    write_panel_parquet,
)
from .reading import EventContext, EventFilter, iter_events, load_context


@dataclass(frozen=True, slots=True)
class ExportResult:
    fmt: str
    rows: int
    out: str | None  # None: written to the stream
    codebook: str | None


def check_format(fmt: str, out: str | None) -> None:
    """``ConfigError`` for an unknown format or a binary format without ``out``."""
    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}", "use one of " + ", ".join(FORMATS),
                          subject="--format")
    if out is None and fmt == "parquet":
        raise ConfigError("parquet cannot be written to standard output",
                          "give a file with --out FILE.parquet", subject="--format parquet")


def _with_context(store: Store, filters: EventFilter, keep_text: bool
                  ) -> tuple[list[Event], EventContext]:
    events = list(iter_events(store, filters))
    return events, load_context(store, events, keep_text=keep_text)


def _coder_versions(ctx: EventContext | None) -> tuple[str, ...]:
    if ctx is None:
        return ()
    return tuple(sorted({m.coder_version for m in ctx.mentions.values() if m.coder_version}))


def _write_text(store: Store, fmt: str, filters: EventFilter, options: Options, out: IO[str],
                panel_as: str) -> tuple[int, EventContext | None]:
    """Write a text format to ``out``: (rows, the context when one was loaded)."""
    if fmt == "panel":
        rows = panel_rows(store, filters)
        writer = write_panel_jsonl if panel_as == "jsonl" else write_panel_csv
        return writer(rows, out), None
    if fmt in ("gdelt", "gdelt-mentions", "plover"):
        events, ctx = _with_context(store, filters, keep_text=fmt == "gdelt-mentions")
        if fmt == "plover":
            return write_plover(events, ctx, out), ctx
        rows_of: Callable[..., Iterable[list[str]]] = (
            mention_rows if fmt == "gdelt-mentions" else event_rows)
        extra = () if fmt == "gdelt-mentions" else (options.user_dictionary,)
        return write_tsv(rows_of(events, ctx, *extra), out), ctx
    stream = iter_events(store, filters)
    return (write_jsonl(stream, out) if fmt == "jsonl" else write_csv(stream, out)), None


def export(
    store: Store,
    fmt: str,
    *,
    out: str | os.PathLike[str] | None = None,
    stream: IO[str] | None = None,
    filters: EventFilter | None = None,
    options: Options | None = None,
    exported_at: datetime | None = None,
) -> ExportResult:
    """Export the store's events (or the dyad-day panel) in ``fmt`` (see ``FORMATS``).

    With ``out`` the file and its codebook are written; else ``stream`` receives the text."""
    opts = options or Options()
    f = filters or EventFilter()
    path = os.fspath(out) if out is not None else None
    check_format(fmt, path)
    panel_as = panel_kind(path) if fmt == "panel" else ""
    if fmt == "panel":
        check_filters(f)
    if path is None:
        if stream is None:
            raise InputError("no output given", "pass out= or stream=", subject="export")
        rows, _ = _write_text(store, fmt, f, opts, stream, panel_as)
        return ExportResult(fmt, rows, None, None)
    target = Path(path)
    if target.is_dir():
        raise ConfigError("the output is a directory", "give a file name", subject=path)
    if not target.parent.is_dir():
        raise ConfigError("the output's folder does not exist", "create it first",
                          subject=str(target.parent))
    # a fresh name beside the target (created by the writer, so the umask applies as usual)
    tmp = str(target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.part")
    ctx: EventContext | None = None
    try:
        if fmt == "parquet":
            rows = write_parquet(iter_events(store, f), tmp)
        elif fmt == "panel" and panel_as == "parquet":
            rows = write_panel_parquet(panel_rows(store, f), tmp)
        else:
            with open(tmp, "x", encoding="utf-8", newline="") as fh:
                rows, ctx = _write_text(store, fmt, f, opts, fh, panel_as)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    info = ExportInfo(
        fmt=fmt, file=target.name, rows=rows, filters=f.describe(),
        coder_versions=_coder_versions(ctx), manifest=_manifest(opts),
        exported_at=exported_at or datetime.now(UTC),
        notes=(f"panel written as {panel_as}",) if fmt == "panel" else ())
    book = write_codebook(info, codebook_path(str(target)))
    return ExportResult(fmt, rows, str(target), book)


def _manifest(options: Options) -> dict[str, object]:
    """The coder manifest (versions and data hashes), without the option hash."""
    from ..coding import coder_manifest

    manifest = dict(coder_manifest(options))
    manifest.pop("options_sha256", None)
    return manifest
