"""Behaviour of the event coder on short sentences of our own (issue 3)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers import PUB, code, happened

from flashpoint.coding import code_article, code_articles
from flashpoint.evaluate import sentence_article
from flashpoint.model import Article, actor_key


def test_subject_verb_object() -> None:
    ms = code("Serbian troops attacked a Kosovo police patrol near the border on Friday.")
    m = next(m for m in ms if m.cameo_root == "19")
    assert (m.source.code, actor_key(m.target)) == ("SRBMIL", "KSV")
    assert m.target is not None and m.target.role == "COP"
    assert m.event_date == "2023-09-29" and m.date_precision == "day"
    assert m.plover == "ASSAULT" and m.quad_class == 4 and m.goldstein < 0
    assert m.sentence.startswith("Serbian troops") and m.trigger_span is not None
    start, end = m.trigger_span
    assert m.sentence[start:end] == "attacked"


def test_passive_voice_takes_the_agent_as_source() -> None:
    ms = code("A Kosovo police officer was killed by Serbian troops on Friday.")
    assert ("SRB", "KSV", "19") in happened(ms)


def test_negated_act_is_not_coded_as_having_happened() -> None:
    ms = code("Serbia did not attack Kosovo on Friday.")
    assert not happened(ms)
    assert any(m.negated and m.plover_mode == "negated" for m in ms)


def test_hypothetical_act_is_kept_with_its_mode() -> None:
    ms = code("Serbia threatened to attack Kosovo.")
    assert ("SRB", "KSV", "13") in happened(ms)
    attack = [m for m in ms if m.cameo_root == "19"]
    assert attack and all(m.negated and m.plover_mode == "hypothetical" for m in attack)


def test_compound_actors_give_one_event_each() -> None:
    ms = code("Serbia and Russia condemned NATO on Friday.")
    got = happened(ms)
    assert ("SRB", "NAT", "11") in got and ("RUS", "NAT", "11") in got


def test_urging_a_withdrawal_is_a_demand_not_a_withdrawal() -> None:
    ms = code("The United States urged Serbia to withdraw its troops from the border.")
    got = happened(ms)
    assert ("USA", "SRB", "10") in got
    assert not [g for g in got if g[2] == "08"]  # Serbia did not withdraw (yet)


def test_accusation_content_is_not_a_fact() -> None:
    ms = code("Kosovo accused Serbia of supporting the attack.")
    got = happened(ms)
    assert ("KSV", "SRB", "11") in got
    assert not [g for g in got if g[2] == "05"]


def test_spokesman_speaks_for_his_government() -> None:
    ms = code("A Serbian government spokesman condemned the attack on Friday.")
    m = next(m for m in ms if m.cameo_root == "11")
    assert m.source.country == "SRB" and m.source.role == "GOV"


def test_dates_resolve_against_publication_and_recaps_are_background() -> None:
    ms = code("Gunmen attacked a police patrol in northern Kosovo last weekend.")
    m = next(m for m in ms if m.cameo_root == "19")
    assert m.event_date == "2023-09-24" and m.background
    assert m.source.state is False and m.source.role == "UAF"


def test_unknown_publication_date_gives_unknown_event_date() -> None:
    ms = code("Serbian troops attacked a Kosovo police patrol on Friday.", published=None)
    m = next(m for m in ms if m.cameo_root == "19")
    assert m.event_date is None and m.date_precision == "unknown"


def test_mention_ids_are_deterministic() -> None:
    text = "Serbia condemned NATO on Friday. Kosovo accused Serbia of aggression."
    a = [m.mention_id for m in code(text)]
    b = [m.mention_id for m in code(text)]
    assert a == b and len(set(a)) == len(a)


def test_confidence_and_rule_are_reported() -> None:
    for m in code("Serbia condemned NATO on Friday."):
        assert 0.0 < m.confidence <= 1.0 and m.rule and m.coder_version


@pytest.mark.parametrize("text,reason", [
    ("", "empty"),
    ("Srbija je u petak osudila napad na policiju na severu Kosova i zatražila istragu.",
     "language"),
])
def test_skips_with_a_reason(text: str, reason: str) -> None:
    art = sentence_article(text, "x", PUB)
    if reason == "language":
        from dataclasses import replace

        art = replace(art, lang="sr")
    coded = code_article(art)
    assert coded.skipped == reason and not coded.mentions


def test_text_without_actors_gives_no_mentions() -> None:
    assert not code("The bakery opened early and the queue stretched past the bus stop.")


def test_a_huge_single_sentence_finishes() -> None:
    text = "Serbia attacked " + "and " * 1_200_000 + "Kosovo."
    art = Article(article_id="big", content_sha="x", title="", text=text, origin="t",
                  published=PUB, lang="en")
    coded = code_articles([art])[0]
    assert coded.skipped is None  # coded (the over-long sentence is simply not parsed)


def test_article_tone_is_on_gdelt_scale() -> None:
    """% positive minus % negative words, as GDELT's AvgTone."""
    grim = code_article(sentence_article(
        "Gunmen killed a police officer in a brutal, deadly attack. "
        "Officials condemned the horrific violence.", "t", PUB))
    assert grim.tone == pytest.approx(-40.0)  # 6 of 15 words negative, none positive
    calm = code_article(sentence_article(
        "The two governments signed a trade agreement on Friday and praised the progress "
        "made by their negotiators over the past year, officials said.", "u", PUB))
    assert calm.tone is not None and 0 < calm.tone < 20


def test_background_acts_are_not_coded_beside_the_main_act() -> None:
    # The raids are the reason of the complaint; the killing describes the raids.
    ms = code("Egypt protested to Israel over two air raids on Gaza that killed 12 people.")
    assert happened(ms) == [("EGY", "ISR", "11")]
    # Alone, the same kind of act is still coded.
    assert "19" in [root for _, _, root in happened(code("Israel attacked Gaza."))]


def test_relative_clause_act_of_a_participant_is_background() -> None:
    ms = code("Militants who had killed a police officer attacked a Nigerian army base.")
    assert [m.cameo_root for m in ms if not m.negated] == ["19"]


def test_place_in_the_act_phrase_beats_a_nameless_group_as_target() -> None:
    ms = code("Turkey refused to deploy peacekeepers in Syria.")
    m = next(m for m in ms if m.cameo_root == "12" and not m.negated)
    assert m.target is not None and m.target.country == "SYR"
    assert m.target.code == "SYR"  # the place, not "Syrian peacekeepers"


def test_nameless_group_takes_the_country_its_phrase_names() -> None:
    ms = code("Workers affiliated with a Serbian trade union went on strike on Monday.")
    m = next(m for m in ms if m.cameo_root == "14")
    assert (m.source.code, m.source.country) == ("SRBLAB", "SRB")


def test_code_command_prints_mentions_with_input_ids() -> None:
    """Issue 3: `flashpoint code` reads article JSONL and prints one mention JSON per line."""
    import json
    import subprocess
    import sys

    record = {"id": "a1", "title": "t", "url": "https://x.example/a1",
              "published": "2023-09-30T10:00:00+02:00",
              "text": "Serbian troops attacked a Kosovo police patrol near Jarinje on Friday, "
                      "killing two officers."}
    out = subprocess.run([sys.executable, "-m", "flashpoint", "code", "-"],
                         input=json.dumps(record) + "\n{\"id\": \"bad\"}\n", text=True,
                         capture_output=True, timeout=300)
    assert out.returncode == 1  # the second record was rejected, the first still coded
    assert "stdin:2: missing-field" in out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    m = next(r for r in rows if r["cameo_root"] == "19")
    assert m["article_id"] == "a1" and m["dyad"] == {"source": "SRB", "target": "KSV"}
    assert m["event_date"] == "2023-09-29" and m["magnitude"]["dead"] == 2
    assert m["location"]["country"] == "KSV"


def test_refusals_intentions_and_demands() -> None:
    assert ("SRB", "KSV", "12") in happened(code("Serbia will not lift the blockade of Kosovo."))
    got = happened(code("NATO will send more peacekeepers to Kosovo, Stoltenberg said."))
    assert any(g[0] == "NAT" and g[2] == "03" for g in got)
    got = happened(code("Serbia must withdraw its troops, the U.S. State Department said."))
    assert ("USA", "SRB", "10") in got


# Regressions found by coding wire-style sentences outside the dev sets (issue 3, session 3).

@pytest.mark.parametrize("text,pair", [
    ("Ethiopia and Somalia signed a declaration in Ankara to end their dispute.", ("ETH", "SOM")),
    ("Russia and Ukraine held talks in Istanbul.", ("RUS", "UKR")),
    ("Armenia and Azerbaijan signed a peace agreement in Washington.", ("ARM", "AZE")),
    ("Hezbollah and Israel agreed to a ceasefire mediated by the United States.",
     ("LBN", "ISR")),
    ("Colombia's government and the ELN rebels resumed peace talks in Havana.",
     ("COL", "COL")),
])
def test_compound_source_acts_on_itself_not_on_the_host(text: str, pair: tuple[str, str]
                                                        ) -> None:
    """Issue 3: the city where two parties sign or talk is not a party to the act."""
    ms = [m for m in code(text) if not m.negated]
    got = {(m.source.country, m.target.country if m.target else None) for m in ms}
    a, b = pair
    assert got == {(a, b), (b, a)}
    assert all(m.source.code != m.target.code for m in ms if m.target)


def test_a_water_body_is_not_the_country_in_its_name() -> None:
    """Issue 3: "the Gulf of Oman" names a sea, not Oman."""
    ms = code("Iran seized an oil tanker in the Gulf of Oman, state media reported.")
    assert ms and all(actor_key(m.target) != "OMN" for m in ms)
    assert [m.cameo_root for m in ms if not m.negated] == ["17"]


@pytest.mark.parametrize("text", [
    "North Korea test-fired a ballistic missile into the sea off its east coast.",
    "Iran test-launched a new cruise missile on Sunday.",
])
def test_a_weapons_test_is_a_show_of_force_not_an_attack(text: str) -> None:
    """Issue 3: "test-fired a missile" is CAMEO 150 (MOBILIZE), not an air strike."""
    ms = [m for m in code(text) if not m.negated]
    assert [(m.cameo, m.plover) for m in ms] == [("150", "MOBILIZE")]
    assert all(m.target is None for m in ms)


def test_firing_a_missile_at_someone_is_still_an_attack() -> None:
    ms = code("North Korea fired a missile at a South Korean warship.")
    assert ("PRK", "KOR", "19") in happened(ms)


@pytest.mark.parametrize("text,expected", [
    ("Thai and Cambodian troops exchanged fire along the disputed border.",
     {("THA", "KHM"), ("KHM", "THA")}),
    ("The leaders of India and Pakistan met in Moscow.", {("IND", "PAK"), ("PAK", "IND")}),
    ("US and British warplanes struck Houthi targets in Yemen.", {("USA", "YEM"),
                                                                  ("GBR", "YEM")}),
])
def test_coordinated_country_modifiers_are_separate_actors(
        text: str, expected: set[tuple[str, str]]) -> None:
    """Issue 3: "Thai and Cambodian troops" are two actors with one role, not one."""
    ms = [m for m in code(text) if not m.negated]
    assert {(m.source.country, m.target.country if m.target else None) for m in ms} == expected
    roles = {m.source.role for m in ms}
    assert len(roles) == 1 and None not in roles


def test_one_country_modifier_stays_one_actor() -> None:
    ms = code("Serbian troops attacked Kosovo police.")
    assert [(m.source.code, m.target.code if m.target else None) for m in ms] == [
        ("SRBMIL", "KSVCOP")]


@pytest.mark.parametrize("text,dyad", [
    ("Five Palestinians were killed in an Israeli raid on the Jenin refugee camp.",
     ("ISR", "PSE")),
    ("Three civilians were wounded in a Russian missile attack on Kharkiv.", ("RUS", "UKR")),
])
def test_passive_act_takes_the_doer_of_the_attack_it_happened_in(
        text: str, dyad: tuple[str, str]) -> None:
    """Issue 3: "killed in an Israeli raid" is an act by Israel, though "by" is missing."""
    ms = [m for m in code(text) if not m.negated]
    assert ms and {(m.source.country, m.target.country if m.target else None)
                   for m in ms} == {dyad}
    assert all(m.cameo_root == "19" for m in ms)


def test_a_passive_act_with_no_named_doer_codes_nothing() -> None:
    assert not happened(code("Ten people were killed in a suicide bombing in Kabul."))


def test_visa_restrictions_are_sanctions() -> None:
    """Issue 3: "imposed visa restrictions on X" is CAMEO 163 on X."""
    ms = code("The Biden administration imposed visa restrictions on Georgian officials.",
              datetime(2024, 6, 1, tzinfo=UTC))
    assert [(m.source.code, actor_key(m.target), m.cameo) for m in ms] == [
        ("USAGOV", "GEO", "163")]


def test_targeting_a_warship_is_an_attack_targeting_voters_is_not() -> None:
    """Issue 3: "targeted a US warship" is an assault on the US military."""
    ms = code("The Houthis said they had targeted a US warship in the Red Sea.")
    assert [(m.source.code, m.target.code if m.target else None, m.cameo_root)
            for m in ms if not m.negated] == [("YEMREB", "USAMIL", "19")]
    assert not code("The campaign targeted young voters.")


def test_sentence_initial_it_is_the_previous_sentences_topic() -> None:
    """Issue 3: the demand is Pakistan's, on Kabul, not Kabul's on no one."""
    ms = code("Pakistan's foreign ministry said the raid followed a militant attack on Saturday. "
              "It urged Kabul to stop sheltering the militants.")
    assert [(m.source.code, m.target.code if m.target else None, m.cameo_root)
            for m in ms if m.sentence_index == 1] == [("PAKGOV", "AFGGOV", "02")]


@pytest.mark.parametrize("text,expected", [
    ("Niger's junta ordered French troops to leave the country by the end of the year.",
     ("NERGOV", "FRAMIL", "166")),
    ("The Chinese military launched large-scale exercises around Taiwan on Monday.",
     ("CHNMIL", "TWN", "150")),
])
def test_expulsions_and_exercises(text: str, expected: tuple[str, str, str]) -> None:
    """Issue 3: ordering foreign troops out is an expulsion; large-scale exercises are a show
    of force."""
    ms = [m for m in code(text, datetime(2024, 6, 1, tzinfo=UTC)) if not m.negated]
    assert [(m.source.code, m.target.code if m.target else None, m.cameo) for m in ms] == [
        expected]


def test_ordering_residents_to_leave_is_no_expulsion() -> None:
    assert not happened(code("The mayor ordered residents to leave their homes."))


@pytest.mark.parametrize("text,pair", [
    ("Talks between Israel and Hamas resumed in Doha on Thursday.", ("ISR", "PSE")),
    ("Clashes between Armenian and Azerbaijani troops erupted on Tuesday.", ("ARM", "AZE")),
    ("A meeting between the Chinese and US defence ministers took place in Singapore.",
     ("CHN", "USA")),
])
def test_parties_named_by_between_act_on_each_other(text: str, pair: tuple[str, str]) -> None:
    """Issue 3: "talks between X and Y" is X↔Y, not nothing."""
    ms = [m for m in code(text, datetime(2024, 6, 1, tzinfo=UTC)) if not m.negated]
    a, b = pair
    assert {(m.source.country, m.target.country if m.target else None) for m in ms} == {
        (a, b), (b, a)}


def test_they_prefers_the_plural_role_phrase() -> None:
    """Issue 3: "Ivory Coast rebels rejected a Senegalese plan and said they opposed …": they
    are the rebels, not Senegal."""
    ms = code("Ivory Coast rebels on Friday rejected a Senegalese peace plan, and said they "
              "also opposed the deployment of a regional peacekeeping force.")
    assert {m.source.code for m in ms if not m.negated} == {"CIVREB"}


@pytest.mark.parametrize("text,expected", [
    ("Ukraine received the first batch of F-16 fighter jets from Denmark and the Netherlands.",
     {("DNK", "UKR", "072"), ("NLD", "UKR", "072")}),
    ("Gaza received 200 tonnes of humanitarian aid from Egypt.", {("EGY", "PSE", "070")}),
])
def test_receiving_from_y_is_an_act_by_y(text: str, expected: set[tuple[str, str, str]]
                                         ) -> None:
    """Issue 3: "X received weapons from Y" is Y's aid to X; "tonnes of aid" is aid."""
    ms = [m for m in code(text, datetime(2024, 6, 1, tzinfo=UTC)) if not m.negated]
    assert {(m.source.country, m.target.country if m.target else None, m.cameo)
            for m in ms} == expected


def test_receiving_with_no_giver_codes_nothing() -> None:
    assert not code("Ukraine received weapons.", datetime(2024, 6, 1, tzinfo=UTC))
    assert not code("The ministry received a letter from the embassy.")


def test_two_triggers_of_one_act_give_one_mention() -> None:
    """Issue 3: "agreed to resume talks" (agree + resume, both CAMEO 036) is one act a side."""
    ms = code("Japan and South Korea agreed to resume defence talks.")
    assert sorted((m.source.country, m.target.country if m.target else None, m.cameo)
                  for m in ms) == [("JPN", "KOR", "036"), ("KOR", "JPN", "036")]


def test_a_threat_and_the_act_itself_are_both_kept() -> None:
    ms = code("Serbia threatened to attack Kosovo, and on Friday it attacked Kosovo.")
    attacks = [m for m in ms if m.cameo_root == "19"]
    assert any(not m.negated for m in attacks)


def test_no_one_as_subject_negates_the_act() -> None:
    """Issue 3: "no one in Serbia helped us" reports that no help happened."""
    ms = code("No one in Serbia helped us, Radoicic said.")
    assert ms and all(m.negated and m.plover_mode == "negated" for m in ms)


def test_speaking_to_reporters_is_not_a_meeting() -> None:
    """Issue 3: talking to the press is a statement, not a consultation with journalists."""
    assert not code("Speaking to reporters in Pristina, Kurti said the group meant to take "
                    "control of the north.")
    assert happened(code("Vucic spoke with Stoltenberg on Friday.")) == [("SRB", "NAT", "04")]


def test_a_material_act_takes_no_target_from_a_misparsed_clause() -> None:
    """Issue 3: in "Washington called on Belgrade …, NATO reinforced KFOR and Britain sent a
    battalion" the parser hangs "Washington called" under "reinforced"; NATO did not
    reinforce against the United States."""
    ms = code("Washington called on Belgrade to pull its forces back, NATO reinforced KFOR and "
              "Britain sent an extra battalion.")
    assert not any(m.source.code.startswith("IGOWSTNAT") and m.target is not None
                   and m.target.country == "USA" for m in ms)


@pytest.mark.parametrize("text,expected", [
    ("The International Criminal Court issued an arrest warrant for Vladimir Putin.",
     ("IGOJUDICC", "RUSGOV", "173")),
    ("Syrian government forces retook the city of Aleppo from rebels.",
     ("SYRMIL", "REB", "190")),
])
def test_warrants_and_retaking_towns(text: str, expected: tuple[str, str, str]) -> None:
    ms = [m for m in code(text, datetime(2024, 6, 1, tzinfo=UTC)) if not m.negated]
    assert [(m.source.code, m.target.code if m.target else None, m.cameo) for m in ms] == [
        expected]
