from __future__ import annotations

import time
from pathlib import Path

import pytest

from flashpoint.errors import DataFileError
from flashpoint.residue import (
    PATTERNS_PATH,
    classify,
    default_patterns,
    filter_residue,
    filter_residue_detail,
    load_patterns,
    split_units,
)

P1 = ("Kosovo reopened the Jarinje crossing on Saturday after a three-week closure, the interior "
      "ministry in Pristina said in a statement.")
P2 = ("Both governments agreed to share intelligence on armed groups operating near the border, "
      "and the agreement was shared with European Union mediators, officials said.")
P3 = ("Traffic was expected to return to normal by Monday, although police said checks would "
      "remain in place for lorries carrying goods.")
BODY = [P1, P2, P3]


def _lines(*parts: str) -> str:
    return "\n\n".join(parts)


def test_wordpress_page() -> None:
    text = _lines(
        "Skip to content", "Balkan Daily", "Home » World » Europe",
        "Kosovo border crossing reopens after weeks of tension",
        "By Jane Doe", "September 30, 2023", "3 min read",
        P1, "Advertisement", P2, P3,
        "Share this:", "Twitter", "Facebook", "Like this:", "Like Loading...",
        "Related", "Serbia and Kosovo leaders meet in Brussels", "NATO boosts KFOR presence",
        "Posted in World", "Tags: Kosovo, Serbia",
        "3 Comments",
        "I think this is great news for everyone in the region and for trade.",
        "Leave a Reply",
    )
    found = filter_residue_detail(text)
    assert found.title == "Kosovo border crossing reopens after weeks of tension"
    assert list(found.paragraphs) == BODY
    assert found.author == "Jane Doe"
    assert found.date_text == "September 30, 2023"


def test_blogger_page() -> None:
    text = _lines(
        "Balkan Watch Blog", "Monday, October 2, 2023",
        "Serbia denies troop build-up claims at the Kosovo border",
        P1, P2,
        "Posted by Marko at 10:15 AM",
        "Email ThisBlogThis!Share to TwitterShare to FacebookShare to Pinterest",
        "Labels: Kosovo, Serbia", "No comments:", "Post a Comment",
        "Newer Post Older Post Home", "Subscribe to: Post Comments (Atom)",
    )
    found = filter_residue_detail(text)
    assert found.title == "Serbia denies troop build-up claims at the Kosovo border"
    assert list(found.paragraphs) == [P1, P2]
    assert found.date_text == "Monday, October 2, 2023"
    assert "Balkan Watch Blog" in found.dropped


def test_news_site_with_banners() -> None:
    text = "\n".join([  # one paragraph per line, no blank lines
        "We use cookies to improve your experience on our site. By continuing to browse, you "
        "agree to our use of cookies.",
        "Accept all", "Manage preferences",
        "Serbia withdraws some troops from Kosovo border, U.S. says",
        "By John Smith | Reuters", "Published: 30 September 2023 14:05 CEST",
        P1, "Story continues below advertisement", P2, "Sign up for our newsletter", P3,
        "Follow us on Twitter and Facebook", "© 2023 Example News. All rights reserved.",
        "Terms of Use | Privacy Policy | Contact Us",
    ])
    found = filter_residue_detail(text)
    assert found.title == "Serbia withdraws some troops from Kosovo border, U.S. says"
    assert list(found.paragraphs) == BODY
    assert found.author == "John Smith"
    assert found.date_text == "30 September 2023 14:05 CEST"


def test_author_box_bio_and_previous_next() -> None:
    text = _lines(
        "NATO sends more peacekeepers to northern Kosovo after clashes", P1, P2, P3,
        "Previous article", "Belgrade summons ambassador over border incident",
        "Next article", "EU envoy travels to Pristina for talks",
        "About The Author",
        "Jane Doe covers the Western Balkans for the paper and has reported from the region since "
        "2010.",
        "%d bloggers like this:",
    )
    title, paragraphs = filter_residue(text)
    assert title == "NATO sends more peacekeepers to northern Kosovo after clashes"
    assert paragraphs == BODY


def test_author_box_followed_by_article_text_keeps_the_text() -> None:
    text = _lines("Talks resume in Brussels between Belgrade and Pristina", P1, "Author", P2, P3)
    assert filter_residue(text)[1] == BODY


def test_real_paragraphs_with_widget_words_are_kept() -> None:
    sentences = [
        "Officials said they would share the findings with NATO, and the report was shared widely.",
        "Comments by the minister drew sharp criticism from opposition parties in Belgrade today.",
        "Register to vote before Friday, the electoral commission urged voters living abroad.",
        "Copyright laws were also discussed at the summit, according to two diplomats present.",
        "By the time the troops arrived, the village near the monastery was already empty.",
        "Follow-up talks are planned in Brussels next week, the European Union mediator said.",
        "Print media in Serbia largely echoed the government's account of the border incident.",
    ]
    text = _lines("Kosovo and Serbia trade blame after border standoff", *sentences)
    assert filter_residue(text)[1] == sentences
    for sentence in sentences:
        assert classify(sentence) is None


@pytest.mark.parametrize("line", [
    '" "', "0 37", "1.2K views", "***", "—", "Share this:", "Click to share on Facebook",
    "Share Facebook Twitter Email Print", "Tweet", "Like this:", "%d bloggers like this:",
    "Related posts:", "You may also like", "Read more", "READ MORE: Serbia denies build-up",
    "Continue reading →", "Posted in World, Politics", "Tags: Kosovo, Serbia", "Filed under: News",
    "Advertisement", "Subscribe", "Sign up for our newsletter", "Follow us on Telegram",
    "We use cookies to give you the best experience.", "Accept all", "Skip to content",
    "Home » News » World", "Leave a comment", "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Previous article", "Next post", "Copyright 2023 Balkan Daily", "About Author",
])
def test_residue_lines_are_recognised(line: str) -> None:
    assert classify(line) is not None


def test_byline_names_and_non_names() -> None:
    by = classify("By Jean-Luc Martin, AFP")
    assert by is not None and by.kind == "byline" and by.value == "Jean-Luc Martin"
    assert classify("By Friday") is None
    author = classify("Author: Marko Petrović")
    assert author is not None and author.value == "Marko Petrović"


def test_comment_marker_before_the_body_does_not_cut() -> None:
    text = _lines("Leave a comment", "Kosovo police detain three suspects after ambush", *BODY)
    assert filter_residue(text) == ("Kosovo police detain three suspects after ambush", BODY)


def test_no_title_line() -> None:
    title, paragraphs = filter_residue(_lines(*BODY, "Share this:"))
    assert title is None
    assert paragraphs == BODY


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = ("Kosovo reopened the Jarinje crossing on Saturday after\n"
               "a three-week closure, the interior ministry in Pristina\n"
               "said in a statement issued late in the afternoon on the\n"
               "same day.")
    units = split_units(wrapped + "\n\nShare this:\nTwitter")
    assert units[0].startswith("Kosovo reopened") and units[0].endswith("same day.")
    assert units[1:] == ["Share this:", "Twitter"]


def test_every_rule_example_is_residue() -> None:
    patterns = default_patterns()
    assert patterns is default_patterns()  # cached loader
    examples = [(rule.name, e) for rule in patterns.rules for e in rule.examples]
    assert len(examples) > 60
    for name, example in examples:
        assert classify(example, patterns) is not None, (name, example)


def test_patterns_are_not_catastrophic() -> None:
    patterns = default_patterns()
    nasty = ["1 " * 40 + "x", "a, " * 60 + "!", "terms " * 30 + "zz", "» " * 90 + ".",
             "by " + "Ab " * 38 + "1"]
    start = time.perf_counter()
    for text in nasty:
        for rule in patterns.rules:
            rule.regex.fullmatch(text[: rule.max_chars])
    assert time.perf_counter() - start < 5.0


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(body, encoding="utf-8")
    return path


WORDS = '[widget_words]\nmax_tokens = 5\nwords = ["share"]\nfillers = ["the"]\n'


@pytest.mark.parametrize(("rule", "field"), [
    ('name = "x"\nkind = "bogus"\npattern = "a"', "kind"),
    ('name = "x"\nkind = "line"\npattern = "("', "pattern"),
    ('name = "x"\nkind = "byline"\npattern = "by .*"', "pattern"),
    ('name = "x"\nkind = "line"\npattern = "a"\nmax_chars = 0', "max_chars"),
    ('name = "x"\nkind = "line"\npattern = "a"\nexamples = ["b"]', "examples"),
])
def test_bad_pattern_files_name_the_entry_and_field(tmp_path: Path, rule: str, field: str) -> None:
    path = _write(tmp_path, f"version = 1\n{WORDS}[[rule]]\n{rule}\n")
    with pytest.raises(DataFileError) as info:
        load_patterns(path)
    assert info.value.entry == "x" and info.value.field == field
    assert str(path) in str(info.value)


def test_bad_pattern_file_unknown_key_and_duplicates(tmp_path: Path) -> None:
    rule = '[[rule]]\nname = "x"\nkind = "line"\npattern = "a"\n'
    with pytest.raises(DataFileError, match="unknown key"):
        load_patterns(_write(tmp_path, f"version = 1\n{WORDS}{rule}colour = 1\n"))
    with pytest.raises(DataFileError, match="duplicate"):
        load_patterns(_write(tmp_path, f"version = 1\n{WORDS}{rule}{rule}"))
    with pytest.raises(DataFileError, match="version"):
        load_patterns(_write(tmp_path, f"{WORDS}{rule}"))


def test_packaged_file_loads() -> None:
    assert load_patterns(PATTERNS_PATH).max_chars >= 120
