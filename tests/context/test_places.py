"""Place mentions (find_places, article_countries) and event locations (event_location)."""

from __future__ import annotations

import math
import re
import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from flashpoint.context import (
    Gazetteer,
    article_countries,
    dominant_place,
    event_location,
    find_places,
    load_gazetteer,
    unresolved,
)
from flashpoint.model import Place

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()  # the user cache: built on the first run, read afterwards


def places(text: str, gaz: Gazetteer, **kw: Any) -> list[tuple[str, str | None, str]]:
    return [(p.text, p.country, p.geo_precision) for p in find_places(text, gaz, **kw)]


def only(text: str, gaz: Gazetteer, **kw: Any) -> Place:
    found = find_places(text, gaz, **kw)
    assert len(found) == 1, found
    return found[0]


def km(a: Place, lat: float, lon: float) -> float:
    assert a.lat is not None and a.lon is not None
    p = math.radians
    h = (math.sin(p(lat - a.lat) / 2) ** 2
         + math.cos(p(a.lat)) * math.cos(p(lat)) * math.sin(p(lon - a.lon) / 2) ** 2)
    return 12742 * math.asin(math.sqrt(h))


# -- the seed article -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed(seed_path: Path, gaz: Gazetteer) -> tuple[str, list[Place]]:
    text = seed_path.read_text(encoding="utf-8")
    return text, find_places(text, gaz)


def test_seed_place_mentions(seed: tuple[str, list[Place]]) -> None:
    text, found = seed
    assert all(text[p.span[0]:p.span[1]] == p.text for p in found if p.span)
    assert all(p.sentence_index is None for p in found)
    got = {(p.text, p.country, p.geo_precision) for p in found}
    for want in [("Kosovo", "KSV", "country"), ("northern Kosovo", "KSV", "admin"),
                 ("Serbia", "SRB", "country"), ("Belgrade", "SRB", "point"),
                 ("Moscow", "RUS", "point"), ("United States", "USA", "country")]:
        assert want in got
    assert all(p.country in {"KSV", "SRB", "USA", "RUS"} for p in found)  # no Casablanca …
    borders = [p for p in found if "border" in p.text or "frontier" in p.text]
    assert borders and all(p.place_name == "Kosovo–Serbia boundary" for p in borders)
    assert sum(p.text == "northern Kosovo" for p in found) == 2


def test_seed_actor_modifiers_are_not_mentions(seed: tuple[str, list[Place]]) -> None:
    text, found = seed
    starts = {p.span[0] for p in found if p.span}
    for m in re.finditer(r"(U\.S\.|Kosovo) (Secretary|National|Prime|Force|Serb)", text):
        assert m.start() not in starts, m.group()
    assert not any(p.text in {"Serbian", "Kosovar"} for p in found)  # demonyms


def test_seed_article_countries(seed_path: Path, gaz: Gazetteer) -> None:
    ranked = article_countries(seed_path.read_text(encoding="utf-8"), gaz)
    assert set(ranked[:2]) == {"KSV", "SRB"} and "USA" in ranked[:3]


def _seed_sentence(text: str, word: str) -> tuple[str, int, tuple[int, int]]:
    """The seed sentence holding ``word``, its offset, and the word's span in it."""
    for m in re.finditer(r"[^.!?\n]+[.!?]?[”\"]?", text):
        w = re.search(rf"\b{word}\b", m.group())
        if w:
            return m.group(), m.start(), w.span()
    raise AssertionError(word)


@pytest.mark.parametrize(("word", "root", "country", "precisions"), [
    ("deployed", "15", "KSV", {"country", "admin", "point"}),  # near the Kosovo frontier
    ("ambushed", "19", "KSV", {"admin"}),  # "near the Serbian border": in northern Kosovo
    ("firefight", "19", "KSV", {"admin"}),  # no place named: the article's dominant place
    ("telephone", "041", None, set()),  # a phone call has no location
    ("spoke", "04", None, set()),
])
def test_seed_event_locations(seed: tuple[str, list[Place]], gaz: Gazetteer, word: str,
                              root: str, country: str | None, precisions: set[str]) -> None:
    text, found = seed
    sentence, offset, trigger = _seed_sentence(text, word)
    inside = [p for p in found if p.span and offset <= p.span[0] < offset + len(sentence)]
    loc = event_location(sentence, trigger, root, inside, found, gazetteer=gaz)
    if country is None:
        assert loc is None
    else:
        assert loc is not None and loc.country == country and loc.geo_precision in precisions


# -- disambiguation ---------------------------------------------------------------------------

def test_belgrade_is_serbias_unless_qualified(gaz: Gazetteer) -> None:
    assert only("Protesters gathered in Belgrade on Sunday.", gaz).country == "SRB"
    found = find_places("The mayor of Belgrade, Montana, opened the fair.", gaz)
    assert [(p.text, p.country) for p in found] == [("Belgrade", "USA"), ("Montana", "USA")]
    assert km(found[0], 45.78, -111.18) < 5


def test_mitrovica_is_kosovos(gaz: Gazetteer) -> None:
    p = only("Police in Mitrovica arrested two men.", gaz)
    assert p.country == "KSV" and p.geo_precision == "point" and km(p, 42.88, 20.87) < 5
    assert only("Crowds filled North Mitrovica.", gaz).place_name == "North Mitrovica"
    assert only("It happened in Sremska Mitrovica.", gaz).country == "SRB"


def test_paris_follows_the_article(gaz: Gazetteer) -> None:
    assert only("The minister spoke in Paris on Monday.", gaz).country == "FRA"
    texas = "Storms lashed northeast Texas on Monday. In Paris, the county judge declared it."
    assert places(texas, gaz) == [("Texas", "USA", "admin"), ("Paris", "USA", "point")]
    assert places("Flooding hit Paris, Texas.", gaz)[0] == ("Paris", "USA", "point")
    assert places("A storm hit Atlanta, Georgia.", gaz)[1] == ("Georgia", "USA", "admin")
    assert only("Officials said Georgia would not join.", gaz, countries=["GEO"]).country == "GEO"
    assert only("Officials said Georgia would not join.", gaz).country == "GEO"


def test_capitals_beat_namesakes(gaz: Gazetteer) -> None:
    found = places("Officials in Washington said Moscow had moved troops.", gaz)
    assert found == [("Washington", "USA", "point"), ("Moscow", "RUS", "point")]


def test_common_words_need_a_cue(gaz: Gazetteer) -> None:
    assert find_places("Split decisions were made. Reading the report, he frowned.", gaz) == []
    assert places("The ferry left from Split. Later he flew to Reading.", gaz) == [
        ("Split", "HRV", "point"), ("Reading", "GBR", "point")]
    assert places("They met in Nice, France.", gaz)[0] == ("Nice", "FRA", "point")
    assert find_places("March on Washington Post offices.", gaz) == []


def test_person_names_are_not_places(gaz: Gazetteer) -> None:
    text = ("President Jackson spoke. Defense Secretary Lloyd Austin visited Kyiv. "
            "Austin said aid would continue. Jake Sullivan called.")
    assert places(text, gaz) == [("Kyiv", "UKR", "point")]


def test_actor_modifiers_and_organisations(gaz: Gazetteer) -> None:
    text = ("U.S. Secretary of State Antony Blinken met Kosovo Prime Minister Albin Kurti and "
            "the KFOR (Kosovo Force) commander, the Washington Post reported from Pristina.")
    assert places(text, gaz) == [("Pristina", "KSV", "point")]


def test_datelines_in_capitals(gaz: Gazetteer) -> None:
    assert places("WASHINGTON (Reuters) — The State Department said.", gaz) == [
        ("WASHINGTON", "USA", "point")]
    assert places("ZVEČAN, Kosovo — Protesters gathered.", gaz) == [
        ("ZVEČAN", "KSV", "point"), ("Kosovo", "KSV", "country")]


def test_typographic_text(gaz: Gazetteer) -> None:
    text = ("Gunmen fired at police in Zvec\u030can and in North\u00a0Mitrovica near the "
            "Serbia–Kosovo border; Kosovo’s police said Leposavic was calm.")
    found = find_places(text, gaz)
    assert [(p.place_name, p.country) for p in found] == [
        ("Zvečan", "KSV"), ("North Mitrovica", "KSV"), ("Kosovo–Serbia boundary", "KSV"),
        ("Kosovo", "KSV"), ("Leposavić", "KSV")]
    assert all(text[p.span[0]:p.span[1]] == p.text for p in found if p.span)


def test_border_phrases(gaz: Gazetteer) -> None:
    p = only("Troops massed near the Serbian border.", gaz, countries=["KSV", "SRB"])
    assert (p.text, p.place_name, p.geo_precision) == (
        "Serbian border", "Kosovo–Serbia boundary", "admin")
    p = only("The army moved along the border with Ukraine.", gaz, countries=["MDA"])
    assert (p.place_name, p.country, p.geo_precision) == ("Ukraine border", "UKR", "country")
    # the partner is the country named earlier in the sentence, when there is one
    turkey = find_places("Turkey closed its border with Syria.", gaz, countries=["JOR", "TUR"])
    assert turkey[1].place_name == "Syria–Turkey border"
    jordan = find_places("Jordan closed its border with Syria.", gaz, countries=["TUR", "JOR"])
    assert (jordan[1].place_name, jordan[1].geo_precision) == ("Syria border", "country")


def test_regions(gaz: Gazetteer) -> None:
    found = find_places("Fighting raged in eastern Ukraine, the Gaza Strip and Donbass.", gaz)
    east, gaza, donbas = found
    assert (east.place_name, east.country, east.geo_precision) == (
        "eastern Ukraine", "UKR", "admin")
    assert east.lon is not None and east.lon > 32.0
    assert (gaza.text, gaza.country) == ("Gaza Strip", "PSE")
    assert (donbas.place_name, donbas.geo_precision) == ("Donbas", "admin")


def test_no_match_is_reported_as_none(gaz: Gazetteer) -> None:
    p = only("Shots were fired in the village of Xyzzyville overnight.", gaz)
    assert (p.text, p.country, p.lat, p.geo_precision) == ("Xyzzyville", None, None, "none")
    assert unresolved("Atlantis") == Place("Atlantis", "Atlantis", None, None, None, "none")
    assert find_places("", gaz) == [] and article_countries("", gaz) == []
    assert find_places("\x00\ufffd ### ,,, Ü" * 1000, gaz) == []


# -- event locations --------------------------------------------------------------------------

def _loc(gaz: Gazetteer, sentence: str, trigger: str, root: str,
         article: list[Place] | None = None) -> Place | None:
    start = sentence.index(trigger)
    found = find_places(sentence, gaz)
    return event_location(sentence, (start, start + len(trigger)), root, found,
                          article if article is not None else found, gazetteer=gaz)


def test_verbal_acts_need_an_attached_place(gaz: Gazetteer) -> None:
    met = _loc(gaz, "Vucic and Kurti met in Brussels on Thursday.", "met", "04")
    assert met is not None and met.place_name == "Brussels"
    assert _loc(gaz, "Kosovo accused Belgrade of backing the gunmen.", "accused", "11") is None
    call = "Blinken spoke by phone with Vucic in a call between Washington and Belgrade."
    assert _loc(gaz, call, "spoke", "04") is None


def test_material_acts(gaz: Gazetteer) -> None:
    struck = _loc(gaz, "Russian missiles struck Kharkiv overnight.", "struck", "19")
    assert struck is not None and struck.country == "UKR"
    town = _loc(gaz, "Police clashed with protesters in the northern town of Zvecan.", "clashed",
                "14")
    assert town is not None and town.place_name == "Zvečan"
    actor = _loc(gaz, "Belgrade deployed troops and tanks.", "deployed", "15")
    assert actor is None  # the capital is the actor, and the article says nothing else


def test_dominant_place_skips_capitals_and_borders(gaz: Gazetteer) -> None:
    article = find_places("A warning to Belgrade. Belgrade denied it. Belgrade again. "
                          "Shots near the Serbian border. Unrest in Zvecan.", gaz,
                          countries=["KSV", "SRB"])
    dom = dominant_place(article, gaz)
    assert dom is not None and dom.place_name == "Zvečan"
    fight = _loc(gaz, "Three gunmen were killed in the firefight.", "killed", "18", article)
    assert fight is not None and fight.place_name == "Zvečan"
    aid = _loc(gaz, "The alliance sent more troops.", "sent", "07", article)
    assert aid is None  # aid and yielding are located only by their own sentence
    assert dominant_place([], gaz) is None


def test_a_dateline_capital_is_where_the_story_happens(gaz: Gazetteer) -> None:
    """Issue 3: "TBILISI, Dec 1 -" sets the story in Tbilisi; the countries named once later
    ("Lithuania, Latvia and Estonia said …") do not."""
    article = find_places("TBILISI, Dec 1 (Caucasus Wire) - Police fired water cannon. "
                          "Lithuania, Latvia and Estonia said they would impose sanctions.",
                          gaz)
    dom = dominant_place(article, gaz)
    assert dom is not None and dom.place_name == "Tbilisi"


def test_unresolved_attached_place_is_kept(gaz: Gazetteer) -> None:
    loc = _loc(gaz, "Gunmen attacked a patrol in the village of Xyzzyville.", "attacked", "19")
    assert loc is not None and loc.geo_precision == "none"


# -- the sample corpus ------------------------------------------------------------------------

def _corpus_text(entry: dict[str, Any]) -> str:
    from flashpoint.clean import clean
    from flashpoint.model import RawDocument
    from flashpoint.options import Options
    from flashpoint.sources import iter_documents

    docs = [d for d in iter_documents(str(CORPUS / str(entry["file"])), Options())
            if isinstance(d, RawDocument)]
    fmt = entry["format"]
    if fmt == "rss":
        doc = docs[int(entry["item"])]
    elif fmt == "jsonl":
        doc = next(d for d in docs if d.origin.endswith(f":{int(entry['record']) + 1}"))
    elif fmt == "warc":
        doc = next(d for d in docs if d.origin.endswith(f"#{int(entry['record']) + 1}"))
    else:
        doc = docs[0]
    return clean(doc, Options()).text


def test_sample_corpus_places(gaz: Gazetteer) -> None:
    expected = CORPUS / "expected" / "places.toml"
    if not expected.is_file():
        pytest.skip(f"{expected} not found: the sample corpus has no expected places yet")
    want = tomllib.loads(expected.read_text(encoding="utf-8"))["place"]
    articles = {a["key"]: a for a in tomllib.loads(
        (CORPUS / "expected" / "articles.toml").read_text(encoding="utf-8"))["article"]}
    cache: dict[str, list[Place]] = {}
    missed = []
    for e in want:
        if e["article"] not in cache:
            cache[e["article"]] = find_places(_corpus_text(articles[e["article"]]), gaz)
        ok = [p for p in cache[e["article"]]
              if (e["text"] in p.text or p.text in e["text"]) and p.country == e["country"]
              and p.geo_precision == e["precision"] and km(p, e["lat"], e["lon"]) <= 25]
        if not ok:
            missed.append((e["article"], e["text"]))
    assert len(missed) <= 0.1 * len(want), missed


def test_find_places_is_fast(seed_path: Path, gaz: Gazetteer) -> None:
    """Not a timing assertion: a sanity bound far above the measured ~10 ms per 600 words."""
    text = seed_path.read_text(encoding="utf-8")
    start = time.perf_counter()
    find_places(text, gaz)
    assert time.perf_counter() - start < 2.0
