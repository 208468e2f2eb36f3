"""The seed article end to end (issues 3 and 4): clean → code → events, places, quotes, tone.

Reads ../shared/seed at run time (skipped where absent); expectations are ours, from
seed/EXPECTED.md: short phrases and codes only, no article text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flashpoint.clean import clean
from flashpoint.coding import code_article
from flashpoint.model import Coded, DocKind, Mention, RawDocument, actor_key
from flashpoint.options import Options


@pytest.fixture(scope="module")
def coded(seed_path: Path) -> Coded:
    doc = RawDocument(seed_path.read_bytes(), str(seed_path), DocKind.TEXT)
    article = clean(doc, Options(), published=datetime(2023, 9, 30))
    return code_article(article)


def _find(coded: Coded, src: str, tgt: str | None, roots: set[str]) -> list[Mention]:
    return [m for m in coded.mentions if not m.negated and actor_key(m.source) == src
            and actor_key(m.target) == tgt and m.cameo_root in roots]


def test_mobilisation_is_located_in_kosovo(coded: Coded) -> None:
    ms = _find(coded, "SRB", "KSV", {"15"})
    assert ms and all(m.location is not None and m.location.country == "KSV" for m in ms)
    deployed = next(m for m in ms if "deployed" in m.sentence)
    assert deployed.date_precision == "week" and deployed.event_date == "2023-09-29"


def test_ambush_is_a_background_report_located_in_kosovo(coded: Coded) -> None:
    ms = _find(coded, "KSVUAF", "KSV", {"18", "19"})
    assert ms
    for m in ms:
        assert m.background and m.event_date == "2023-09-24"
        assert m.location is not None and m.location.country == "KSV"
        assert m.source.state is False
    ambush = next(m for m in ms if "ambushed" in m.sentence)
    assert ambush.source.ethnic == "Serb" and ambush.target is not None
    assert ambush.target.role == "COP"


def test_phone_calls_have_no_battlefield(coded: Coded) -> None:
    calls = _find(coded, "USA", "SRB", {"04"}) + _find(coded, "USA", "KSV", {"04"})
    assert calls and all(m.location is None for m in calls)


def test_nothing_from_2008_is_dated_2023(coded: Coded) -> None:
    for m in coded.mentions:
        if "2008" in m.sentence and m.trigger_span:
            trigger = m.sentence[m.trigger_span[0]:m.trigger_span[1]].lower()
            assert not (trigger.startswith("declar") and (m.event_date or "").startswith("2023"))


def test_quotes_and_their_speakers(coded: Coded) -> None:
    speakers = {q.text.split()[0] + (" (partial)" if q.partial else ""): q.speaker.code
                for q in coded.quotes if q.speaker is not None}
    assert len(coded.quotes) == 6
    assert speakers == {
        "We": "USAGOV", "That": "USAGOV", "I": "SRBGOV",
        "immediate (partial)": "USAGOV", "increased (partial)": "KSVGOV",
    } or sorted(speakers.values()).count("USAGOV") >= 4


def test_the_withdrawal_quote_is_linked_to_the_demand(coded: Coded) -> None:
    quote = next(q for q in coded.quotes if "calling on Serbia" in q.text)
    linked = [m for m in coded.mentions if m.mention_id in quote.mention_ids]
    assert any(actor_key(m.source) == "USA" and actor_key(m.target) == "SRB"
               and m.cameo_root == "10" and not m.negated for m in linked)
    assert all(quote.quote_id in m.quote_ids for m in linked)


def test_tone_is_negative_and_on_gdelt_scale(coded: Coded) -> None:
    assert coded.tone is not None and -15 < coded.tone < 0
