"""Tone of an article and of an event's evidence, on GDELT's AvgTone scale.

GDELT's tone is the percentage of positive words minus the percentage of negative words
(range −100..+100, news mostly between −10 and +5).  We compute the same quantity with VADER's
lexicon (it ships inside ``vaderSentiment``, offline) as the word list: a word with a positive
valence counts as positive, a negative one as negative — except capitalised words inside a
sentence (names: "United States") and the news words listed in ``data/tone_neutral.txt``
("party", "security", "advanced" …) that the general lexicon scores but news uses neutrally.
So a text in which 6 % of the words are negative and 2 % positive scores −4, as GDELT would.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

MAX_SENTENCE_CHARS = 2_000
_CASED_WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@functools.cache
def _lexicon() -> dict[str, float]:
    """VADER's word valences (shipped inside ``vaderSentiment``), loaded once."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


@functools.cache
def _neutral() -> frozenset[str]:
    """News words the general lexicon scores but that carry no tone in news (data file)."""
    from importlib import resources

    text = (resources.files("flashpoint.context") / "data" / "tone_neutral.txt").read_text(
        encoding="utf-8")
    return frozenset(w.strip().lower() for w in text.splitlines()
                     if w.strip() and not w.startswith("#"))


def _counts(sentence: str) -> tuple[int, int, int]:
    lex = _lexicon()
    neutral = _neutral()
    pos = neg = 0
    found = _CASED_WORD.findall(sentence[:MAX_SENTENCE_CHARS])
    words = []
    for i, raw in enumerate(found):
        w = raw.lower()
        words.append(w)
        if w in neutral or (i > 0 and raw[0].isupper()):
            continue  # institution words, and names ("United States", "Hope Street")
        v = lex.get(w)
        if v is None:
            continue
        if v > 0:
            pos += 1
        elif v < 0:
            neg += 1
    return pos, neg, len(words)


def sentence_tone(sentence: str) -> float:
    """Tone of one sentence: % positive words − % negative words."""
    pos, neg, n = _counts(sentence)
    return round(100.0 * (pos - neg) / n, 3) if n else 0.0


def tone(sentences: Iterable[str]) -> float | None:
    """Tone of a text, as GDELT computes AvgTone: % positive − % negative words overall."""
    pos = neg = n = 0
    for s in sentences:
        p, q, k = _counts(s)
        pos, neg, n = pos + p, neg + q, n + k
    return round(100.0 * (pos - neg) / n, 3) if n else None
