"""Small builders shared by tests (our own synthetic text, never third-party articles)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path

from flashpoint.coding import code_article
from flashpoint.evaluate import sentence_article
from flashpoint.model import Mention, actor_key

_SUBJECTS = ["The ministry", "Local officials", "The mayor", "A regional council", "Police",
             "The port authority", "Farmers' groups", "The central bank", "Rescue teams",
             "A court", "The railway operator", "Teachers' unions"]
_VERBS = ["announced", "reported", "confirmed", "rejected", "postponed", "reviewed", "approved",
          "criticised", "welcomed", "extended"]
_OBJECTS = ["a new budget plan", "repairs to the northern bridge", "the harvest figures",
            "a rise in fuel prices", "changes to the school calendar", "the flood defences",
            "a plan for cheaper buses", "an inquiry into delays", "new rules for markets",
            "a cut in interest rates", "the reopening of the museum", "longer opening hours"]
_TAILS = ["after weeks of debate", "on the advice of experts", "despite protests",
          "following a public consultation", "ahead of the winter", "in a short statement",
          "at a meeting in the town hall", "to the surprise of observers"]


def synthetic_text(seed: int, paragraphs: int = 5) -> str:
    """A deterministic, distinct article body of ordinary prose."""
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        sents = []
        for _ in range(rng.randint(2, 4)):
            sents.append(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} "
                         f"{rng.choice(_OBJECTS)} {rng.choice(_TAILS)}, "
                         f"item {rng.randint(1, 10**9)} of the record.")
        paras.append(" ".join(sents))
    return "\n\n".join(paras)


def write_jsonl_corpus(path: Path, n: int, start: int = 0) -> list[str]:
    """Write ``n`` distinct JSONL article records; return their ids."""
    ids = []
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            rid = f"synthetic-{i}"
            ids.append(rid)
            fh.write(json.dumps({
                "id": rid,
                "url": f"https://news.example/{i}",
                "title": f"Synthetic report number {i}",
                "text": synthetic_text(i),
                "published": f"2023-09-{1 + i % 28:02d}T10:00:00+00:00",
                "source": f"Outlet {i % 5}",
            }) + "\n")
    return ids


# -- coding sentences of our own ------------------------------------------------------------

PUB = datetime(2023, 9, 30, 12, 0, tzinfo=UTC)  # a Saturday


def code(text: str, published: datetime | None = PUB) -> list[Mention]:
    """The mentions the coder finds in ``text`` (one article)."""
    return list(code_article(sentence_article(text, text[:30], published)).mentions)


def dyads(text: str, published: datetime | None = PUB
          ) -> list[tuple[str | None, str | None, str]]:
    """(source country, target country, CAMEO code) of the acts coded as having happened."""
    return [(m.source.country, m.target.country if m.target else None, m.cameo)
            for m in code(text, published) if not m.negated]


def happened(ms: list[Mention]) -> list[tuple[str | None, str | None, str]]:
    """(source, target, CAMEO root) by actor key of the mentions coded as having happened."""
    return [(actor_key(m.source), actor_key(m.target), m.cameo_root) for m in ms if not m.negated]
