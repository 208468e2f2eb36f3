from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from flashpoint.errors import InputError
from flashpoint.model import Article
from flashpoint.options import Options
from flashpoint.store import Store, local, open_store, writer

Pair = Callable[[Article], tuple[Article, bytes]]
Make = Callable[..., Article]
Text = Callable[..., str]


def _near(text: str) -> str:
    """A light edit: one word changed, a credit line appended."""
    w = text.split()
    w[10] = "changedword"
    return " ".join(w) + " reporting by staff"


def test_new_duplicate_near_duplicate_and_sightings(
    store: Store, article: Make, text_of: Text, pair: Pair
) -> None:
    base = text_of(1)
    a = article(base, "https://one.example/a", source="One")
    wire_copy = article(base, "https://two.example/b", source="Two")
    same_again = article(base, "https://one.example/a", source="One")
    near = article(_near(base), "https://three.example/c", source="Three")
    near_same_source = article(_near(base) + " update", "https://one.example/a2", source="One")
    other = article(text_of(2), "https://one.example/z", source="One")
    out = store.add_articles([pair(x) for x in (a, wire_copy, same_again, near,
                                                near_same_source, other)])
    assert [o.status for o in out] == ["new", "duplicate", "duplicate", "near_duplicate",
                                       "near_duplicate", "new"]
    assert out[0].story_id == a.article_id and out[0].version == 1
    assert out[1].article_id == a.article_id  # a duplicate points at the stored article
    assert {o.story_id for o in out[:5]} == {a.article_id}
    assert out[5].story_id == other.article_id
    stats = store.stats()
    assert stats["articles"] == 4 and stats["versions"] == 4 and stats["stories"] == 2
    assert stats["sightings"] == 5  # the repeated (One, url a) sighting is not recorded twice
    story = {s.story_id: s for s in store.stories()}[a.article_id]
    assert story.num_articles == 3
    assert story.num_sources == 3  # One, Two (exact copy, not stored), Three
    assert story.article_ids[0] == a.article_id and len(story.article_ids) == 3
    assert store.get_article(near.article_id).story_id == a.article_id


def test_updated_version_keeps_old(store: Store, article: Make, text_of: Text,
                                   pair: Pair) -> None:
    url = "https://one.example/live"
    v1 = article(text_of(5), url, title="First")
    v2 = article(text_of(5) + " A correction was added.", url, title="Second")
    assert v1.article_id == v2.article_id
    first = store.add_articles([pair(v1)])
    out = store.add_articles([pair(v2)])
    assert out[0].status == "updated" and out[0].version == 2
    assert out[0].story_id == first[0].story_id
    current = store.get_article(v1.article_id)
    assert current.version == 2 and current.title == "Second" and current.raw == b""
    old = store.get_article(v1.article_id, version=1, with_raw=True)
    assert old.title == "First" and old.text == v1.text and old.raw == v1.raw
    assert [a.version for a in store.article_versions(v1.article_id)] == [1, 2]
    assert store.stats()["articles"] == 1 and store.stats()["stories"] == 1
    # the old text again is a duplicate of version 1, not a third version
    again = store.add_articles([pair(v1)])
    assert again[0].status == "duplicate" and again[0].version == 1


def test_same_article_twice_in_one_batch(store: Store, article: Make, text_of: Text,
                                         pair: Pair) -> None:
    url = "https://one.example/x"
    v1 = article(text_of(6), url)
    v2 = article(text_of(6) + " More.", url)
    out = store.add_articles([pair(v1), pair(v1), pair(v2)])
    assert [o.status for o in out] == ["new", "duplicate", "updated"]
    assert store.get_article(v1.article_id).version == 2


def test_replaying_a_batch_changes_nothing(
    store: Store, article: Make, text_of: Text, pair: Pair,
    dumper: Callable[[Store], dict[str, Any]],
) -> None:
    base = text_of(7)
    batch = [pair(x) for x in (
        article(base, "https://one.example/1", source="One"),
        article(base, "https://two.example/1", source="Two"),
        article(_near(base), "https://three.example/1", source="Three"),
        article(text_of(8), None, source=None),
        article(text_of(9), "https://one.example/2", published=datetime(2024, 5, 1, tzinfo=UTC)),
    )]
    store.add_articles(batch)
    before = dumper(store)
    again = store.add_articles(batch)
    assert {o.status for o in again} == {"duplicate"}
    assert dumper(store) == before


def test_dedup_index_survives_reopen(db_path: Path, opts: Options, article: Make,
                                     text_of: Text, pair: Pair) -> None:
    base = text_of(10)
    with open_store(db_path, opts) as st:
        st.add_articles([pair(article(base, "https://one.example/a"))])
    with open_store(db_path, opts) as st:
        out = st.add_articles([pair(article(_near(base), "https://two.example/b"))])
    assert out[0].status == "near_duplicate"
    # a store reopened with another minhash_perm recomputes the stored signatures
    wide = opts.replace(minhash_perm=128)
    with open_store(db_path, wide) as st:
        near2 = article(_near(base) + " again", "https://three.example/c")
        out = st.add_articles([(near2, b"")])  # empty signature: computed by the store
    assert out[0].status == "near_duplicate"


def test_dedup_window(db_path: Path, opts: Options, article: Make, text_of: Text,
                      pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    base = text_of(11)
    start = datetime(2024, 1, 1)
    clock = {"now": start}
    monkeypatch.setattr(local, "_now", lambda: clock["now"])
    short = opts.replace(dedup_window_days=2)
    with open_store(db_path, short) as st:
        st.add_articles([pair(article(base, "https://one.example/a"))])
        clock["now"] = start + timedelta(days=1)
        assert st.add_articles([pair(article(_near(base), "https://two.example/b"))])[0].status \
            == "near_duplicate"
        clock["now"] = start + timedelta(days=10)
        st.add_articles([pair(article(text_of(12), "https://one.example/other"))])
        late = article(_near(base) + " much later", "https://three.example/c")
        assert st.add_articles([pair(late)])[0].status == "new"
    with open_store(db_path, short) as st:  # the lazily loaded index is windowed as well
        later = article(_near(base) + " later still", "https://four.example/d")
        out = st.add_articles([pair(later)])
    assert out[0].status == "near_duplicate" and out[0].story_id == late.article_id


def test_failed_write_is_rolled_back(store: Store, article: Make, text_of: Text, pair: Pair,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    first = article(text_of(13), "https://one.example/a")
    near = article(_near(text_of(13)), "https://two.example/b")

    def boom(con: Any, plan: Any) -> None:
        con.execute("INSERT INTO runs (run_id, kind, started_at) VALUES ('r', 'k', now())")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(writer, "_write", boom)
    with pytest.raises(RuntimeError):
        store.add_articles([pair(first)])
    monkeypatch.undo()
    assert store.stats()["versions"] == 0 and store.stats()["runs"] == 0
    # the in-memory index forgot the uncommitted article: near is not grouped with a ghost
    out = store.add_articles([pair(near)])
    assert out[0].status == "new"


def test_bad_items_are_rejected(store: Store, article: Make, text_of: Text) -> None:
    with pytest.raises(InputError, match="item 0"):
        store.add_articles([("not an article", b"")])  # type: ignore[list-item]
    assert store.add_articles([]) == []


def test_missing_hashes_are_filled(store: Store, article: Make, text_of: Text,
                                   pair: Pair) -> None:
    bare = replace(article(text_of(14), None), content_sha="", raw_sha="")
    out = store.add_articles([pair(bare)])
    got = store.get_article(out[0].article_id, with_raw=True)
    assert got.content_sha and got.raw_sha and got.raw == bare.raw
