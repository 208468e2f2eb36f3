from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from flashpoint.errors import InputError, NotFoundError
from flashpoint.model import Article, PublishedStatus, Rejection
from flashpoint.store import Store

Pair = Callable[[Article], tuple[Article, bytes]]
Make = Callable[..., Article]
Text = Callable[..., str]

DAY = datetime(2024, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def filled(store: Store, article: Make, text_of: Text, pair: Pair) -> list[Article]:
    arts = [
        article(text_of(20), "https://a.example/1", published=DAY),
        article(text_of(21), "https://a.example/2", published=DAY + timedelta(days=2)),
        article(text_of(22), "https://a.example/3", published=None),
        article(text_of(23), "https://a.example/4", published=DAY - timedelta(days=5)),
    ]
    store.add_articles([pair(a) for a in arts])
    return arts


def test_articles_newest_first_unknown_last(store: Store, filled: list[Article]) -> None:
    got = store.articles()
    assert [a.article_id for a in got] == [filled[i].article_id for i in (1, 0, 3, 2)]
    assert all(a.raw == b"" and a.version == 1 for a in got)
    assert got[0].published == filled[1].published
    assert got[0].published is not None and got[0].published.tzinfo is not None
    assert got[-1].published is None and got[-1].published_status is PublishedStatus.UNKNOWN


def test_articles_filters_and_paging(store: Store, filled: list[Article]) -> None:
    since = store.articles(since=DAY)
    assert {a.article_id for a in since} == {filled[0].article_id, filled[1].article_id}
    until = store.articles(until=DAY)  # exclusive
    assert [a.article_id for a in until] == [filled[3].article_id]
    page = store.articles(limit=2, offset=1)
    assert [a.article_id for a in page] == [filled[0].article_id, filled[3].article_id]
    assert store.articles(story=filled[2].article_id)[0].article_id == filled[2].article_id
    assert store.articles(story="nope") == []
    with pytest.raises(InputError, match="limit"):
        store.articles(limit=-1)
    with pytest.raises(InputError, match="offset"):
        store.articles(offset=-3)


def test_published_offset_round_trip(store: Store, article: Make, text_of: Text,
                                     pair: Pair) -> None:
    local_time = datetime(2024, 6, 1, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    a = article(text_of(30), "https://b.example/tz", published=local_time)
    store.add_articles([pair(a)])
    got = store.get_article(a.article_id)
    assert got.published == local_time and got.published is not None
    assert got.published.utcoffset() == timedelta(0)
    assert store.articles(since=datetime(2024, 6, 1, 7, 30))[0].article_id == a.article_id


def test_get_article_errors(store: Store, filled: list[Article]) -> None:
    with pytest.raises(NotFoundError, match="not in the store"):
        store.get_article("0000000000000000")
    with pytest.raises(NotFoundError, match="no version 7"):
        store.get_article(filled[0].article_id, version=7)
    with pytest.raises(NotFoundError):
        store.article_versions("missing")
    full = store.get_article(filled[0].article_id, with_raw=True)
    assert full.raw == filled[0].raw and full.text == filled[0].text
    assert full.content_sha == filled[0].content_sha and full.source == filled[0].source


def test_stories(store: Store, filled: list[Article]) -> None:
    rows = store.stories()
    assert [r.story_id for r in rows] == [filled[i].article_id for i in (1, 0, 3, 2)]
    assert rows[0].num_articles == 1 and rows[0].num_sources == 1
    assert rows[0].article_ids == (filled[1].article_id,)
    assert rows[0].first_published == rows[0].last_published == filled[1].published
    assert rows[0].title == filled[1].title
    recent = store.stories(since=DAY)
    assert {r.story_id for r in recent} >= {filled[0].article_id, filled[1].article_id}
    assert filled[3].article_id not in {r.story_id for r in recent}
    assert len(store.stories(limit=1, offset=1)) == 1


def test_runs_and_rejections(store: Store) -> None:
    run = store.start_run("ingest", {"inputs": ["a.txt"], "when": DAY})
    store.finish_run(run, {"read": 3, "new": 2})
    rej = [Rejection("a.txt", "empty", "no text"), Rejection("b.html", "binary", "not text")]
    store.add_rejections(run, rej)
    store.add_rejections(run, rej)  # recorded once
    stats = store.stats()
    assert stats["runs"] == 1 and stats["rejections"] == 2
    assert set(stats) >= {"articles", "versions", "stories", "sources", "runs",
                          "schema_version"}
    with pytest.raises(NotFoundError):
        store.finish_run("no-such-run", {})
    with pytest.raises(InputError):
        store.start_run("ingest", ["not", "a", "dict"])  # type: ignore[arg-type]
