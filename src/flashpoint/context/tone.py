"""Tone of an article and of an event's evidence, on GDELT's AvgTone scale.

GDELT's tone is the percentage of positive words minus the percentage of negative words
(range −100..+100, news mostly between −10 and +5).  We compute the same quantity with VADER's
lexicon (it ships inside ``vaderSentiment``, offline) as the word list: a word with a positive
valence counts as positive, a negative one as negative.  So a text in which 6 % of the words are
negative and 2 % positive scores −4, as GDELT would.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

MAX_SENTENCE_CHARS = 2_000
_WORD = re.compile(r"[a-z][a-z']*")


@functools.cache
def _lexicon() -> dict[str, float]:
    """VADER's word valences (shipped inside ``vaderSentiment``), loaded once."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


def _counts(sentence: str) -> tuple[int, int, int]:
    lex = _lexicon()
    pos = neg = 0
    words = _WORD.findall(sentence[:MAX_SENTENCE_CHARS].lower())
    for w in words:
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
