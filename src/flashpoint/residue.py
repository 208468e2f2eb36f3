"""Residue filter for crawler-saved plain text: widget lines out, title and byline found.

A page saved as text keeps the words of its buttons, counters, comment forms, cookie banners and
navigation as lines of their own.  :func:`filter_residue` drops them with the rules in
``data/residue_patterns.toml`` (validated on load) and a few structural rules:

- a line is only tested against a rule when it is short enough for that rule (``max_chars``), so a
  real paragraph that merely mentions "share" or "comments" is never dropped;
- lines without a letter or digit, and rows of button words ("Share Facebook Twitter"), are residue;
- ``comments`` rules cut the rest of the text once some article text came before them;
- an ``author_box`` heading takes its short bio with it when only residue follows;
- a ``related`` heading takes the headline-like lines after it (a list of other articles);
- before the body (the first prose paragraph) the title is the first short, headline-like line
  with no final period (of five words or more when there is one: a site name above the title is
  usually shorter); lines above the title (site name, navigation) and short labels are dropped,
  lines between the title and the body (a standfirst) are kept; bylines give the author and date
  lines the publication date. Trailing labels after the body are dropped too.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DataFileError
from .published import parse_published

PATTERNS_PATH = Path(__file__).parent / "data" / "residue_patterns.toml"
KINDS = ("line", "comments", "author_box", "related", "byline", "date")
_RULE_KEYS = {"name", "kind", "pattern", "max_chars", "examples"}
_DEFAULT_MAX_CHARS = 120

_TRIM = " \t»«›‹→←•·|>"
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_ALNUM = re.compile(r"\w", re.UNICODE)
_TOKENS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+")
_TERMINAL = re.compile(r"[.!?…][\"'”’»)\]]*$")
_NO_FINAL_PERIOD = re.compile(r".*[^.]$|.*\.\.\.$|.*…$", re.DOTALL)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_NAME_PARTICLES = {"de", "van", "von", "der", "den", "al", "el", "bin", "da", "di", "la", "le",
                   "du", "dos", "das", "del", "y", "and", "ibn"}
_NOT_NAMES = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
              "january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december", "then", "now"}

_PROSE_MIN_WORDS = 6
_TITLE_MIN_WORDS = 3
_TITLE_GOOD_WORDS = 5
_TITLE_MAX_CHARS = 200
_LABEL_MAX_WORDS = 3
_BIO_MAX_PARAGRAPHS = 1
_BIO_MAX_CHARS = 600
_RELATED_MAX_CHARS = 200
_COMMENTS_MIN_BODY_CHARS = 300
_WRAP_MIN, _WRAP_MAX = 40, 100


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    kind: str
    regex: re.Pattern[str]
    max_chars: int
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResiduePatterns:
    rules: tuple[Rule, ...]
    widget_words: frozenset[str]
    fillers: frozenset[str]
    max_tokens: int
    max_chars: int  # the longest line any rule applies to


@dataclass(frozen=True, slots=True)
class Filtered:
    """What :func:`filter_residue_detail` found in a text."""

    title: str | None
    paragraphs: tuple[str, ...]
    author: str | None = None
    date_text: str | None = None  # a date line found before the body
    dropped: tuple[str, ...] = ()  # the residue lines, in order
    residue_lines: int = 0  # lines matched by a rule or a structural rule


def filter_residue(text: str) -> tuple[str | None, list[str]]:
    """``(title, paragraphs)`` of crawler-saved plain text with page residue removed."""
    result = filter_residue_detail(text)
    return result.title, list(result.paragraphs)


@functools.cache
def default_patterns() -> ResiduePatterns:
    """The packaged residue rules, loaded and validated once per process."""
    return load_patterns(PATTERNS_PATH)


def load_patterns(path: Path) -> ResiduePatterns:
    """Read and validate a residue rule file (see the packaged file for the format)."""
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DataFileError(where, "file not found", "reinstall flashpoint") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError(where, f"not valid TOML ({exc})") from exc
    if data.get("version") != 1:
        raise DataFileError(where, "unsupported or missing version", "set version = 1",
                            field="version")
    words = _word_table(where, data.get("widget_words"))
    raw_rules = data.get("rule")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise DataFileError(where, "no [[rule]] entries", "add at least one rule", field="rule")
    rules: list[Rule] = []
    names: set[str] = set()
    for index, raw in enumerate(raw_rules):
        rule = _rule(where, index, raw)
        if rule.name in names:
            raise DataFileError(where, "duplicate rule name", entry=rule.name, field="name")
        names.add(rule.name)
        rules.append(rule)
    return ResiduePatterns(
        rules=tuple(rules),
        widget_words=words[0],
        fillers=words[1],
        max_tokens=words[2],
        max_chars=max(r.max_chars for r in rules),
    )


def _word_table(where: str, table: Any) -> tuple[frozenset[str], frozenset[str], int]:
    if not isinstance(table, dict):
        raise DataFileError(where, "missing [widget_words] table", field="widget_words")
    out: list[frozenset[str]] = []
    for key in ("words", "fillers"):
        value = table.get(key)
        if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
            raise DataFileError(where, "must be a list of non-empty strings",
                                entry="widget_words", field=key)
        out.append(frozenset(w.casefold() for w in value))
    max_tokens = table.get("max_tokens")
    if not isinstance(max_tokens, int) or not 1 <= max_tokens <= 50:
        raise DataFileError(where, "must be an integer from 1 to 50", entry="widget_words",
                            field="max_tokens")
    return out[0], out[1], max_tokens


def _rule(where: str, index: int, raw: Any) -> Rule:
    entry = f"rule #{index + 1}"
    if not isinstance(raw, dict):
        raise DataFileError(where, "must be a table", entry=entry)
    name = raw.get("name")
    if not isinstance(name, str) or not name:
        raise DataFileError(where, "missing or empty name", entry=entry, field="name")
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise DataFileError(where, f"unknown key(s) {', '.join(unknown)}",
                            "valid keys: " + ", ".join(sorted(_RULE_KEYS)), entry=name)
    kind = raw.get("kind")
    if kind not in KINDS:
        raise DataFileError(where, f"unknown kind {kind!r}", "use one of " + ", ".join(KINDS),
                            entry=name, field="kind")
    pattern = raw.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        raise DataFileError(where, "missing pattern", entry=name, field="pattern")
    try:
        regex = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise DataFileError(where, f"bad regular expression ({exc})", entry=name,
                            field="pattern") from exc
    group = {"byline": "author", "date": "date"}.get(kind)
    if group is not None and group not in regex.groupindex:
        raise DataFileError(where, f"a {kind} rule needs a group named {group!r}",
                            f"write (?P<{group}>...) in the pattern", entry=name, field="pattern")
    max_chars = raw.get("max_chars", _DEFAULT_MAX_CHARS)
    if not isinstance(max_chars, int) or isinstance(max_chars, bool) or not 1 <= max_chars <= 2000:
        raise DataFileError(where, "must be an integer from 1 to 2000", entry=name,
                            field="max_chars")
    examples = raw.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        raise DataFileError(where, "must be a list of strings", entry=name, field="examples")
    for example in examples:
        key = _key(example)
        if len(key) > max_chars or not regex.fullmatch(key):
            raise DataFileError(where, f"example {example!r} does not match the pattern",
                                "fix the pattern or the example", entry=name, field="examples")
    return Rule(name=name, kind=kind, regex=regex, max_chars=max_chars, examples=tuple(examples))


# --- classification ------------------------------------------------------------------------------


def _key(line: str) -> str:
    return line.strip(_TRIM)


@dataclass(frozen=True, slots=True)
class Match:
    """The residue rule a line matched (structural rules: kind "line", rule "no-letters" or
    "widget-words")."""

    kind: str  # one of KINDS
    rule: str  # the rule's name
    value: str | None = None  # author name (byline) or date text (date)


def classify(line: str, patterns: ResiduePatterns | None = None) -> Match | None:
    """The residue rule a single line matches, or None for article text."""
    pats = patterns or default_patterns()
    if not _ALNUM.search(line):
        return Match("line", "no-letters")
    if len(line) > pats.max_chars:
        return None
    key = _key(line)
    for rule in pats.rules:
        if len(key) > rule.max_chars:
            continue
        match = rule.regex.fullmatch(key)
        if match is None:
            continue
        if rule.kind == "byline":
            author = _author_name(match.group("author"), key)
            if author is None:
                continue
            return Match("byline", rule.name, author)
        if rule.kind == "date":
            return Match("date", rule.name, match.group("date"))
        return Match(rule.kind, rule.name)
    if _is_widget_row(key, pats):
        return Match("line", "widget-words")
    return None


def _is_widget_row(key: str, pats: ResiduePatterns) -> bool:
    if key.count(" ") >= pats.max_tokens:
        return False
    tokens = _TOKENS.findall(key.casefold())
    if not tokens or len(tokens) > pats.max_tokens:
        return False
    words = [t for t in tokens if not t.isdigit()]
    return (bool(words) and all(w in pats.widget_words for w in words)
            and any(w not in pats.fillers for w in words))


def _author_name(raw: str, line: str) -> str | None:
    name = raw.strip(" .:;-–—")
    if _TERMINAL.search(line) and not line.endswith(name + "."):
        return None  # a sentence that starts with "By …", not a byline
    words = name.split()
    if not 1 <= len(words) <= 6:
        return None
    capitals = 0
    for word in words:
        if word.casefold() in _NAME_PARTICLES:
            continue
        if not _NAME_WORD.fullmatch(word) or not word[0].isupper():
            return None
        if word.casefold() in _NOT_NAMES:
            return None
        capitals += 1
    return name if capitals else None


# --- the filter ----------------------------------------------------------------------------------


def split_units(text: str) -> list[str]:
    """Paragraph candidates: blank-line blocks; lines of a hard-wrapped block joined."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    units: list[str] = []
    for block in _BLANK_LINE.split(text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        lines = [line for line in lines if line]
        if _hard_wrapped(lines):
            units.append(" ".join(lines))
        else:
            units.extend(lines)
    return units


def _hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    widths = [len(line) for line in lines[:-1]]
    if min(widths) < _WRAP_MIN or max(widths) > _WRAP_MAX:
        return False
    return max(widths) - min(widths) <= max(widths) // 4 and len(lines[-1]) <= max(widths) + 2


def is_prose(unit: str) -> bool:
    """A real paragraph: enough words, ending like a sentence (or long)."""
    if len(unit.split()) < _PROSE_MIN_WORDS:
        return False
    return bool(_TERMINAL.search(unit)) or len(unit) > _TITLE_MAX_CHARS


def _title_like(unit: str) -> bool:
    words = unit.split()
    return (len(words) >= _TITLE_MIN_WORDS and len(unit) < _TITLE_MAX_CHARS
            and not unit.endswith(".") and any(c.isalpha() for c in unit))


def _label(unit: str) -> bool:
    return len(unit.split()) <= _LABEL_MAX_WORDS and not _TERMINAL.search(unit)


def filter_residue_detail(
    text: str, *, title: str | None = None, patterns: ResiduePatterns | None = None
) -> Filtered:
    """Residue filter with everything it found. ``title``: a known title (not searched for)."""
    pats = patterns or default_patterns()
    units = split_units(text)
    marks = [classify(u, pats) for u in units]
    body_start = next((k for k, (u, m) in enumerate(zip(units, marks, strict=True))
                       if m is None and is_prose(u)), len(units))
    title_at = _pick_title(units, marks, body_start) if title is None else None
    found_title = units[title_at] if title_at is not None else title
    body: list[str] = []
    dropped: list[str] = []
    author: str | None = None
    date_text: str | None = None
    i = 0
    while i < len(units):
        k, unit, mark = i, units[i], marks[i]
        i += 1
        header = k < body_start
        if k == title_at:
            continue
        if mark is None:
            chrome = header and (_label(unit) or (title_at is not None and k < title_at)
                                 or (title is not None and _same_title(unit, title)))
            if chrome or unit == found_title:
                dropped.append(unit)
            else:
                body.append(unit)
            continue
        dropped.append(unit)
        if mark.kind == "byline" and author is None:
            author = mark.value
        elif mark.kind == "date" and header and date_text is None and mark.value:
            if parse_published(mark.value) is not None:
                date_text = mark.value
        elif mark.kind == "comments" and sum(len(p) for p in body) >= _COMMENTS_MIN_BODY_CHARS:
            dropped.extend(units[i:])
            i = len(units)
        elif mark.kind == "author_box" and not header:
            i = _skip_bio(units, marks, i, dropped)
        elif mark.kind == "related" and not header:
            # The list runs on through headlines and their date/category lines.
            while i < len(units) and _in_related_list(units[i], marks[i]):
                dropped.append(units[i])
                i += 1
    while body and _label(body[-1]):
        dropped.append(body.pop())
    residue = sum(1 for m in marks if m is not None)
    return Filtered(found_title, tuple(body), author, date_text, tuple(dropped), residue)


def _in_related_list(unit: str, mark: Match | None) -> bool:
    if mark is not None:
        return mark.kind in {"date", "line"}
    return not is_prose(unit) and len(unit) <= _RELATED_MAX_CHARS


def _same_title(unit: str, title: str) -> bool:
    """A header line that repeats a known title, whole or in part (page title vs. headline)."""
    if not title or not _title_like(unit):
        return False
    a, b = unit.casefold(), title.casefold()
    return a in b or b in a


def _pick_title(units: list[str], marks: list[Match | None], end: int) -> int | None:
    """Index of the title among the lines before the body: the last headline-like line of
    ``_TITLE_GOOD_WORDS`` words or more, else the longest (a site name is usually shorter).

    A line followed by navigation labels before the body ("Menu", "Home", "Politics" …) is a
    site tagline above the menu, not the title, unless nothing else qualifies.
    """
    candidates = [k for k in range(end) if marks[k] is None and _title_like(units[k])]
    if not candidates:
        return None
    below_menu = [k for k in candidates
                  if not any(marks[j] is None and _label(units[j]) for j in range(k + 1, end))]
    candidates = below_menu or candidates
    # The headline sits right above the body; a tagline under the site name comes before it.
    for k in reversed(candidates):
        if len(units[k].split()) >= _TITLE_GOOD_WORDS:
            return k
    return max(candidates, key=lambda k: (len(units[k].split()), -k))


def _skip_bio(units: list[str], marks: list[Match | None], start: int, dropped: list[str]) -> int:
    """After an author-box heading: drop a short bio when nothing but residue follows it."""
    end = start
    while end < len(units) and marks[end] is None:
        end += 1
    bio = units[start:end]
    if not bio or len(bio) > _BIO_MAX_PARAGRAPHS or any(len(u) > _BIO_MAX_CHARS for u in bio):
        return start
    for mark in marks[end:]:
        if mark is None:
            return start  # article text follows: this was no footer
        if mark.kind == "comments":
            break  # the comment section starts: whatever follows is not article text
    dropped.extend(bio)
    return end
