"""PLOVER magnitude fields from a sentence: dead, injured, size (number of participants)."""

from __future__ import annotations

import functools
import re

from ..model import Magnitude

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "a dozen": 12, "dozen": 12, "dozens": 24, "dozens of": 24, "scores of": 40,
    "hundreds": 200, "hundreds of": 200, "thousands": 2000, "thousands of": 2000,
    "tens of thousands": 20000, "tens of thousands of": 20000,
}
_NUM = (r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+(?:thousand|million))?|"
        r"tens of thousands(?: of)?|hundreds(?: of)?|thousands(?: of)?|dozens(?: of)?|"
        r"scores of|a dozen|dozen|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
        r"twelve|thirteen|fifteen|twenty|thirty|forty|fifty|a|an)")
_NOUN = r"(?:[\w'-]+\s+){0,3}?"
_DEAD_AFTER = re.compile(
    rf"\b{_NUM}\s+{_NOUN}(?:people|persons|civilians|soldiers|troops|officers?|policem[ae]n|"
    rf"gunmen|militants|fighters|rebels|attackers|assailants|protesters|children|men|women|"
    rf"others|members|servicem[ae]n|\w+)\s+(?:were\s+|have\s+been\s+|had\s+been\s+)?"
    rf"(?:killed|dead|died|slain|shot\s+dead)\b", re.I)
_DEAD_BEFORE = re.compile(
    rf"\b(?:killed|killing|kills|death\s+of|deaths\s+of|left|leaving)\s+(?:at\s+least\s+)?"
    rf"{_NUM}\b(?!\s+(?:days?|weeks?|months?|years?|times))", re.I)
_DEATH_TOLL = re.compile(rf"\b(?:death\s+toll|toll)\s+(?:rose\s+to|of|reached|at)\s+{_NUM}", re.I)
_INJURED_AFTER = re.compile(
    rf"\b{_NUM}\s+{_NOUN}(?:\w+\s+)?(?:were\s+|have\s+been\s+)?(?:injured|wounded|hurt)\b",
    re.I)
_INJURED_BEFORE = re.compile(
    rf"\b(?:injuring|wounding|injured|wounded)\s+(?:at\s+least\s+)?{_NUM}\b", re.I)
_SIZE = re.compile(
    rf"\b{_NUM}\s+(?:\w+\s+)?(?:protesters|demonstrators|troops|soldiers|people|supporters|"
    rf"gunmen|assailants|fighters|police|officers|tanks|marchers|refugees)\b", re.I)

# Key words without which a field's patterns cannot match (checked first: they are cheap).
_DEAD_WORDS = re.compile(r"kill|dead|died|slain|death|toll|\bleft\b|leaving", re.I)
_INJURED_WORDS = re.compile(r"injur|wound|hurt", re.I)
_SIZE_WORDS = re.compile(r"protesters|demonstrators|troops|soldiers|people|supporters|gunmen|"
                         r"assailants|fighters|police|officers|tanks|marchers|refugees", re.I)


def _value(text: str) -> int | None:
    t = text.lower().strip()
    if t in _NUMBER_WORDS:
        return _NUMBER_WORDS[t]
    mult = 1
    if t.endswith(" thousand"):
        mult, t = 1000, t[: -len(" thousand")]
    elif t.endswith(" million"):
        mult, t = 1_000_000, t[: -len(" million")]
    try:
        return int(float(t.replace(",", "")) * mult)
    except ValueError:
        return None


def _first(patterns: list[re.Pattern[str]], sentence: str) -> int | None:
    best: int | None = None
    for pat in patterns:
        for m in pat.finditer(sentence):
            num = m.group("num")
            val = _value(num) if num else None
            if val is not None and val < 10_000_000:
                best = val if best is None else max(best, val)
    return best


@functools.lru_cache(maxsize=4096)
def magnitude(sentence: str) -> Magnitude:
    """Deaths, injuries and crowd/force size stated in ``sentence`` (None where not stated).

    Each field's patterns run only when one of their key words is in the sentence: most
    sentences state no casualties, and the patterns try a number at every word.
    """
    dead = (_first([_DEAD_AFTER, _DEAD_BEFORE, _DEATH_TOLL], sentence)
            if _DEAD_WORDS.search(sentence) else None)
    injured = (_first([_INJURED_AFTER, _INJURED_BEFORE], sentence)
               if _INJURED_WORDS.search(sentence) else None)
    size = _first([_SIZE], sentence) if _SIZE_WORDS.search(sentence) else None
    return Magnitude(dead=dead, injured=injured, size=size)
