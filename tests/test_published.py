from __future__ import annotations

from datetime import UTC, datetime

import pytest
from trafilatura.utils import load_html

from flashpoint.published import find_published, parse_published, parse_published_detail


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
        micro: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(("value", "when", "offset"), [
    ("2023-09-30T14:05:00+02:00", utc(2023, 9, 30, 12, 5), 120),
    ("2023-09-30T14:05:00Z", utc(2023, 9, 30, 14, 5), 0),
    ("2023-09-30T14:05:00.250-04:00", utc(2023, 9, 30, 18, 5, 0, 250000), -240),
    ("2023-09-30 14:05:00 +0200", utc(2023, 9, 30, 12, 5), 120),
    ("2023-09-30T14:05:00", utc(2023, 9, 30, 14, 5), None),
    ("2023-09-30", utc(2023, 9, 30), None),
    ("Sat, 30 Sep 2023 14:05:00 +0200", utc(2023, 9, 30, 12, 5), 120),
    ("Sat, 30 Sep 2023 14:05:00 GMT", utc(2023, 9, 30, 14, 5), 0),
    ("Sat, 30 Sep 2023 14:05:00 EDT", utc(2023, 9, 30, 18, 5), -240),
    ("Sat, 30 Sep 2023 14:05:00 -0000", utc(2023, 9, 30, 14, 5), None),
    ("Sat, 30 Sep 2023 14:05:00", utc(2023, 9, 30, 14, 5), None),
    ("September 30, 2023", utc(2023, 9, 30), None),
    ("30 September 2023 14:05 CEST", utc(2023, 9, 30, 12, 5), 120),
    ("Saturday, September 30, 2023 at 2:05 pm EDT", utc(2023, 9, 30, 18, 5), -240),
    ("1696075500", utc(2023, 9, 30, 12, 5), None),
    ("Sept. 30, 2023", utc(2023, 9, 30), None),
    ("30th September 2023, 14:05 +02:00", utc(2023, 9, 30, 12, 5), 120),
    ("Sep 30, 2023 12:30 am", utc(2023, 9, 30, 0, 30), None),
    ("30. septembar 2023.", utc(2023, 9, 30), None),  # dateparser, Serbian month name
])
def test_parse_published(value: str, when: datetime, offset: int | None) -> None:
    assert parse_published(value) == (when, offset)


@pytest.mark.parametrize("value", [
    "", "   ", "yesterday", "3 hours ago", "September 2023", "September 30", "Friday",
    "last week", "not a date at all", "2023", "x" * 500, "0000-00-00", "1066-10-14",
    "September 31, 2023",
])
def test_never_invents_a_date(value: str) -> None:
    assert parse_published(value) is None


def test_has_time_flag() -> None:
    day = parse_published_detail("2023-09-30")
    assert day is not None and not day.has_time
    full = parse_published_detail("2023-09-30T01:00:00+02:00")
    assert full is not None and full.has_time and full.when == utc(2023, 9, 29, 23, 0)


def _page(head: str, body: str = "") -> object:
    return load_html(f"<html><head>{head}</head><body>{body}<p>x</p></body></html>")


def test_jsonld_beats_meta_and_time() -> None:
    tree = _page(
        '<script type="application/ld+json">{"@context":"https://schema.org","@graph":['
        '{"@type":"WebSite","name":"x"},'
        '{"@type":"NewsArticle","datePublished":"2023-09-30T14:05:00+02:00"}]}</script>'
        '<meta property="article:published_time" content="2023-09-29T08:00:00Z">',
        '<article><time datetime="2023-09-28T10:00:00Z">x</time></article>',
    )
    found = find_published(tree)
    assert found is not None
    assert (found.when, found.offset_min) == (utc(2023, 9, 30, 12, 5), 120)


def test_time_of_day_beats_bare_date() -> None:
    tree = _page(
        '<script type="application/ld+json">{"@type":"Article","datePublished":"2023-09-30"}'
        '</script><meta itemprop="datePublished" content="2023-09-30T09:15:00+01:00">'
    )
    found = find_published(tree)
    assert found is not None and found.when == utc(2023, 9, 30, 8, 15) and found.offset_min == 60


def test_time_element_in_article_and_broken_jsonld() -> None:
    tree = _page('<script type="application/ld+json">{not json</script>',
                 '<article><p>x</p><time datetime="2023-09-30T14:05:00+02:00">Sat</time></article>')
    found = find_published(tree)
    assert found is not None and found.when == utc(2023, 9, 30, 12, 5)


def test_no_date_in_page() -> None:
    assert find_published(_page("<title>x</title>", "<time datetime='soon'>x</time>")) is None
