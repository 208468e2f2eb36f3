"""Stated intentions, threats, attempts and non-acts (issue 3, session 4; coding/modality.py).

CAMEO codes an announced hostile act as a threat (13x) and an announced cooperative one as
an intent (03x); forecasts, claims and counterfactuals stay hypothetical.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers import code

# Stated intentions (issue 3, session 4): CAMEO codes an announced hostile act as a threat (13x)
# and an announced cooperative one as an intent (03x); forecasts and claims stay hypothetical.

@pytest.mark.parametrize("text,expected", [
    ("Palestinian leaders said they would boycott all official contact with the United States.",
     ("PSE", "USA", "133")),
    ("Turkey said on Monday it would expel the Dutch ambassador.", ("TUR", "NLD", "1313")),
    ("North Korea warned it would strike South Korea if the drills went ahead.",
     ("PRK", "KOR", "138")),
    ("The European Union will impose new sanctions on Russia next month.",
     ("IGOEUREEC", "RUS", "1312")),
    ("Israeli officials said Israel would retaliate against Iran.", ("ISR", "IRN", "138")),
])
def test_an_announced_hostile_act_is_a_threat(text: str, expected: tuple[str, str, str]) -> None:
    got = [(m.source.code if m.source.country is None else m.source.country,
            m.target.country or m.target.code if m.target else None, m.cameo)
           for m in code(text, datetime(2024, 6, 1, tzinfo=UTC)) if not m.negated]
    assert expected in got
    assert all(m.plover == "THREATEN" for m in code(text) if not m.negated
               and m.cameo.startswith("13"))


def test_reported_would_is_an_intent_for_cooperation() -> None:
    """Issue 3: "said it would send" is the reported "will send" (CAMEO 03x)."""
    ms = [m for m in code("The White House said the United States would send more air defence "
                          "systems to Ukraine.") if not m.negated]
    assert [(m.source.country, m.target.country if m.target else None, m.cameo_root)
            for m in ms] == [("USA", "UKR", "03")]


@pytest.mark.parametrize("text", [
    "Analysts said Russia would attack Ukraine again before the winter.",
    "Ukraine says Russia will strike Kyiv again this winter.",
    "He said Israel would have attacked Iran if the talks had failed.",
    "Iran said it would not attack Israel.",
])
def test_forecasts_claims_and_counterfactuals_are_not_threats(text: str) -> None:
    """Issue 3: only the actor's own word is a threat; a forecast, the other side's claim, a
    counterfactual or a negated plan is not coded as having happened."""
    assert not [m for m in code(text) if not m.negated and m.cameo_root in {"13", "19"}]


@pytest.mark.parametrize("text,expected", [
    ("North Korea has tried to hack into the computers of South Korean army officers.",
     ("PRK", "KOR", "17")),
    ("Gunmen tried to assassinate the governor of Kandahar on Monday.", (None, "AFG", "18")),
])
def test_an_attempted_attack_is_an_attack(text: str,
                                          expected: tuple[str | None, str, str]) -> None:
    """Issue 3: CAMEO codes the attempt of a coercive or violent act as the act; an attempt
    that is itself only planned stays hypothetical."""
    got = [(m.source.country, m.target.country if m.target else None, m.cameo_root)
           for m in code(text) if not m.negated]
    assert expected in got
    assert not [m for m in code("The army will try to storm the rebel stronghold next week.")
                if not m.negated]


@pytest.mark.parametrize("text,expected", [
    ("The Thai government will extend the curfew in Bangkok.", ("THA", "THA", "1323")),
    ("Theresa May will hold talks with Donald Tusk in Brussels.", ("GBR", "IGO", "036")),
])
def test_a_noun_act_takes_the_intention_of_its_verb(text: str,
                                                    expected: tuple[str, str, str]) -> None:
    """Issue 3: "will extend the curfew" / "will hold talks" state an intention (13x / 03x)."""
    got = [(m.source.country or m.source.code[:3], m.target.country or m.target.code[:3]
            if m.target else None, m.cameo) for m in code(text) if not m.negated]
    assert expected in got


def test_a_prohibited_act_did_not_happen() -> None:
    """Issue 3: "would prohibit all aid to X" is no aid to X."""
    ms = code("The United States announced it would prohibit all aid to the rebels.")
    assert not [m for m in ms if not m.negated and m.cameo_root in {"03", "07"}]


@pytest.mark.parametrize("text,expected", [
    ("Iraq's interim government announced that it is prepared to impose martial law in Baghdad.",
     ("IRQ", "1324")),
    ("Turkey is determined to launch a new offensive against Kurdish militants in Syria.",
     ("TUR", "138")),
])
def test_prepared_and_determined_state_an_intention(text: str, expected: tuple[str, str]) -> None:
    """Issue 3: "is prepared / determined to" + a hostile act is a threat by the subject of
    "is"; "X must be ready to mediate" stays a demand on X."""
    assert expected in [(m.source.country, m.cameo) for m in code(text) if not m.negated]
    ms = code("Egypt said the US must be ready to mediate between Israel and the Palestinians.")
    assert not [m for m in ms if not m.negated and m.source.country == "USA"]


def test_a_plan_reported_by_the_other_side_is_not_a_threat() -> None:
    """Issue 3 (sample corpus): "Kurti said the armed group had planned to seize northern
    Kosovo" is Kurti's claim about an old plan, not the group's threat."""
    ms = code("Kosovo Prime Minister Albin Kurti said that the armed group behind the attack had "
              "planned to seize northern Kosovo.")
    assert not [m for m in ms if not m.negated and m.cameo_root == "13"]
    ms = code("The rebels planned to seize the airport, the army said.")
    assert not [m for m in ms if not m.negated]


def test_circumstances_undergoers_and_any_are_not_acts() -> None:
    """Issue 3: "after seizing Sake" is a past act (not the content of "pushed"); people who
    fled the fighting did not fight; "any threat" is no threat in particular."""
    ms = code("M23 rebels pushed towards Goma on Saturday after seizing the town of Sake, "
              "residents said, as thousands of people fled the fighting.")
    assert ("REB", "192") in [(m.source.role, m.cameo) for m in ms if not m.negated]
    assert not [m for m in ms if not m.negated and m.source.role == "CVL"]
    ms = code("Kagame said his country would defend itself against any threat from Congo.")
    assert not [m for m in ms if not m.negated and m.cameo_root == "13"]
