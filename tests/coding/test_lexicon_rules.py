"""Lexicon rules found by coding wire-style sentences outside the dev sets (issue 3, session 4).
"""

from __future__ import annotations

import pytest
from helpers import code, dyads


@pytest.mark.parametrize("text,expected", [
    ("China retaliated against the United States with tariffs on soybeans.",
     ("CHN", "USA", "163")),
    ("Iran retaliated against Israel on Saturday, firing hundreds of drones.",
     ("IRN", "ISR", "190")),
])
def test_retaliation_is_coded_by_its_means(text: str, expected: tuple[str, str, str]) -> None:
    """Issue 3: "retaliate" was no trigger; tariffs make it a sanction, not an attack."""
    ms = [m for m in code(text) if not m.negated and m.rule.startswith("retaliate")]
    assert [(m.source.country, m.target.country if m.target else None, m.cameo)
            for m in ms] == [expected]


@pytest.mark.parametrize("text,expected", [
    ("The United States called for the withdrawal of Russian troops from Georgia.",
     ("USA", "RUS", "106")),
    ("Israel pulled its forces out of Gaza on Sunday.", ("ISR", "PSE", "0874")),
    ("Syria says it is willing to withdraw its troops from Lebanon.", ("SYR", "LBN", "0356")),
])
def test_withdrawals_name_who_leaves_and_where_from(text: str,
                                                    expected: tuple[str, str, str]) -> None:
    """Issue 3: the party asked to withdraw is the target of the demand; the place left is the
    target of the withdrawal."""
    got = dyads(text)
    assert got == [expected]


@pytest.mark.parametrize("text,expected", [
    ("Germany delivered medical equipment and ambulances to Ukraine.", ("DEU", "UKR", "07")),
    ("The U.S. government announced $33 million in assistance to Mozambique.",
     ("USA", "MOZ", "07")),
    ("France has sent seven military experts to Riyadh to investigate the attacks.",
     ("FRA", "SAU", "09")),
])
def test_giving_verbs_share_one_aid_vocabulary(text: str, expected: tuple[str, str, str]) -> None:
    """Issue 3: every giving verb knows supplies, equipment and packages; experts sent to
    investigate are an investigation, not aid."""
    got = [(m.source.country, m.target.country if m.target else None, m.cameo_root)
           for m in code(text) if not m.negated]
    assert expected in got


@pytest.mark.parametrize("text,expected", [
    ("Bangladesh says it will not accept any Rohingya refugees fleeing violence.",
     ("BGD", "122")),
    ("Hungary says it will not accept returned asylum seekers.", ("HUN", "122")),
    ("Germany accepted thousands of refugees fleeing the war in Syria.", ("DEU", "075")),
])
def test_refugees_accepted_or_refused(text: str, expected: tuple[str, str]) -> None:
    """Issue 3: "thousands of refugees" and "refugees fleeing …" (parsed as a clause) are the
    object of "accept"; "will not accept" is a refusal."""
    assert expected in [(m.source.country, m.cameo) for m in code(text) if not m.negated]


@pytest.mark.parametrize("text,expected", [
    ("Russia gave to Armenia some of the military equipment it had ordered.",
     ("RUS", "ARM", "07")),
    ("The rebels handed over 40 percent of their arms to the United Nations.",
     ("REB", "IGO", "08")),
])
def test_a_share_of_the_object_is_the_object(text: str, expected: tuple[str, str, str]) -> None:
    """Issue 3: "some of", "40 percent of": the of-object is what the act is about."""
    got = [(m.source.country or m.source.code[:3],
            (m.target.country or m.target.code[:3]) if m.target else None, m.cameo_root)
           for m in code(text) if not m.negated]
    assert expected in got


def test_an_eased_restriction_targets_where_it_applied() -> None:
    """Issue 3: lifting a curfew or a state of emergency "in X" is done to X (CAMEO 081x)."""
    assert dyads("Egypt lifted the state of emergency in Sinai on Sunday.") == [
        ("EGY", "EGY", "0814")]


def test_acts_named_as_the_occasion_of_a_statement_are_background() -> None:
    """Issue 3: "concerns regarding the casualties and the attack", "a condolence message
    following the assault": the statement is the act; the attack is its occasion."""
    ms = code("Karzai expressed deep concerns regarding the casualties of the civilians and "
              "the terrorist attack in Lahore.")
    assert [m.cameo_root for m in ms if not m.negated] == ["01"]
    ms = code("King Salman sent a condolence message to President Ghani following the "
              "terrorist assault in Kabul.")
    assert [m.cameo for m in ms if not m.negated] == ["018"]


def test_call_on_read_as_a_particle_is_an_appeal() -> None:
    ms = code("Activists called on Germans to join a rally against the government.")
    assert "020" in [m.cameo for m in ms if not m.negated]


def test_a_bomber_killing_is_a_bombing() -> None:
    """Issue 3: "a suicide bomber killed five people" is unconventional violence (183), not
    conventional fighting (190)."""
    ms = code("A suicide bomber killed five people in an attack on a convoy in Pakistan.")
    assert [m.cameo for m in ms if not m.negated and m.rule == "kill.bomber"] == ["183"]


@pytest.mark.parametrize("text,expected", [
    ("The US State Department approved the possible sale of F-16 fighter jets to Turkey.",
     ("USA", "TUR", "072")),
    ("France sold 24 Rafale fighter jets to Egypt.", ("FRA", "EGY", "072")),
])
def test_arms_sales_are_military_aid(text: str, expected: tuple[str, str, str]) -> None:
    """Issue 3: selling or approving the sale of weapons to X is military aid (072); the sale
    of an airline is not."""
    got = dyads(text)
    assert expected in got
    assert not code("The government approved the sale of the state airline to an investor.")
