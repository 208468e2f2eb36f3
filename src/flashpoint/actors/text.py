"""Tokens for actor matching: one tokenizer for dictionary phrases and for article text.

Dictionary phrases and sentences are cut the same way, so a phrase matches a run of tokens
exactly.  A token keeps its character offsets (for spans), a *key* used for lookup (accents
folded, case folded, dots dropped: "U.S." -> "us", "Vučić" -> "vucic") and a *shape* used by the
case rules of ``case_ok``:

- a dictionary token with two or more capitals ("NATO", "U.S.", "AfD") must appear in exactly
  that case ("us" and "Us" are not the United States);
- a capitalised dictionary token ("Chad", "Jordan") must be capitalised in the text, and an
  all-capitals text token of up to four letters does not match it ("NIS" is an acronym, not
  the city of Niš);
- a lower-case dictionary token ("police") matches in any case;
- in a text with no lower-case letter at all (a headline in capitals) every token matches in
  any case.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# An acronym with dots (U.S., D.P.R.K.), a possessive, a word, or any other single character.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|['’]s\b|[^\W_]+|\S")
_FOLD = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe", "ı": "i", "ß": "ss",
    "’": "'", "‘": "'", "`": "'", "´": "'", "–": "-", "—": "-", "‐": "-", "‑": "-",
})
# Words that match in any case inside a capitalised name ("the Hague", "Bosnia and
# Herzegovina", "al-Assad", "von der Leyen").
FUNCTION_WORDS = frozenset({
    "the", "of", "and", "de", "del", "della", "di", "da", "do", "dos", "du", "des", "la", "le",
    "el", "al", "von", "van", "der", "den", "bin", "ibn", "bint", "ben", "y", "e", "&", "-", "'",
    "'s", "for", "in", "on", "wal", "ul", "ur", "ud", "ad", "as", "an",
})
MAX_TEXT_CHARS = 20_000  # longer inputs are cut: actor phrases and sentences are short


class Case(StrEnum):
    """How a dictionary token constrains the case of the text token it matches."""

    ANY = "any"
    TITLE = "title"
    EXACT = "exact"


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as in the input
    start: int
    end: int
    key: str  # lookup form: folded, case-folded, no dots

    @property
    def is_word(self) -> bool:
        return any(ch.isalnum() for ch in self.text)

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_upper(self) -> bool:
        letters = [ch for ch in self.text if ch.isalpha()]
        return bool(letters) and all(ch.isupper() for ch in letters)


def fold(text: str) -> str:
    """Accents removed, special letters and typographic marks replaced (case kept)."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def token_key(text: str) -> str:
    key = fold(text).casefold()
    if len(key) > 1 and "." in key:
        key = key.replace(".", "")
    return key


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` (at most ``MAX_TEXT_CHARS`` characters are read)."""
    text = text[:MAX_TEXT_CHARS]
    return [Token(m.group(), m.start(), m.end(), token_key(m.group()))
            for m in _TOKEN.finditer(text)]


def phrase_keys(phrase: str) -> tuple[str, ...]:
    return tuple(t.key for t in tokenize(phrase))


def case_pattern(phrase: str) -> tuple[tuple[Case, str], ...]:
    """For each token of a dictionary phrase: its case rule and its exact (folded) form."""
    out: list[tuple[Case, str]] = []
    for tok in tokenize(phrase):
        form = fold(tok.text).replace(".", "") if len(tok.text) > 1 else fold(tok.text)
        capitals = sum(1 for ch in form if ch.isupper())
        if tok.key in FUNCTION_WORDS or not tok.is_word:
            out.append((Case.ANY, form))
        elif capitals >= 2:
            out.append((Case.EXACT, form))
        elif capitals == 1 and form[:1].isupper():
            out.append((Case.TITLE, form))
        else:
            out.append((Case.ANY, form))
    return tuple(out)


def case_ok(pattern: tuple[tuple[Case, str], ...], tokens: list[Token], start: int,
            shouting: bool) -> bool:
    """Whether ``tokens[start:start+len(pattern)]`` satisfy the case rules of ``pattern``."""
    if shouting:
        return True
    for (rule, form), tok in zip(pattern, tokens[start:start + len(pattern)], strict=False):
        if rule is Case.ANY:
            continue
        text_form = fold(tok.text).replace(".", "") if len(tok.text) > 1 else fold(tok.text)
        if rule is Case.EXACT:
            if text_form != form:
                return False
        elif not tok.is_capitalised or (tok.is_upper and len(text_form) <= 4
                                        and len(text_form) > 1):
            return False
    return True


def is_shouting(text: str) -> bool:
    """True for text without any lower-case letter (a headline or dateline in capitals)."""
    return not any(ch.islower() for ch in text) and any(ch.isupper() for ch in text)
