from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from flashpoint.errors import DataFileError, InputError, NotFoundError, StoreError
from flashpoint.model import Actor, Article, Mention, PublishedStatus, Rejection
from flashpoint.store import AddOutcome, StoryRow, wire


def _round(value: object) -> object:
    return wire.decode(json.loads(wire.dumps(wire.encode(value))))


def test_records_round_trip() -> None:
    art = Article(article_id="a1", content_sha="s", title="T \u00e9\u0416", text="x\n\ny",
                  origin="f.txt", published=datetime(2024, 1, 2, 3, 4, tzinfo=UTC),
                  published_status=PublishedStatus.GIVEN, raw=b"\x00\xffraw", tone=-1.5)
    got = _round(art)
    assert got == art
    assert isinstance(got, Article) and got.published_status is PublishedStatus.GIVEN
    row = StoryRow("s", "t", None, datetime(2024, 1, 1, tzinfo=UTC), 2, 1, ("a", "b"))
    assert _round(row) == row
    assert _round([AddOutcome("a", "new", "a", 1)]) == [AddOutcome("a", "new", "a", 1)]
    nested = {"when": date(2024, 1, 1), "pair": (1, b"x"), "list": [None, True, 1.5]}
    assert _round(nested) == nested
    actor = Actor(text="Serbia", code="SRB", country="SRB", span=(0, 6))
    mention = Mention(mention_id="m", article_id="a", sentence_index=0, sentence="s",
                      source=actor, target=None, cameo="010", cameo_root="01", quad_class=1,
                      penta_class=1, goldstein=0.0, plover=None, plover_mode=None,
                      event_date=None, date_precision="unknown", background=False,
                      trigger_span=(1, 2))
    assert _round(mention) == mention


def test_unsupported_values_are_refused() -> None:
    with pytest.raises(wire.WireError):
        wire.encode(object())
    with pytest.raises(wire.WireError):
        wire.encode({1: "int key"})
    with pytest.raises(wire.WireError, match="untagged"):
        wire.decode({"plain": "object"})
    with pytest.raises(wire.WireError):
        wire.decode({"$": "rec", "t": "Popen", "v": {}})
    with pytest.raises(wire.WireError):
        wire.decode({"$": "rec", "t": "Rejection", "v": {"bogus": 1}})


def test_only_whitelisted_methods() -> None:
    method, kwargs = wire.parse_request(wire.request("articles", {"limit": 3}))
    assert method == "articles" and kwargs == {"limit": 3}
    for name in ("close", "__init__", "_writer", "add_coded_unknown"):
        with pytest.raises(wire.WireError, match="cannot be called"):
            wire.parse_request(wire.request(name, {}))
    with pytest.raises(wire.WireError):
        wire.parse_request(b"not json")


def test_errors_keep_their_class_and_message() -> None:
    for exc in (NotFoundError("article 'x' is not in the store", "list them", subject="x"),
                InputError("too big", "split it", subject="f.txt", reason="too-large"),
                DataFileError("lex.csv", "bad row", entry="3", field="code")):
        with pytest.raises(type(exc)) as info:
            wire.parse_response(wire.error(exc))
        assert info.value.message == exc.message
        assert type(info.value) is type(exc)
    with pytest.raises(InputError) as info2:
        wire.parse_response(wire.error(InputError("x", reason="empty")))
    assert info2.value.reason == "empty"
    with pytest.raises(StoreError):  # an unknown class name becomes StoreError
        wire.parse_response(b'{"error": {"type": "SystemExit", "what": "w"}}')
    assert wire.parse_response(wire.result([Rejection("o", "r")])) == [Rejection("o", "r")]
