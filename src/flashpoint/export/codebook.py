"""The short codebook written beside every file export (``<out>.codebook.md``).

It says what the file is (format, rows, filters, export time), which coder produced it (the
``coder_manifest``: Flashpoint, coder, model versions and data-file hashes, plus every
``coder_version`` seen in the exported reports), every column with its type and meaning, and
the code lists (QuadClass, precisions, CAMEO roots, PLOVER types).

Texts live in ``export/data/codebook.toml`` (validated on load: every format and every column
of the event record, the panel and the PLOVER object must be described); GDELT column texts in
the GDELT column files (``gdelt.event_columns``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from ..errors import DataFileError
from . import FORMATS
from .arrow import EVENT_SCHEMA
from .gdelt import event_columns, mention_columns
from .panel import PANEL_SCHEMA

CODEBOOK_FILE = "codebook.toml"
CODEBOOK_SUFFIX = ".codebook.md"
PLOVER_FIELDS = (
    "event_id", "event_type", "mode", "source", "target", "country", "location", "date",
    "date_precision", "magnitude", "evidence", "background", "cameo", "cameo_root",
    "quad_class", "goldstein", "tone", "confidence", "num_mentions", "num_articles",
    "num_sources", "first_seen", "last_seen", "mention_ids", "coder_version",
)
CODE_LISTS = ("quad_class", "date_precision", "geo_precision", "actiongeo_type")


@dataclass(frozen=True, slots=True)
class CodebookTexts:
    formats: Mapping[str, tuple[str, str]]  # format -> (title, about)
    columns: Mapping[str, Mapping[str, str]]  # event | panel | plover -> column -> text
    codes: Mapping[str, Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """What a codebook reports about one export."""

    fmt: str
    file: str
    rows: int
    filters: str = "none"
    coder_versions: tuple[str, ...] = ()  # seen in the exported reports, when known
    manifest: Mapping[str, Any] = field(default_factory=dict)
    exported_at: datetime | None = None
    notes: tuple[str, ...] = ()


def parse_codebook(path: str, text: str) -> CodebookTexts:
    """Validate the codebook texts (see the module docstring)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(path, f"not valid TOML ({exc})", "fix the syntax") from exc
    formats: dict[str, tuple[str, str]] = {}
    for fmt in FORMATS:
        entry = data.get("formats", {}).get(fmt)
        if not isinstance(entry, dict):
            raise DataFileError(path, "format not described", f"add [formats.{fmt}]",
                                entry=fmt)
        for key in ("title", "about"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise DataFileError(path, f"{key} missing or empty", entry=fmt, field=key)
        formats[fmt] = (entry["title"].strip(), " ".join(entry["about"].split()))
    required = {"event": EVENT_SCHEMA.names, "panel": PANEL_SCHEMA.names,
                "plover": list(PLOVER_FIELDS)}
    columns: dict[str, Mapping[str, str]] = {}
    for group, names in required.items():
        table = data.get("columns", {}).get(group, {})
        for name in names:
            if not isinstance(table.get(name), str) or not table[name].strip():
                raise DataFileError(path, "column has no description",
                                    f"add it under [columns.{group}]",
                                    entry=f"columns.{group}", field=name)
        extra = sorted(set(table) - set(names))
        if extra:
            raise DataFileError(path, f"describes unknown column(s) {', '.join(extra)}",
                                "remove them or correct the names", entry=f"columns.{group}")
        columns[group] = MappingProxyType({n: table[n].strip() for n in names})
    codes: dict[str, Mapping[str, str]] = {}
    for name in CODE_LISTS:
        table = data.get("codes", {}).get(name)
        if not isinstance(table, dict) or not table or not all(
                isinstance(v, str) for v in table.values()):
            raise DataFileError(path, "code list missing or not a table of texts",
                                entry=f"codes.{name}")
        codes[name] = MappingProxyType(dict(table))
    return CodebookTexts(MappingProxyType(formats), MappingProxyType(columns),
                         MappingProxyType(codes))


@cache
def codebook_texts() -> CodebookTexts:
    """The packaged codebook texts (read and validated once per process)."""
    text = (resources.files("flashpoint.export") / "data" / CODEBOOK_FILE).read_text("utf-8")
    return parse_codebook(f"flashpoint/export/data/{CODEBOOK_FILE}", text)


def codebook_path(out: str) -> str:
    return out + CODEBOOK_SUFFIX


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _columns(fmt: str, texts: CodebookTexts) -> list[str]:
    if fmt in ("gdelt", "gdelt-mentions"):
        cols = event_columns() if fmt == "gdelt" else mention_columns()
        return _table(["#", "column", "type", "filled from"],
                      [(c.index, c.name, c.type, c.filled_from) for c in cols])
    if fmt == "plover":
        return _table(["field", "meaning"], list(texts.columns["plover"].items()))
    schema, group = (PANEL_SCHEMA, "panel") if fmt == "panel" else (EVENT_SCHEMA, "event")
    return _table(["#", "column", "type", "meaning"],
                  [(i, f.name, str(f.type), texts.columns[group][f.name])
                   for i, f in enumerate(schema)])


def _code_lists(fmt: str, texts: CodebookTexts) -> list[str]:
    from ..coding.cameo import load_cameo_table

    lines: list[str] = []
    names = ["quad_class"]
    if fmt != "panel":
        names += ["date_precision", "actiongeo_type" if fmt == "gdelt" else "geo_precision"]
    if fmt == "gdelt-mentions":
        names = []
    for name in names:
        lines += ["", f"### {name}", ""]
        lines += _table(["code", "meaning"], list(texts.codes[name].items()))
    table = load_cameo_table()
    if fmt not in ("panel", "gdelt-mentions"):
        roots = sorted((c.code, c.name) for c in table if c.level == 1)
        lines += ["", "### CAMEO root codes", "", *_table(["root", "name"], roots)]
        types = [(t.name, t.quad_category.replace("_", " "), ", ".join(t.modes) or "-")
                 for t in table.plover_types.values()]
        lines += ["", "### PLOVER event types", ""]
        lines += _table(["type", "quad category", "modes"], types)
    return lines


def render_codebook(info: ExportInfo) -> str:
    """The codebook of one export as Markdown."""
    texts = codebook_texts()
    title, about = texts.formats[info.fmt]
    when = (info.exported_at or datetime.now(UTC)).astimezone(UTC)
    lines = [f"# Codebook: {info.file}", "", f"**{title}.** {about}", "",
             f"- rows: {info.rows}", f"- filters: {info.filters}",
             f"- exported: {when.strftime('%Y-%m-%dT%H:%M:%SZ')}"]
    if info.coder_versions:
        lines.append(f"- coder versions in this file: {', '.join(info.coder_versions)}")
    if info.manifest:
        lines.append("- exported with: " + ", ".join(
            f"{k} {v}" for k, v in info.manifest.items() if v is not None))
    lines += [f"- note: {n}" for n in info.notes]
    lines += ["", "## Columns", "", *_columns(info.fmt, texts)]
    codes = _code_lists(info.fmt, texts)
    if codes:
        lines += ["", "## Codes", *codes]
    return "\n".join(lines) + "\n"


def write_codebook(info: ExportInfo, path: str) -> str:
    """Write the codebook to ``path``; returns the path."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(render_codebook(info))
    return path
