"""Event dates resolved against the publication date (our own sentences, not article text)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from flashpoint.coding.dates import (
    EventDate,
    date_of,
    find_date_expressions,
    find_recap_cues,
    resolve_event_date,
)

SAT = datetime(2023, 9, 30, 9, 15, tzinfo=UTC)  # the seed's publication day, a Saturday
SUN = date(2023, 10, 1)
MON = date(2023, 10, 2)
WED = date(2023, 9, 27)
JAN2 = date(2024, 1, 2)  # a Tuesday
JAN5 = date(2024, 1, 5)
DEC30 = date(2023, 12, 30)

CASES = [
    # the seed's facts (published Saturday 30 September 2023)
    ("The ministry said in a statement released on Friday that it objected.", SAT,
     "2023-09-29", "day", False),
    ("A clash near the border over the weekend left two dead.", SAT, "2023-09-24", "week", True),
    ("The talks follow last weekend's clashes in the north.", SAT, "2023-09-24", "week", True),
    ("The minister phoned his counterpart earlier on Friday.", SAT, "2023-09-29", "day", False),
    ("Troops have massed over the past week.", SAT, "2023-09-30", "week", False),
    ("The province declared independence in 2008.", SAT, "2008-12-31", "year", True),
    ("We had more troops two or three months ago.", SAT, "2023-07-30", "month", True),
    # weekdays: most recent on or before publication, never the future unless "next"/"by"
    ("The envoy arrived on Monday.", MON, "2023-10-02", "day", False),
    ("The envoy arrived on Sunday.", MON, "2023-10-01", "day", False),
    ("The envoy arrived on Saturday.", MON, "2023-09-30", "day", False),
    ("The envoy arrived on Friday.", MON, "2023-09-29", "day", True),
    ("The envoy arrived on Tuesday.", MON, "2023-09-26", "day", True),
    ("The envoy arrived on Saturday.", SAT, "2023-09-30", "day", False),
    ("Gunmen opened fire late on Sunday.", SAT, "2023-09-24", "day", True),
    ("Shelling resumed Friday night.", SAT, "2023-09-29", "day", False),
    ("Talks collapsed last Saturday.", SAT, "2023-09-23", "day", True),
    ("The two sides will meet next Friday.", SAT, "2023-10-06", "day", False),
    ("Forces must leave by Friday.", SAT, "2023-10-06", "day", False),
    ("Parliament voted on Tuesday last week.", SAT, "2023-09-19", "day", True),
    ("Parliament will vote on Tuesday next week.", SAT, "2023-10-03", "day", False),
    ("Police detained him on Thursday.", WED, "2023-09-21", "day", True),
    ("Police detained him on Friday.", JAN2, "2023-12-29", "day", True),
    # day words
    ("Rebels shelled the town today.", SAT, "2023-09-30", "day", False),
    ("Rebels shelled the town this morning.", SAT, "2023-09-30", "day", False),
    ("Leaders meet tonight.", SAT, "2023-09-30", "day", False),
    ("Rebels shelled the town yesterday.", SAT, "2023-09-29", "day", False),
    ("Rebels shelled the town last night.", SAT, "2023-09-29", "day", False),
    ("Rebels shelled the town the day before yesterday.", SAT, "2023-09-28", "day", False),
    ("Yesterday's shelling killed four.", SAT, "2023-09-29", "day", True),
    ("Leaders meet tomorrow.", SAT, "2023-10-01", "day", False),
    # weekends
    ("Protests spread over the weekend.", MON, "2023-10-01", "week", False),
    ("Protests spread over the weekend.", SUN, "2023-09-24", "week", True),
    ("Protests spread at the weekend.", WED, "2023-09-24", "week", True),
    ("Protests are planned this weekend.", WED, "2023-10-01", "week", False),
    ("Protests continue this weekend.", SAT, "2023-09-30", "week", False),
    ("Protests are planned next weekend.", SAT, "2023-10-08", "week", False),
    ("The weekend's clashes were the worst in years.", MON, "2023-10-01", "week", True),
    # weeks, months, years
    ("Envoys met last week.", SAT, "2023-09-24", "week", True),
    ("Envoys met this week.", SAT, "2023-09-30", "week", False),
    ("Envoys meet next week.", SAT, "2023-10-08", "week", False),
    ("Envoys met last week.", JAN2, "2023-12-31", "week", False),
    ("Prices rose last month.", SAT, "2023-08-31", "month", True),
    ("Prices rose last month.", JAN5, "2023-12-31", "month", True),
    ("Prices rose in September.", SAT, "2023-09-30", "month", False),
    ("Prices rose in August.", SAT, "2023-08-31", "month", True),
    ("Elections are due in December.", SAT, "2023-12-31", "month", False),
    ("Prices rose in December.", JAN2, "2023-12-31", "month", False),
    ("Prices rose in mid-September 2022.", SAT, "2022-09-30", "month", True),
    ("Clashes broke out earlier this month.", SAT, "2023-09-29", "month", True),
    ("Tensions grew last year.", SAT, "2022-12-31", "year", True),
    ("Tensions grew this year.", SAT, "2023-09-30", "year", False),
    ("Fighting has flared in recent days.", SAT, "2023-09-30", "week", False),
    ("Tensions have risen in recent months.", SAT, "2023-09-30", "year", False),
    ("The mission has run since 1999.", SAT, "1999-12-31", "year", True),
    ("The dispute began in early 2008.", SAT, "2008-12-31", "year", True),
    # explicit dates
    ("The attack on Sept. 24, 2023 killed four.", SAT, "2023-09-24", "day", True),
    ("The attack on 24 September killed four.", SAT, "2023-09-24", "day", True),
    ("The attack on 24 Sept killed four.", SAT, "2023-09-24", "day", True),
    ("The attack on Sept 24 killed four.", SAT, "2023-09-24", "day", True),
    ("The attack on September 24th killed four.", SAT, "2023-09-24", "day", True),
    ("The attack on the 24th of September killed four.", SAT, "2023-09-24", "day", True),
    ("The attack (2023-09-24) killed four.", SAT, "2023-09-24", "day", True),
    ("The attack on September 24, 2022 killed four.", SAT, "2022-09-24", "day", True),
    ("The accord was signed on March 15.", SAT, "2023-03-15", "day", True),
    ("Talks open on October 2.", SAT, "2023-10-02", "day", False),
    ("The strike began on December 28.", JAN2, "2023-12-28", "day", True),
    ("The strike began on Dec. 31.", JAN2, "2023-12-31", "day", False),
    ("Talks resume on January 3.", DEC30, "2024-01-03", "day", False),
    # ... ago
    ("Troops arrived two days ago.", SAT, "2023-09-28", "day", False),
    ("Troops arrived three days ago.", SAT, "2023-09-27", "day", True),
    ("Troops arrived a few days ago.", SAT, "2023-09-27", "week", True),
    ("Troops arrived three weeks ago.", SAT, "2023-09-09", "week", True),
    ("Troops arrived a year ago.", SAT, "2022-09-30", "year", True),
    ("Troops arrived a decade ago.", SAT, "2013-09-30", "year", True),
    ("Troops arrived 10 days ago.", JAN5, "2023-12-26", "day", True),
]


@pytest.mark.parametrize(("sentence", "published", "iso", "precision", "background"), CASES)
def test_resolve(sentence: str, published: date, iso: str, precision: str,
                 background: bool) -> None:
    got = resolve_event_date(sentence, published)
    assert (got.date, got.precision, got.background) == (iso, precision, background)
    assert got.cue is not None and got.span is not None
    assert sentence[got.span[0]:got.span[1]] == got.cue
    pub = published.date() if isinstance(published, datetime) else published
    assert got.future == (date.fromisoformat(iso) > pub)


def test_no_expression_defaults_to_publication_day() -> None:
    got = resolve_event_date("Serbia deployed tanks near the border.", SAT)
    assert got == EventDate("2023-09-30", "day", False, None, None)
    got = resolve_event_date("Serbia deployed tanks near the border.", SAT, default_recent=False)
    assert (got.date, got.precision) == (None, "unknown")


def test_unknown_publication_date_is_never_invented() -> None:
    for sentence in ("They met on Friday.", "They met yesterday.", "They met on 24 September.",
                     "They met over the weekend.", "They met.", "They met last month."):
        got = resolve_event_date(sentence, None)
        assert (got.date, got.precision) == (None, "unknown"), sentence
    assert resolve_event_date("It seceded in 2008.", None).date == "2008-12-31"
    got = resolve_event_date("They met on 24 September 2023.", None)
    assert (got.date, got.precision) == ("2023-09-24", "day")
    assert resolve_event_date("In the wake of the attack, they met on Friday.", None).background


@pytest.mark.parametrize("sentence", [
    "A decade after a bitter war the two states trade again.",
    "Protesters march through the capital every week.",
    "The talks may resume soon.",
    "May we expect a deal?",
    "The Sunday Times reported the deal.",
    "The Good Friday Agreement ended the conflict.",
    "Soldiers moved 10 tanks and 24 howitzers to the border.",
    "A total of 2000 people fled.",
    "A weekend of talks is planned in a week or so.",
])
def test_no_false_dates(sentence: str) -> None:
    assert find_date_expressions(sentence) == []


def test_numbers_after_a_month_are_not_days() -> None:
    [expr] = find_date_expressions("In March 2,000 troops crossed the river.")
    assert (expr.text, expr.precision) == ("In March", "month")


def test_expressions_have_spans_and_do_not_overlap() -> None:
    sentence = ("On Tuesday last week, two days after the September 17 vote, officials said "
                "that since 1999 the force had grown, and more would come next month.")
    exprs = find_date_expressions(sentence)
    assert [e.text for e in exprs] == ["On Tuesday last week", "September 17", "since 1999",
                                       "next month"]
    for e in exprs:
        assert sentence[e.span[0]:e.span[1]] == e.text
    assert all(a.span[1] <= b.span[0] for a, b in pairwise(exprs))


def test_trigger_picks_the_nearest_expression() -> None:
    sentence = "The state, independent since 2008, said on Friday that talks would go on."
    said = sentence.index("said")
    got = resolve_event_date(sentence, SAT, trigger=(said, said + 4))
    assert (got.date, got.cue) == ("2023-09-29", "on Friday")
    indep = sentence.index("independent")
    got = resolve_event_date(sentence, SAT, trigger=(indep, indep + 11))
    assert (got.date, got.precision, got.background) == ("2008-12-31", "year", True)
    # without a trigger, the most precise expression wins
    assert resolve_event_date(sentence, SAT).cue == "on Friday"


def test_recap_cues_make_background() -> None:
    for sentence in ("The build-up comes in the wake of clashes in the north.",
                     "He recalled that the army had fired on the crowd.",
                     "Crowds gathered on the anniversary of the massacre.",
                     "Tensions have run high since the attack.",
                     "The ministry confirmed the deaths, as reported earlier.",
                     "Police were deployed after the deadly weekend ambush on patrols."):
        got = resolve_event_date(sentence, SAT)
        assert got.background, sentence
        assert got.date == "2023-09-30"
    assert not resolve_event_date("Aid has stalled since the government fell out with donors "
                                  "over fees.", SAT).background
    assert [c for c, _ in find_recap_cues("Following the call, she asked for help.")] == [
        "Following the"]


def test_cues_only_cover_their_clause_when_the_trigger_is_known() -> None:
    sentence = "Following the call, the premier asked for more help."
    asked = sentence.index("asked")
    assert resolve_event_date(sentence, SAT).background
    assert not resolve_event_date(sentence, SAT, trigger=(asked, asked + 5)).background
    sentence = "Washington urged Belgrade to pull back in the wake of the deployment."
    urged = sentence.index("urged")
    assert not resolve_event_date(sentence, SAT, trigger=(urged, urged + 5)).background
    assert not resolve_event_date(sentence, SAT, scan_cues=False).background


def test_recap_flag_forces_background_but_never_for_the_future() -> None:
    assert resolve_event_date("They met on Friday.", SAT, recap_cue=True).background
    assert not resolve_event_date("Following the talks, they meet next week.", SAT).background
    assert not resolve_event_date("They meet next week.", SAT, recap_cue=True).background


def test_weekday_names_never_point_to_the_future() -> None:
    names = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    start = date(2023, 12, 25)
    for offset in range(14):  # across a New Year
        pub = start + timedelta(days=offset)
        for index, name in enumerate(names):
            got = resolve_event_date(f"The council met on {name}.", pub)
            assert got.date is not None
            day = date.fromisoformat(got.date)
            assert day.weekday() == index and pub - timedelta(days=6) <= day <= pub


def test_date_of_works_on_a_chosen_expression() -> None:
    [expr] = find_date_expressions("They met on 24 September.")
    assert date_of(expr, date(2024, 1, 10)) == date(2023, 9, 24)
    assert date_of(expr, None) is None
    assert find_date_expressions("Clashes on 31 September.") == []  # no such day
    assert [e.precision for e in find_date_expressions("Clashes on 29 February 2023.")] == [
        "month"]


def test_long_input_is_capped() -> None:
    sentence = "word " * 5000 + "on Friday"
    assert find_date_expressions(sentence) == []


def test_continuation_inherits_the_previous_date() -> None:
    first = resolve_event_date("Gunmen ambushed a patrol late on Sunday.", SAT)
    assert (first.date, first.background) == ("2023-09-24", True)
    got = resolve_event_date("Subsequently, three attackers were killed.", SAT, previous=first)
    assert (got.date, got.precision, got.background, got.cue) == ("2023-09-24", "day", True,
                                                                  "Subsequently")
    # no continuation marker, or no previous result: the usual default
    assert resolve_event_date("Three attackers were killed.", SAT, previous=first).date == \
        "2023-09-30"
    assert resolve_event_date("Subsequently, three were killed.", SAT).date == "2023-09-30"


def _seed_sentence(text: str, *words: str) -> str:
    flat = " ".join(text.split())
    for sentence in flat.replace("? ", ". ").split(". "):
        if all(w in sentence for w in words):
            return sentence
    raise AssertionError(f"no seed sentence with {words}")


@pytest.mark.parametrize(("words", "trigger", "iso", "precision", "background"), [
    (("released on Friday",), "deployed", "2023-09-29", "day", False),
    (("over the weekend",), "clash", "2023-09-24", "week", True),
    (("ambushed",), "ambushed", "2023-09-24", "week", True),
    (("earlier on Friday",), "telephone", "2023-09-29", "day", False),
    (("over the past week",), "transpired", "2023-09-30", "week", False),
    (("in 2008",), "declared", "2008-12-31", "year", True),
    (("months ago",), "had", "2023-07-30", "month", True),
    (("urging Serbia to withdraw",), "urging", "2023-09-30", "day", False),
    (("Following the call",), "request", "2023-09-30", "day", False),
])
def test_seed_article_dates(seed_path: Path, words: tuple[str, ...], trigger: str, iso: str,
                            precision: str, background: bool) -> None:
    text = seed_path.read_text(encoding="utf-8")
    sentence = _seed_sentence(text, *words)
    at = sentence.index(trigger)
    got = resolve_event_date(sentence, SAT, trigger=(at, at + len(trigger)))
    assert (got.date, got.precision, got.background) == (iso, precision, background)


@pytest.mark.parametrize("sentence,iso,precision", [
    ("Serb protesters clashed with KFOR troops in May this year.", "2023-05-31", "month"),
    ("They met in March last year.", "2022-03-31", "month"),
    ("They met on 5 May this year.", "2023-05-05", "day"),
])
def test_month_with_a_relative_year_is_one_expression(sentence: str, iso: str,
                                                      precision: str) -> None:
    """Issue 3: "in May this year" is May, not "this year" (which alone is the year)."""
    when = resolve_event_date(sentence, date(2023, 9, 26))
    assert (when.date, when.precision, when.background) == (iso, precision, True)


def test_the_nearest_expression_is_the_whole_month_phrase() -> None:
    s = ("Tension has flared repeatedly: in 2011 over control of the Jarinje crossing, and in "
         "May this year, when Serb protesters clashed with KFOR troops in Zvecan.")
    i = s.index("clashed")
    when = resolve_event_date(s, date(2023, 9, 26), trigger=(i, i + 7))
    assert (when.date, when.precision, when.cue) == ("2023-05-31", "month", "in May this year")


def test_a_date_in_another_clause_does_not_date_the_act() -> None:
    """Issue 3: "shot down a bomber …, the first such loss since the invasion began in
    February 2022": February 2022 dates the invasion; a "When …" clause of the act's own
    clause does date it ("When the bombing stopped in June 1999, Serbian forces withdrew")."""
    from flashpoint.coding import code_article
    from flashpoint.evaluate import sentence_article

    pub = datetime(2024, 4, 19, 18, tzinfo=UTC)
    ms = code_article(sentence_article(
        "Ukraine's air force said it had shot down a Russian bomber over the Stavropol region, "
        "the first such loss for Moscow since the invasion began in February 2022.",
        "d1", pub)).mentions
    assert [m.event_date[:4] for m in ms if not m.negated] == ["2024"]
    ms = code_article(sentence_article(
        "When the bombing stopped in June 1999, Serbian forces withdrew from Kosovo.",
        "d2", pub)).mentions
    assert [m.event_date[:7] for m in ms if not m.negated] == ["1999-06"]
