"""Coverage rules of the resolver: historical names, quantities, titles, namesakes, name parts,
places, weapons as agents, fallback roles (see the ``compose`` and ``resolve`` docstrings)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from flashpoint.actors import (
    ActorDictionary,
    ActorMatch,
    find_actors,
    load_dictionary,
    resolve_actor,
)
from flashpoint.actors.load import _packaged_texts, build_dictionary
from flashpoint.errors import DataFileError
from flashpoint.model import Actor


@pytest.fixture(scope="module")
def d() -> ActorDictionary:
    return load_dictionary()


def code(d: ActorDictionary, text: str, *, date: dt.date | None = None) -> str | None:
    match = resolve_actor(text, d, date=date)
    return None if match is None else match.actor.code


def actor(d: ActorDictionary, text: str) -> Actor:
    match: ActorMatch | None = resolve_actor(text, d)
    assert match is not None, text
    return match.actor


def spans(d: ActorDictionary, sentence: str, context: str = "") -> list[tuple[str, str]]:
    return [(s.text, s.actor.code) for s in find_actors(sentence, d, context=context)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Yugoslavia", "SRB"), ("the Yugoslav army", "SRBMIL"), ("Soviet troops", "RUSMIL"),
    ("the USSR", "RUS"), ("Kampuchean guerrillas", "KHMREB"), ("Zairean soldiers", "CODMIL"),
    ("East German police", "DEUCOP"), ("Czechoslovakia", "CZE"), ("Rhodesian forces", "ZWEMIL"),
    ("Burma", "MMR"), ("Upper Volta", "BFA"),
])
def test_historical_states_are_their_successors(d: ActorDictionary, text: str,
                                                expected: str) -> None:
    assert code(d, text) == expected


def test_the_former_federations_are_regions(d: ActorDictionary) -> None:
    assert resolve_actor("the former Yugoslavia", d) is None
    assert code(d, "refugees from the former Soviet Union") == "REF"


@pytest.mark.parametrize(("text", "expected"), [
    ("more than 200 Nigerian soldiers", "NGAMIL"), ("about 550 households", "CVL"),
    ("up to 16 Russian advisers", "RUSGOV"), ("as many as 30 Serb gunmen", "SRBUAF"),
    ("dozens of Iraqi soldiers", "IRQMIL"), ("at least 75 displaced people in eastern Syria",
                                             "SYRREF"),
])
def test_a_leading_quantity_does_not_hide_the_actor(d: ActorDictionary, text: str,
                                                    expected: str) -> None:
    assert code(d, text) == expected


def test_words_between_an_owner_and_a_title(d: ActorDictionary) -> None:
    assert spans(d, "Taiwan's Vice Foreign Minister visited Russia today.") == [
        ("Taiwan's Vice Foreign Minister", "TWNGOV"), ("Russia", "RUS")]
    assert spans(d, "Ankara's Cankaya district administration denied it.")[0][1] == "TURGOV"
    # a verb or a preposition ends the phrase
    assert spans(d, "Britain's economy grew, officials said.")[0] == ("Britain", "GBR")
    assert ("Israel's war cabinet", "ISRGOV") in spans(
        d, "Iran's support for the rebels worried Israel's war cabinet.")


def test_surnames_several_people_share(d: ActorDictionary, tmp_path: Path) -> None:
    assert code(d, "President Bush") == "USAGOV"
    assert code(d, "President Bush", date=dt.date(2023, 1, 1)) == "USAELI"
    assert code(d, "the Bush administration") == "USAGOV"
    path = tmp_path / "namesakes.toml"
    path.write_text("""
[[people]]
name = "Jan Testaro"
country = "SRB"
role = "GOV"

[[people]]
name = "Ana Testaro"
country = "HRV"
role = "GOV"
""", encoding="utf-8")
    mine = build_dictionary(_packaged_texts(), str(path))
    assert resolve_actor("Testaro", mine) is None  # two countries: no reading
    assert code(mine, "Serbian President Testaro") == "SRBGOV"


def test_a_title_picks_the_position_when_no_date_is_known(d: ActorDictionary) -> None:
    assert code(d, "Palestinian Prime Minister Ismail Haniyeh") == "PSEGOV"
    assert code(d, "Ismail Haniyeh") == "PSEREB"
    assert code(d, "Ismail Haniyeh", date=dt.date(2006, 6, 1)) == "PSEGOV"


def test_former_before_a_title_ends_the_position(d: ActorDictionary) -> None:
    ben_bella = actor(d, "former President Ahmed Ben Bella")
    assert (ben_bella.code, ben_bella.state) == ("DZAELI", False)
    assert code(d, "Former Soviet leader Mikhail Gorbachev") == "RUSELI"
    # "former" that belongs to a later title leaves the person alone
    assert spans(d, "Former Trump campaign adviser Jane Roe arrived.")[0] == (
        "Former Trump", "USAGOV")


def test_a_surname_named_for_another_country_is_a_namesake(d: ActorDictionary) -> None:
    assert code(d, "Iraqi President Salih") == "IRQGOV"
    assert actor(d, "Syrian Kurdish leader Salih Muslim").country == "SYR"


def test_surnames_and_places_inside_unknown_names(d: ActorDictionary) -> None:
    assert spans(d, "He met Chelsea Clinton in Kirkuk.") == [("Kirkuk", "IRQ")]
    assert spans(d, "He told The New York Times so.") == []
    assert spans(d, "She spoke to Mr Clinton.") == [("Clinton", "USAGOV")]
    assert ("Kirkuk", "IRQ") in spans(d, "Troops Enter Kirkuk As Rebels Flee")
    assert ("Gaza City", "PSE") not in spans(d, "Gaza City residents fled.")
    assert spans(d, "Gaza City residents fled.")[0] == ("Gaza", "PSE")


@pytest.mark.parametrize(("text", "expected"), [
    ("Demonstrators in Samarra", "IRQCVL"), ("police in Cizre", "TURCOP"), ("Tyumen", "RUS"),
    ("deputy governor of the Tyumen region", "RUSGOV"), ("government of Sindh province",
                                                       "PAKGOV"),
    ("A Kansas woman", "USA"), ("rebels in North Kivu", "CODREB"), ("Daraa", "SYR"),
])
def test_cities_and_regions(d: ActorDictionary, text: str, expected: str) -> None:
    assert code(d, text) == expected


def test_cities_leave_out_words_and_personal_names(d: ActorDictionary) -> None:
    for text in ("Split", "Reading", "Nice", "Austin", "Charlotte", "George", "Vladimir"):
        assert resolve_actor(text, d) is None, text


def test_place_nouns_between_the_preposition_and_the_place(d: ActorDictionary) -> None:
    found = find_actors("Police arrested five men near the town of Samarra.", d)
    assert [(s.text, s.actor.code, s.locative) for s in found] == [
        ("Police", "IRQCOP", False), ("Samarra", "IRQ", True)]
    found = find_actors("Two soldiers died outside the Iraqi city of Basra.", d)
    assert found[-1].text == "Basra" and found[-1].locative


def test_weapons_and_strikes_as_agents(d: ActorDictionary) -> None:
    assert spans(d, "A car bomb exploded in Baghdad.") == [
        ("car bomb", "IRQUAF"), ("Baghdad", "IRQGOV")]
    assert code(d, "Israeli air strikes") == "ISRMIL"
    assert code(d, "Russian shelling") == "RUSMIL"
    assert code(d, "a US Predator drone") == "USAMIL"
    assert code(d, "Syrian government forces") == "SYRMIL"


def test_phrases_that_name_no_actor(d: ActorDictionary) -> None:
    assert spans(d, "The unions called a general strike.") == [("unions", "LAB")]
    assert spans(d, "Voters go to the polls in the general election.") == [("Voters", "CVL")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Soviet leader", "RUSGOV"), ("Muslim leaders in France", "FRAREL"),
    ("rebel leaders", "REB"), ("Jewish community leader", "REL"), ("community leaders", "CVL"),
    ("Yoruba leaders", "NGACVL"),
])
def test_fallback_roles(d: ActorDictionary, text: str, expected: str) -> None:
    assert code(d, text) == expected


def test_the_agent_after_by(d: ActorDictionary) -> None:
    assert code(d, "a request by President Erdogan") == "TURGOV"
    assert code(d, "an anarchic protest by white farmers") == "AGR"


@pytest.mark.parametrize(("text", "day", "expected"), [
    ("UNITA", dt.date(1990, 1, 1), "AGOREB"), ("UNITA", dt.date(2005, 1, 1), "AGOPTY"),
    ("Khmer Rouge guerrillas", dt.date(1985, 1, 1), "KHMREB"),
    ("the Sandinistas", dt.date(1985, 1, 1), "NICGOV"),
    ("Iraq's al-Qaeda", None, "IRQIMG"), ("The Red Cross", None, "NGOHLHIRC"),
    ("European Community foreign ministers", None, "IGOEUREECGOV"),
    ("AMISOM", None, "IGOAFRAFU"), ("the Northern Fleet", None, "RUSMIL"),
    ("Republicans in Congress", None, "USAPTY"),
])
def test_groups_and_organisations(d: ActorDictionary, text: str, day: dt.date | None,
                                  expected: str) -> None:
    assert code(d, text, date=day) == expected


def test_peacekeeping_missions_carry_their_role(d: ActorDictionary) -> None:
    amisom = actor(d, "AMISOM")
    assert (amisom.group, amisom.role, amisom.state) == ("AFU", "PKO", True)


def test_matches_inside_a_name_after_a_title_belong_to_it(d: ActorDictionary) -> None:
    found = find_actors("British Defence Secretary Tom King promised aid.", d)
    assert [(s.text, s.actor.code, s.person) for s in found] == [
        ("British Defence Secretary Tom King", "GBRGOV", "Tom King")]
    found = find_actors("President Jan Serbia", d, context="Kosovo")
    assert [s.text for s in found] == ["President Jan Serbia"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_roles_fallback_field_is_validated(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text("[roles.GOV]\nfallback = 'leader'\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        build_dictionary(_packaged_texts(), str(path))
    assert info.value.entry == "GOV" and info.value.field == "fallback"
    path.write_text("[roles.CVL]\nfallback = ['bystander']\n", encoding="utf-8")
    assert code(build_dictionary(_packaged_texts(), str(path)), "bystander") == "CVL"


def test_user_cities_table(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text('[[cities]]\nname = "Exampleburg"\ncountry = "KSV"\n', encoding="utf-8")
    mine = build_dictionary(_packaged_texts(), str(path))
    assert code(mine, "Exampleburg police") == "KSVCOP"
