"""The trigger lexicon: which words, in which syntactic frame, express which CAMEO act.

Each row of ``data/triggers.csv`` is a rule:

``rule``      unique id (reported as ``Mention.rule``)
``lemma``     the trigger's lemma (``accuse``, ``talks`` …); several rules may share one
``pos``       VERB, NOUN, ADJ or ANY
``cameo``     the CAMEO code the rule yields, or ``-``: a blocking rule — in this frame the
              word is no act ("fight COVID-19", "strike a balance"), and nothing it governs is
``requires``  ``;``-separated constraints, each ``key=a|b|c`` (all must hold):
              ``obj``  lemma of the direct object (verbs) or of an of/over/about object
              ``comp`` lemma of a complement verb or noun (``urge X to withdraw``)
              ``prep`` a preposition attached to the trigger (``call on``, ``call for``)
              ``prt``  a particle (``pull out``, ``call off``)
              ``mod``  a modifier of a noun trigger (``telephone conversation``), or a
                     verb's bare-noun modifier (``test`` in ``test-fired``)
              ``subj`` lemma of the subject head (``talks`` as subject of ``collapse``)
``target``    where the target is, in order of preference, ``,``-separated (a leading ``!``
              means the act needs a target: without one nothing is coded): ``dobj``,
              ``prep:with|to`` (object of one of these prepositions), ``comp_subj``
              (subject of the complement clause), ``comp_obj`` (its object: "readiness to
              bolster X"), ``dative``, ``recip`` (a compound subject
              acts on itself: ``X and Y met``), ``giver`` (the act is done by the object of
              "from" to the subject: ``X received weapons from Y`` is Y→X), ``none``
``mode``      optional PLOVER mode overriding the CAMEO table's
``note``      free text

Rules are validated on load (``DataFileError`` names file, rule and field).  The most specific
matching rule wins (more satisfied constraints); ties go to the earlier row.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import DataFileError
from ..ids import sha256_hex
from .cameo import load_cameo_table

BLOCK = "-"
CONSTRAINT_KEYS = ("obj", "comp", "prep", "prt", "mod", "subj")
TARGET_KINDS = ("dobj", "prep", "comp_subj", "comp_obj", "dative", "recip", "none", "poss",
                "giver")
POS_VALUES = ("VERB", "NOUN", "ADJ", "ANY")
_LEMMA = re.compile(r"^[a-z][a-z\-' ]*$")


@dataclass(frozen=True, slots=True)
class TargetSlot:
    kind: str  # one of TARGET_KINDS
    preps: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Rule:
    rule: str
    lemma: str
    pos: str
    cameo: str
    requires: Mapping[str, frozenset[str]]
    target: tuple[TargetSlot, ...]
    target_required: bool = False
    mode: str | None = None
    note: str = ""
    order: int = 0

    @property
    def specificity(self) -> int:
        return len(self.requires)


@dataclass(frozen=True, slots=True)
class Lexicon:
    rules: tuple[Rule, ...]
    by_lemma: Mapping[str, tuple[Rule, ...]]
    surface_forms: frozenset[str]  # lower-cased word forms that may be triggers
    sha256: str
    paths: tuple[str, ...] = field(default=())

    def candidates(self, lemma: str, pos: str) -> tuple[Rule, ...]:
        rules = self.by_lemma.get(lemma.lower(), ())
        group = {"VERB": "VERB", "AUX": "VERB", "NOUN": "NOUN", "PROPN": "NOUN",
                 "ADJ": "ADJ"}.get(pos, "")
        return tuple(r for r in rules if r.pos == "ANY" or r.pos == group)


def _parse_requires(path: str, rule: str, text: str) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        key, sep, values = part.partition("=")
        key = key.strip()
        if not sep or key not in CONSTRAINT_KEYS or not values.strip():
            raise DataFileError(path, f"bad constraint {part!r}", entry=rule, field="requires",
                                fix="write key=a|b with key one of " + ", ".join(CONSTRAINT_KEYS))
        out[key] = frozenset(v.strip().lower() for v in values.split("|") if v.strip())
    return out


def _parse_target(path: str, rule: str, text: str) -> tuple[TargetSlot, ...]:
    slots = []
    for part in filter(None, (p.strip() for p in (text or "dobj").split(","))):
        kind, _, preps = part.partition(":")
        if kind not in TARGET_KINDS or (kind == "prep") != bool(preps):
            raise DataFileError(path, f"bad target {part!r}", entry=rule, field="target",
                                fix="use " + ", ".join(TARGET_KINDS) + " (prep needs :a|b)")
        slots.append(TargetSlot(kind, frozenset(p.strip() for p in preps.split("|") if p)))
    return tuple(slots)


_IRREGULAR = {
    "be": ("is", "was", "were", "been", "being", "are"), "go": ("went", "gone", "goes"),
    "hold": ("held",), "meet": ("met",), "fight": ("fought",), "seek": ("sought",),
    "say": ("said",), "tell": ("told",), "shoot": ("shot",), "give": ("gave", "given"),
    "take": ("took", "taken"), "make": ("made",), "send": ("sent",), "lead": ("led",),
    "withdraw": ("withdrew", "withdrawn"), "strike": ("struck", "stricken"),
    "seize": (), "begin": ("began", "begun"), "speak": ("spoke", "spoken"),
    "break": ("broke", "broken"), "forbid": ("forbade", "forbidden"), "bring": ("brought",),
    "beat": ("beaten",), "throw": ("threw", "thrown"), "drive": ("drove", "driven"),
    "keep": ("kept",), "leave": ("left",), "lose": ("lost",), "win": ("won",),
    "sell": ("sold",), "buy": ("bought",), "pay": ("paid",), "lay": ("laid",),
    "freeze": ("froze", "frozen"), "steal": ("stole", "stolen"), "flee": ("fled",),
    "overthrow": ("overthrew", "overthrown"), "undertake": ("undertook", "undertaken"),
    "blow": ("blew", "blown"), "shake": ("shook", "shaken"), "rise": ("rose", "risen"),
    "stand": ("stood",), "withhold": ("withheld",), "uphold": ("upheld",),
    "upset": (), "cut": (), "put": (), "set": (), "hit": (), "quit": (),
    "forgive": ("forgave", "forgiven"), "bid": (), "hurt": (), "shut": (), "spread": (),
    "feel": ("felt",), "find": ("found",), "build": ("built",), "fly": ("flew", "flown"),
    "swear": ("swore", "sworn"), "weep": ("wept",), "bind": ("bound",), "mislead": ("misled",),
}


def inflections(lemma: str) -> set[str]:
    """Surface forms of an English verb or noun lemma (enough for candidate filtering)."""
    word = lemma.split()[0]
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing"}
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word + "d"}
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgklmnprt]$", word):
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    forms |= set(_IRREGULAR.get(word, ()))
    return forms


def _read_rules(path: Path, start: int) -> list[Rule]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(name, f"cannot read the lexicon ({exc})") from exc
    reader = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    needed = {"rule", "lemma", "pos", "cameo", "requires", "target"}
    if not reader.fieldnames or not needed <= set(reader.fieldnames):
        raise DataFileError(name, "missing columns", field=",".join(sorted(needed)),
                            fix="the header must name " + ", ".join(sorted(needed)))
    table = load_cameo_table()
    rules = []
    for n, row in enumerate(reader, start=start):
        rid = (row.get("rule") or "").strip()
        if not rid:
            raise DataFileError(name, "empty rule id", entry=f"row {n - start + 2}", field="rule")
        lemma = (row.get("lemma") or "").strip().lower()
        if not _LEMMA.match(lemma):
            raise DataFileError(name, f"bad lemma {lemma!r}", entry=rid, field="lemma")
        pos = (row.get("pos") or "").strip().upper()
        if pos not in POS_VALUES:
            raise DataFileError(name, f"bad pos {pos!r}", entry=rid, field="pos",
                                fix="use " + ", ".join(POS_VALUES))
        cameo = (row.get("cameo") or "").strip()
        if cameo != BLOCK and cameo not in table:
            raise DataFileError(name, f"unknown CAMEO code {cameo!r}", entry=rid, field="cameo",
                                fix="use a code from coding/data/cameo_codes.csv")
        rules.append(Rule(
            rule=rid, lemma=lemma, pos=pos, cameo=cameo,
            requires=_parse_requires(name, rid, row.get("requires") or ""),
            target=_parse_target(name, rid, (row.get("target") or "").lstrip("!")),
            target_required=(row.get("target") or "").startswith("!"),
            mode=(row.get("mode") or "").strip() or None,
            note=(row.get("note") or "").strip(), order=n,
        ))
    return rules


def build_lexicon(paths: list[Path]) -> Lexicon:
    rules: list[Rule] = []
    for path in paths:
        rules.extend(_read_rules(path, len(rules)))
    seen: dict[str, str] = {}
    for r in rules:
        if r.rule in seen:
            raise DataFileError(str(paths[-1]), "duplicate rule id", entry=r.rule, field="rule",
                                fix=f"rename one of the two rules (first in {seen[r.rule]})")
        seen[r.rule] = r.lemma
    by_lemma: dict[str, list[Rule]] = {}
    forms: set[str] = set()
    for r in rules:
        by_lemma.setdefault(r.lemma, []).append(r)
        forms |= inflections(r.lemma)
    digest = sha256_hex(b"".join(p.read_bytes() for p in paths))
    return Lexicon(tuple(rules), {k: tuple(v) for k, v in by_lemma.items()}, frozenset(forms),
                   digest, tuple(str(p) for p in paths))


def packaged_lexicon_paths() -> list[Path]:
    root = resources.files("flashpoint.coding") / "data"
    return sorted(Path(str(p)) for p in root.iterdir()
                  if p.name.startswith("triggers") and p.name.endswith(".csv"))


@functools.cache
def load_lexicon() -> Lexicon:
    """The packaged trigger lexicon (every ``data/triggers*.csv``), loaded once."""
    return build_lexicon(packaged_lexicon_paths())
