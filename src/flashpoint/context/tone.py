"""Tone of an article and of an event's evidence, on GDELT's AvgTone scale.

GDELT's tone is the percentage of positive words minus the percentage of negative words
(range −100..+100, news mostly between −10 and +5).  We compute the same quantity from
VADER (its lexicon ships inside ``vaderSentiment``, offline): for each sentence VADER reports the
share of positive and negative lexical weight; the tone is 100 × (positive − negative) averaged
over sentences, weighted by their length in words.  So a text with 6 % negative and 2 % positive
weight scores about −4, as GDELT would.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

MAX_SENTENCE_CHARS = 2_000


@functools.cache
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentence_tone(sentence: str) -> float:
    """Tone of one sentence: 100 × (positive − negative share)."""
    scores = _analyzer().polarity_scores(sentence[:MAX_SENTENCE_CHARS])
    return round(100.0 * (float(scores["pos"]) - float(scores["neg"])), 3)


def tone(sentences: Iterable[str]) -> float | None:
    """Word-weighted mean tone of ``sentences``; None for no text."""
    total = 0.0
    words = 0
    for s in sentences:
        n = len(s.split())
        if n == 0:
            continue
        total += sentence_tone(s) * n
        words += n
    return round(total / words, 3) if words else None
