"""Quotations: marks, full/partial, speakers (find_quotes), speaker_at and link_quotes.

The seed article is read from ../shared at run time (never copied); the other texts are our
own sample corpus (examples/corpus) or sentences written for these tests."""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
import tomllib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flashpoint.actors import ActorDictionary, load_dictionary
from flashpoint.clean import clean
from flashpoint.context.quotes import MAX_MARKS, find_quotes, link_quotes, speaker_at
from flashpoint.context.speakers import lexicon_path, load_lexicon
from flashpoint.errors import DataFileError
from flashpoint.ids import short_id
from flashpoint.model import Actor, Article, DocKind, Mention, Quote, RawDocument, Rejection
from flashpoint.nlp import split_sentences
from flashpoint.options import Options
from flashpoint.published import parse_published
from flashpoint.sources import iter_documents

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"
WHEN = date(2023, 10, 1)


@pytest.fixture(scope="module")
def d() -> ActorDictionary:
    return load_dictionary()


def quotes(text: str, d: ActorDictionary, when: date | None = WHEN,
           sentences: bool = True) -> list[Quote]:
    return find_quotes(text, "art", split_sentences(text) if sentences else [], d, when=when)


def codes(found: Sequence[Quote]) -> list[tuple[str, bool, str | None]]:
    return [(q.text, q.partial, q.speaker.code if q.speaker else None) for q in found]


# --- the seed ----------------------------------------------------------------------------------


def test_seed_has_exactly_the_six_expected_quotes(seed_path: Path, d: ActorDictionary) -> None:
    doc = RawDocument(data=seed_path.read_bytes(), origin=str(seed_path), kind=DocKind.TEXT)
    art = clean(doc, Options())
    sents = split_sentences(art.text)
    found = find_quotes(art.text, art.article_id, sents, d, when=date(2023, 9, 30))
    expected = [  # first words, partial, speaker code, speaker name
        ("We are monitoring", False, "USAGOV", "John Kirby"),
        ("That includes", False, "USAGOV", "John Kirby"),
        ("We are calling on Serbia", False, "USAGOV", "John Kirby"),
        ("immediate de-escalation", True, "USAGOV", "Antony Blinken"),
        ("I have denied", False, "SRBGOV", "Aleksandar Vučić"),
        ("increased assistance", True, "KSVGOV", "Albin Kurti"),
    ]
    assert len(found) == len(expected), [q.text[:30] for q in found]
    for q, (start, partial, code, name) in zip(found, expected, strict=True):
        assert q.text.startswith(start), (q.text, start)
        assert q.partial is partial, q.text
        assert q.speaker is not None and q.speaker.code == code, (q.text, q.speaker)
        assert q.speaker.name == name
        assert art.text[q.span[0]:q.span[1]] == q.text
        assert q.quote_id == short_id(art.article_id, *q.span)
        assert q.sentence_indices and all(sents[i].start < q.span[1] for i in q.sentence_indices)
    # the second Kirby quote holds two sentences and is one quote; "unprecedented" is a term
    assert len(found[1].sentence_indices) == 2
    assert not any(q.text == "unprecedented" for q in found)
    assert found[0].speaker_text == "Kirby"
    assert (found[3].speaker_text or "").endswith("Blinken")
    # deterministic
    again = find_quotes(art.text, art.article_id, sents, d, when=date(2023, 9, 30))
    assert again == found


# --- the sample corpus -------------------------------------------------------------------------


def _doc(entry: dict[str, Any]) -> RawDocument:
    docs = [x for x in iter_documents(str(CORPUS / entry["file"]), Options())
            if not isinstance(x, Rejection)]
    fmt = entry["format"]
    if fmt in {"txt", "html"}:
        return docs[0]
    if fmt == "rss":
        return docs[int(entry["item"])]
    suffix = f":{int(entry['record']) + 1}" if fmt == "jsonl" else f"#{int(entry['record']) + 1}"
    return next(x for x in docs if x.origin.endswith(suffix))


@pytest.fixture(scope="module")
def corpus_quotes(d: ActorDictionary) -> dict[str, tuple[Article, list[Quote]]]:
    articles = tomllib.loads((CORPUS / "expected" / "articles.toml").read_text("utf-8"))
    wanted = {q["article"] for q in tomllib.loads(
        (CORPUS / "expected" / "quotes.toml").read_text("utf-8"))["quote"]}
    out: dict[str, tuple[Article, list[Quote]]] = {}
    for entry in articles["article"]:
        if entry["key"] not in wanted:
            continue
        override = None
        if "published_override" in entry:
            parsed = parse_published(str(entry["published_override"]))
            assert parsed is not None
            override = parsed[0].replace(tzinfo=None)
        source = str(entry["source"]) if entry["format"] == "txt" else None
        art = clean(_doc(entry), Options(), published=override, source=source)
        when = art.published.date() if art.published else None
        out[entry["key"]] = (art, find_quotes(art.text, art.article_id,
                                              split_sentences(art.text), d, when=when))
    return out


def test_sample_corpus_speakers(corpus_quotes: dict[str, tuple[Article, list[Quote]]]) -> None:
    expected = tomllib.loads((CORPUS / "expected" / "quotes.toml").read_text("utf-8"))["quote"]
    right, misses = 0, []
    for e in expected:
        found = [q for q in corpus_quotes[e["article"]][1] if q.text.startswith(e["start"])]
        assert len(found) == 1, (e["article"], e["start"])
        q = found[0]
        assert q.partial is e["partial"], (e["article"], e["start"])
        if q.speaker is not None and q.speaker.code in {e["actor"], *e.get("alt_actors", [])}:
            right += 1
        else:
            misses.append((e["article"], e["start"][:25], q.speaker_text,
                           q.speaker.code if q.speaker else None, e["actor"]))
    share = right / len(expected)
    print(f"\nquote speakers on the sample corpus: {right}/{len(expected)} = {share:.1%}; "
          f"misses: {misses}")
    assert share >= 0.9, misses


def test_sample_corpus_multi_sentence_quotes_are_one_quote(
        corpus_quotes: dict[str, tuple[Article, list[Quote]]]) -> None:
    expected = tomllib.loads((CORPUS / "expected" / "quotes.toml").read_text("utf-8"))["quote"]
    for e in expected:
        if e.get("multi"):
            q = next(q for q in corpus_quotes[e["article"]][1] if q.text.startswith(e["start"]))
            assert len(q.sentence_indices) >= 2 or q.text.count(". ") >= 1, q.text


# --- marks and robustness ----------------------------------------------------------------------


def test_unclosed_quote_ends_at_paragraph_end(d: ActorDictionary) -> None:
    text = ("Kurti said: “We will answer every provocation, and we will do it calmly\n\n"
            "The talks resume next week.")
    [q] = quotes(text, d)
    assert q.text == "We will answer every provocation, and we will do it calmly"
    assert q.speaker is not None and q.speaker.code == "KSVGOV"


def test_nested_quotes_belong_to_the_outer_one(d: ActorDictionary) -> None:
    found = quotes("“They told us ‘go home’ and we refused,” Kurti said.", d)
    assert codes(found) == [("They told us ‘go home’ and we refused", False, "KSVGOV")]
    found = quotes("“The word “never” was used twice today,” Vucic told reporters.", d)
    assert codes(found) == [("The word “never” was used twice today", False, "SRBGOV")]


def test_guillemets_and_low_high_marks(d: ActorDictionary) -> None:
    found = quotes("«We mourn the dead of both sides,» Vucic told reporters.", d)
    assert codes(found) == [("We mourn the dead of both sides", False, "SRBGOV")]
    found = quotes("„Both sides must return to the table“, Lajčák told reporters in Brussels.", d)
    assert codes(found) == [("Both sides must return to the table", False, "IGOEUREEC")]
    found = quotes("Osmani accused Belgrade of »planning the attack in detail« on Monday.", d)
    assert codes(found) == [("planning the attack in detail", True, "KSVGOV")]


def test_apostrophes_are_not_quote_marks(d: ActorDictionary) -> None:
    text = ("Serbia’s army didn't move, and the parties’ leaders met Kosovo's envoy. "
            "It's the ’90s again, rock 'n' roll fans said.")
    assert quotes(text, d) == []


def test_straight_and_single_top_level_quotes(d: ActorDictionary) -> None:
    found = quotes('"We will respond," said Prime Minister Albin Kurti. "Serbia must pay."', d)
    assert codes(found) == [("We will respond", False, "KSVGOV"),
                            ("Serbia must pay.", False, "KSVGOV")]
    assert found[0].speaker_text == "Prime Minister Albin Kurti"
    found = quotes("‘We will not back down,’ Kurti said.", d)
    assert codes(found) == [("We will not back down", False, "KSVGOV")]


def test_bad_input_does_not_crash(d: ActorDictionary) -> None:
    for text in ["“", "”", '"', '" "', "«»", "„", "‘", "'", "“”", '""', "“ ” “", "\n\n“\n\n”",
                 "» German «", "a“b”c", "’’’’", "“" * 50, '"' * 51, "“a „b «c ‘d"]:
        for sentences in (True, False):
            found = quotes(text, d, sentences=sentences)
            for q in found:
                assert text[q.span[0]:q.span[1]] == q.text and q.text.strip()


def test_one_word_fragments_are_terms(d: ActorDictionary) -> None:
    found = quotes("Washington called the mobilisation “unprecedented” on Friday.", d)
    assert found == []


def test_huge_input_is_fast(d: ActorDictionary) -> None:
    unit = ("“We are ready,” Kurti said, while officials in Pristina’s centre didn't agree "
            "that the „build-up“ was «over». ")
    text = (unit * 40 + "“never closed " + "word " * 30 + "\n\n") * 1100  # ~5 MB
    assert len(text) > 5_000_000 and text.count("“") > 1000
    start = time.perf_counter()
    found = find_quotes(text, "big", [], d, when=WHEN)
    elapsed = time.perf_counter() - start
    print(f"\n5 MB, {len(found)} quotes: {elapsed:.2f} s")
    assert elapsed < 15
    assert found and found[0].text == "We are ready"
    assert found[0].speaker is not None and found[0].speaker.code == "KSVGOV"
    assert len(found) <= MAX_MARKS
    spans = [q.span for q in found]
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


# --- speakers ----------------------------------------------------------------------------------


def test_pronoun_speaker_across_sentences(d: ActorDictionary) -> None:
    text = "Albin Kurti met diplomats on Monday.\n\n“We will not be intimidated,” he said."
    [q] = quotes(text, d)
    assert q.speaker_text == "he"
    assert q.speaker is not None and q.speaker.code == "KSVGOV"
    assert q.speaker.name == "Albin Kurti"


def test_continuation_takes_the_previous_speaker(d: ActorDictionary) -> None:
    text = ("Vucic spoke on television. “We do not want war. We want calm,” he said. "
            "“But we will protect our people.”\n\nKurti disagreed.")
    found = quotes(text, d)
    assert codes(found) == [("We do not want war. We want calm", False, "SRBGOV"),
                            ("But we will protect our people.", False, "SRBGOV")]


def test_resumed_quote_after_interrupting_attribution(d: ActorDictionary) -> None:
    found = quotes("“We are going back,” Vucic said, “and we will not return.”", d)
    assert codes(found) == [("We are going back", False, "SRBGOV"),
                            ("and we will not return.", False, "SRBGOV")]


def test_attribution_before_and_inverted(d: ActorDictionary) -> None:
    found = quotes("Kurti said:\n\n“We ask our allies to act now.”", d)
    assert codes(found) == [("We ask our allies to act now.", False, "KSVGOV")]
    found = quotes("“Tanks are at the boundary,” said Kosovo's interior minister Xhelal Sveçla.",
                   d)
    assert codes(found) == [("Tanks are at the boundary", False, "KSVGOV")]
    found = quotes("Ana Brnabić said: \"Serbia will attack no one.\" She added more later.", d)
    assert codes(found) == [("Serbia will attack no one.", False, "SRBGOV")]
    assert found[0].speaker_text == "Ana Brnabić"


def test_partial_quote_speaker_is_the_subject(d: ActorDictionary) -> None:
    found = quotes("Vucic, who met Blinken on Friday, said Serbia would “never recognise” it.", d)
    assert codes(found) == [("never recognise", True, "SRBGOV")]
    found = quotes("Asked about Kurti's remarks, Vucic called them “a pack of lies” on Friday.",
                   d)
    assert codes(found) == [("a pack of lies", True, "SRBGOV")]
    found = quotes("Blinken spoke with Vucic, urging “restraint and dialogue,” according to "
                   "Kirby.", d)
    assert codes(found) == [("restraint and dialogue", True, "USAGOV")]
    assert found[0].speaker is not None and found[0].speaker.name == "Antony Blinken"


def test_institution_and_unnamed_speakers(d: ActorDictionary) -> None:
    text = ("Peacekeepers from KFOR patrolled the north on Monday.\n\n"
            "“Our troops will stay as long as needed,” the mission said in a statement.")
    [q] = quotes(text, d)
    assert q.speaker_text == "the mission"
    assert q.speaker is not None and q.speaker.code == "IGOWSTNATMIL"
    text = "Serbian police arrested two men. “They carried rifles,” a police spokesman said."
    [q] = quotes(text, d)
    assert q.speaker_text == "a police spokesman"
    assert q.speaker is not None and q.speaker.code == "SRBCOP"


def test_unknown_speaker_keeps_the_words(d: ActorDictionary) -> None:
    [q] = quotes("“Nobody expected this,” Zorblatt Quexworth said.", d)
    assert q.speaker_text == "Zorblatt Quexworth" and q.speaker is None
    [q] = quotes("“Nobody expected this at all.”", d)
    assert q.speaker_text is None and q.speaker is None


def test_speaker_at(d: ActorDictionary) -> None:
    text = "“We will respond,” Kurti said. Then Vucic spoke. “We are calm,” Vucic said."
    found = quotes(text, d)
    assert speaker_at(found, text.index("respond")).code == "KSVGOV"  # type: ignore[union-attr]
    assert speaker_at(found, text.index("calm")).code == "SRBGOV"  # type: ignore[union-attr]
    assert speaker_at(found, text.index("Then")) is None
    assert speaker_at([], 3) is None


def test_lexicon_is_validated(tmp_path: Path) -> None:
    good = lexicon_path().read_text(encoding="utf-8")
    bad = tmp_path / "attribution.toml"
    bad.write_text(re.sub(r"finite = \[[^\]]*\]", "finite = []", good), encoding="utf-8")
    with pytest.raises(DataFileError, match="'finite'"):
        load_lexicon(str(bad))
    bad.write_text(good.replace('"said", "says"', '"said so", "says"', 1), encoding="utf-8")
    with pytest.raises(DataFileError, match="not a single word"):
        load_lexicon(str(bad))
    bad.write_text("[verbs\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="attribution"):
        load_lexicon(str(bad))


# --- links -------------------------------------------------------------------------------------


def _mention(mid: str, sentence: int, trigger: tuple[int, int] | None, source: Actor,
             text: str = "") -> Mention:
    return Mention(mention_id=mid, article_id="art", sentence_index=sentence, sentence=text,
                   source=source, target=None, cameo="010", cameo_root="01", quad_class=1,
                   penta_class=1, goldstein=0.0, plover=None, plover_mode=None,
                   event_date=None, date_precision="unknown", background=False,
                   trigger_span=trigger)


def test_link_quotes(d: ActorDictionary) -> None:
    text = ("“We are calling on Serbia to withdraw its forces,” Kirby said. "
            "Blinken phoned Vucic, urging “calm and a return to talks,” according to Kirby.")
    sents = split_sentences(text)
    found = find_quotes(text, "art", sents, d, when=WHEN)
    assert [q.partial for q in found] == [False, True]
    usa = Actor(text="Kirby", code="USAGOV", country="USA", role="GOV")
    srb = Actor(text="Vucic", code="SRBGOV", country="SRB", role="GOV")
    second = sents[found[1].sentence_indices[0]]
    urging = text.index("urging") - second.start
    calling = text.index("calling") - sents[0].start
    mentions = [
        _mention("m3", 0, (calling, calling + 7), usa),  # trigger inside the full quote
        _mention("m1", second.index, (urging, urging + 6), usa),  # the partial quote's speaker
        _mention("m2", second.index, (0, 7), srb),  # another source: not linked
        _mention("m0", 0, None, srb),
    ]
    before = (list(found), list(mentions))
    new_quotes, new_mentions = link_quotes(found, mentions, sents)
    assert (found, mentions) == before  # inputs untouched
    assert new_quotes[0].mention_ids == ("m3",)
    assert new_quotes[1].mention_ids == ("m1",)
    by_id = {m.mention_id: m for m in new_mentions}
    assert by_id["m3"].quote_ids == (found[0].quote_id,)
    assert by_id["m1"].quote_ids == (found[1].quote_id,)
    assert by_id["m2"].quote_ids == () and by_id["m0"].quote_ids == ()
    # a mention of the same country (not the same code) is the speaker's too; ids stay sorted
    usa_mil = dataclasses.replace(usa, code="USAMIL", role="MIL")
    extra = _mention("m0b", second.index, (urging, urging + 6), usa_mil)
    again, _ = link_quotes(new_quotes, [*new_mentions, extra], sents)
    assert again[1].mention_ids == ("m0b", "m1")
