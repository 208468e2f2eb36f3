"""The CAMEO event-code table: scales (Goldstein, QuadClass, PentaClass) and the PLOVER mapping.

Three packaged data files in ``coding/data/``, validated on load:

- ``cameo_codes.csv``: every CAMEO 1.1b3 code with its GDELT Goldstein score and QuadClass
  (1-4), its Phoenix PentaClass (0-4) and Goldstein value, and the *official* CAMEO->PLOVER
  mapping as published (empty where PLOVER dropped the code).
- ``plover_overrides.csv``: our corrections to that mapping, one row per code with a reason
  (appeals 02x are REQUEST, mappings written for an older CAMEO numbering of 101/105-107 are
  fixed by meaning, modes that are not in the ontology are replaced ...).
- ``plover_types.csv``: the 16 PLOVER event types and their modes, against which every type and
  mode above is checked.

``load_cameo_table()`` reads the packaged files once per process; ``read_cameo_table(directory)``
reads the same three file names from another directory (tests, user tables).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

from ..errors import DataFileError, FlashpointError, NotFoundError

DATA_DIR = Path(__file__).resolve().parent / "data"
CODES_FILE = "cameo_codes.csv"
OVERRIDES_FILE = "plover_overrides.csv"
TYPES_FILE = "plover_types.csv"

_CODE_RE = re.compile(r"\d{2,4}")
_TYPE_RE = re.compile(r"[A-Z]+")
_MODE_RE = re.compile(r"[a-z]+(?:-[a-z]+)*")
_QUAD_CATEGORIES = ("verbal_cooperation", "material_cooperation", "verbal_conflict",
                    "material_conflict")
_CODE_COLUMNS = ("code", "name", "root", "level", "goldstein", "quad_class", "penta_class",
                 "goldstein_phoenix", "plover", "plover_mode", "plover_label")
_OVERRIDE_COLUMNS = ("code", "plover", "plover_mode", "reason")
_TYPE_COLUMNS = ("type", "mode", "quad_category", "score", "description")


@dataclass(frozen=True, slots=True)
class CameoCode:
    """One CAMEO code with its scales and its (corrected) PLOVER type and mode."""

    code: str
    name: str
    root: str  # the two-digit root ("19" for "193")
    level: int  # 1 root, 2 three-digit code, 3 four-digit code
    goldstein: float  # GDELT Goldstein scale, -10 .. 10
    quad_class: int  # GDELT QuadClass 1-4 (verbal/material cooperation/conflict)
    penta_class: int  # Phoenix PentaClass 0-4 (0 = neutral statement)
    plover: str | None  # PLOVER event type, None where none fits
    plover_mode: str | None
    goldstein_phoenix: float | None = None
    plover_reason: str | None = None  # why we departed from the official mapping, if we did


@dataclass(frozen=True, slots=True)
class PloverType:
    name: str
    quad_category: str  # verbal_cooperation | material_cooperation | verbal_conflict | ...
    modes: tuple[str, ...]
    score: float | None
    description: str


@dataclass(frozen=True, eq=False)
class CameoTable:
    """All CAMEO codes by code, the PLOVER types, and the sha256 of the data files."""

    codes: Mapping[str, CameoCode]
    plover_types: Mapping[str, PloverType]
    sha256: str  # over the three data files, for run manifests
    directory: str

    def get(self, code: str) -> CameoCode:
        """The entry for ``code`` (e.g. ``"193"``); ``NotFoundError`` naming the fix if unknown."""
        found = self.codes.get(code.strip()) if isinstance(code, str) else None
        if found is not None:
            return found
        raise NotFoundError(
            "unknown CAMEO event code",
            _unknown_code_fix(code, self.codes),
            subject=f"CAMEO code {code!r}",
        )

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self.codes

    def __len__(self) -> int:
        return len(self.codes)

    def __iter__(self) -> Iterator[CameoCode]:
        return iter(self.codes.values())

    def in_root(self, root: str) -> list[CameoCode]:
        return [c for c in self.codes.values() if c.root == root]


def root_of(code: str) -> str:
    """The two-digit CAMEO root of a code: ``root_of("1123") == "11"`` (format check only)."""
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code) or not 1 <= int(code[:2]) <= 20:
        raise FlashpointError(
            "not a CAMEO event code",
            "give 2 to 4 digits starting with a root 01-20, with the leading zero: '041'",
            subject=f"CAMEO code {code!r}",
        )
    return code[:2]


def quad_of(code: str) -> int:
    """GDELT QuadClass (1-4) of a known code."""
    return load_cameo_table().get(code).quad_class


def penta_of(code: str) -> int:
    """Phoenix PentaClass (0-4) of a known code."""
    return load_cameo_table().get(code).penta_class


@cache
def load_cameo_table() -> CameoTable:
    """The packaged table, read and validated once per process."""
    return read_cameo_table(DATA_DIR)


def read_cameo_table(directory: str | Path) -> CameoTable:
    """Read and validate the three table files in ``directory``; ``DataFileError`` on any fault."""
    folder = Path(directory)
    paths = [folder / CODES_FILE, folder / OVERRIDES_FILE, folder / TYPES_FILE]
    texts = [_read_text(p) for p in paths]
    types = _parse_types(str(paths[2]), texts[2])
    codes = _parse_codes(str(paths[0]), texts[0])
    overrides = _parse_overrides(str(paths[1]), texts[1], codes)
    final: dict[str, CameoCode] = {}
    for code, entry in codes.items():
        where, reason = str(paths[0]), None
        if code in overrides:
            plover, mode, reason = overrides[code]
            entry = _replace_plover(entry, plover, mode, reason)
            where = str(paths[1])
        hint = "" if code in overrides else f" (or correct it in {OVERRIDES_FILE})"
        _check_plover(where, code, entry.plover, entry.plover_mode, types, hint)
        final[code] = entry
    digest = hashlib.sha256()
    for path, text in zip(paths, texts, strict=True):
        digest.update(path.name.encode() + b"\0" + text.encode("utf-8") + b"\0")
    return CameoTable(MappingProxyType(final), MappingProxyType(types), digest.hexdigest(),
                      str(folder))


# --- parsing -------------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(str(path), "file not found",
                            f"restore {path.name} (it ships with the package)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(str(path), f"cannot read as UTF-8 text ({exc})") from exc


def _rows(path: str, text: str, columns: tuple[str, ...]) -> Iterator[tuple[str, dict[str, str]]]:
    """Rows of a CSV with ``#`` comment lines, as (entry label, stripped values)."""
    lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(lines)))
    header = next(reader, None)
    if header is None:
        raise DataFileError(path, "no header row", "the first non-comment line names the columns")
    header = [h.strip() for h in header]
    for col in columns:
        if col not in header:
            raise DataFileError(path, f"missing column {col!r}",
                                "expected columns: " + ", ".join(columns), field=col)
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        label = values[0].strip() if values and values[0].strip() else f"row {number}"
        if len(values) != len(header):
            raise DataFileError(path, f"{len(values)} fields where the header has {len(header)}",
                                "quote values that contain commas", entry=label)
        yield label, {h: v.strip() for h, v in zip(header, values, strict=True)}


def _number(path: str, entry: str, row: dict[str, str], name: str, lo: float, hi: float,
            *, integer: bool = False, optional: bool = False) -> float | None:
    text = row[name]
    if not text and optional:
        return None
    try:
        value = float(int(text)) if integer else float(text)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise DataFileError(path, f"{text!r} is not {kind}", f"give {kind} in {lo:g}..{hi:g}",
                            entry=entry, field=name) from None
    if not lo <= value <= hi:
        raise DataFileError(path, f"{text} is out of range", f"give a value in {lo:g}..{hi:g}",
                            entry=entry, field=name)
    return value


def _parse_codes(path: str, text: str) -> dict[str, CameoCode]:
    codes: dict[str, CameoCode] = {}
    for entry, row in _rows(path, text, _CODE_COLUMNS):
        code = row["code"]
        if not _CODE_RE.fullmatch(code) or not 1 <= int(code[:2]) <= 20:
            raise DataFileError(path, f"{code!r} is not a CAMEO code",
                                "2-4 digits with the leading zero, root 01-20", entry=entry,
                                field="code")
        if code in codes:
            raise DataFileError(path, "duplicate code", "keep one row per code", entry=code,
                                field="code")
        if row["root"] != code[:2]:
            raise DataFileError(path, f"root {row['root']!r} does not match the code",
                                f"the root is the first two digits: {code[:2]!r}", entry=code,
                                field="root")
        level = int(_number(path, code, row, "level", 1, 3, integer=True) or 0)
        if level != len(code) - 1:
            raise DataFileError(path, f"level {level} does not match the code length",
                                f"a {len(code)}-digit code has level {len(code) - 1}",
                                entry=code, field="level")
        parent = code[:-1] if len(code) > 2 else None
        if parent is not None and parent not in codes:
            raise DataFileError(path, f"parent code {parent!r} is missing or comes later",
                                "list each code after its root and parent", entry=code,
                                field="code")
        if not row["name"]:
            raise DataFileError(path, "empty name", "give the CAMEO name", entry=code,
                                field="name")
        quad = int(_number(path, code, row, "quad_class", 1, 4, integer=True) or 0)
        penta = int(_number(path, code, row, "penta_class", 0, 4, integer=True) or 0)
        root = codes.get(code[:2])
        if root is not None and (quad, penta) != (root.quad_class, root.penta_class):
            bad = "quad_class" if quad != root.quad_class else "penta_class"
            raise DataFileError(path, f"{bad} differs from its root {root.code}",
                                "every code of a root has the root's QuadClass and PentaClass",
                                entry=code, field=bad)
        codes[code] = CameoCode(
            code=code, name=row["name"], root=code[:2], level=level,
            goldstein=_number(path, code, row, "goldstein", -10, 10) or 0.0,
            quad_class=quad, penta_class=penta,
            plover=row["plover"] or None, plover_mode=row["plover_mode"] or None,
            goldstein_phoenix=_number(path, code, row, "goldstein_phoenix", -10, 10,
                                      optional=True),
        )
    if not codes:
        raise DataFileError(path, "no codes", "the table must list the CAMEO codes")
    return codes


def _parse_overrides(path: str, text: str, codes: Mapping[str, CameoCode]
                     ) -> dict[str, tuple[str | None, str | None, str]]:
    out: dict[str, tuple[str | None, str | None, str]] = {}
    for entry, row in _rows(path, text, _OVERRIDE_COLUMNS):
        code = row["code"]
        if code not in codes:
            raise DataFileError(path, "not a code of " + CODES_FILE,
                                "override only codes listed in " + CODES_FILE, entry=entry,
                                field="code")
        if code in out:
            raise DataFileError(path, "duplicate override", "keep one row per code", entry=code,
                                field="code")
        if not row["reason"]:
            raise DataFileError(path, "override without a reason",
                                "say why the official mapping is wrong", entry=code,
                                field="reason")
        plover, mode = row["plover"] or None, row["plover_mode"] or None
        base = codes[code]
        if (plover, mode) == (base.plover, base.plover_mode):
            raise DataFileError(path, "override repeats the official mapping",
                                "delete the row", entry=code, field="plover")
        out[code] = (plover, mode, row["reason"])
    return out


def _parse_types(path: str, text: str) -> dict[str, PloverType]:
    heads: dict[str, dict[str, str]] = {}
    modes: dict[str, list[str]] = {}
    for _, row in _rows(path, text, _TYPE_COLUMNS):
        name, mode = row["type"], row["mode"]
        entry = f"{name}/{mode}" if mode else name
        if not _TYPE_RE.fullmatch(name):
            raise DataFileError(path, f"{name!r} is not a PLOVER type name",
                                "upper-case letters only, e.g. ASSAULT", entry=entry,
                                field="type")
        if row["quad_category"] not in _QUAD_CATEGORIES:
            raise DataFileError(path, f"unknown quad category {row['quad_category']!r}",
                                "one of " + ", ".join(_QUAD_CATEGORIES), entry=entry,
                                field="quad_category")
        _number(path, entry, row, "score", -10, 10, optional=True)
        if not mode:
            if name in heads:
                raise DataFileError(path, "duplicate type row", "keep one row per type",
                                    entry=name, field="type")
            heads[name] = row
            modes[name] = []
            continue
        if name not in heads:
            raise DataFileError(path, "mode before its type row",
                                "list the type row (empty mode) first", entry=entry, field="type")
        if not _MODE_RE.fullmatch(mode) or mode in modes[name]:
            raise DataFileError(path, f"bad or duplicate mode {mode!r}",
                                "lower-case words joined by '-', once per type",
                                entry=entry, field="mode")
        if row["quad_category"] != heads[name]["quad_category"]:
            raise DataFileError(path, "quad category differs from its type row",
                                "use the type's quad category", entry=entry,
                                field="quad_category")
        modes[name].append(mode)
    if not heads:
        raise DataFileError(path, "no PLOVER types", "list the 16 event types")
    return {
        name: PloverType(name, row["quad_category"], tuple(modes[name]),
                         float(row["score"]) if row["score"] else None, row["description"])
        for name, row in heads.items()
    }


def _replace_plover(entry: CameoCode, plover: str | None, mode: str | None,
                    reason: str) -> CameoCode:
    return CameoCode(entry.code, entry.name, entry.root, entry.level, entry.goldstein,
                     entry.quad_class, entry.penta_class, plover, mode,
                     entry.goldstein_phoenix, reason)


def _check_plover(path: str, code: str, plover: str | None, mode: str | None,
                  types: Mapping[str, PloverType], hint: str) -> None:
    if plover is None:
        if mode is not None:
            raise DataFileError(path, f"mode {mode!r} without a PLOVER type",
                                "give the type or drop the mode", entry=code, field="plover_mode")
        return
    if plover not in types:
        raise DataFileError(path, f"{plover!r} is not a PLOVER event type",
                            "one of " + ", ".join(types) + hint,
                            entry=code, field="plover")
    if mode is not None and mode not in types[plover].modes:
        valid = ", ".join(types[plover].modes) or "none"
        raise DataFileError(path, f"{mode!r} is not a mode of {plover}",
                            f"valid modes: {valid}{hint}", entry=code,
                            field="plover_mode")


def _unknown_code_fix(code: object, codes: Mapping[str, CameoCode]) -> str:
    text = str(code).strip()
    hints = []
    if text.isdigit() and ("0" + text) in codes:
        hints.append(f"did you mean '0{text}' (CAMEO codes keep the leading zero)?")
    elif text.isdigit() and len(text) > 2:
        parent = text[:-1]
        while parent and parent not in codes:
            parent = parent[:-1]
        if parent:
            hints.append(f"the nearest known code is {parent!r} ({codes[parent].name})")
    hints.append(f"valid codes are listed in coding/data/{CODES_FILE}")
    return "; ".join(hints)
