from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

from flashpoint.model import DocKind, RawDocument, Rejection
from flashpoint.options import Options
from flashpoint.sources import iter_documents


def lines(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_records_carry_their_hints(tmp_path: Path, kit: Any) -> None:
    first = {"id": "r1", "url": "https://news.example/a", "title": "Dam closed",
             "text": kit.paragraph, "published": "2024-03-05T08:00:00+01:00",
             "source": "River Times", "extra": [1, 2]}
    second = {"id": 7, "html": "<p>" + kit.paragraph + "</p>"}
    path = kit.write(tmp_path / "batch.jsonl", lines(first, second))
    items = list(iter_documents(str(path), Options()))
    assert all(isinstance(i, RawDocument) for i in items)
    a, b = items
    assert isinstance(a, RawDocument) and isinstance(b, RawDocument)
    assert a.kind is DocKind.RECORD
    assert (a.doc_id, a.url, a.title, a.published, a.source) == (
        "r1", "https://news.example/a", "Dam closed", "2024-03-05T08:00:00+01:00", "River Times")
    assert a.text == kit.paragraph and a.html is None
    assert a.origin == f"{path}:1"
    assert json.loads(a.data) == first
    assert b.doc_id == "7" and b.html is not None and b.text is None
    assert b.origin == f"{path}:2"


def test_bad_lines_are_rejected_and_reading_continues(tmp_path: Path, kit: Any) -> None:
    content = (
        lines({"text": "good one"})
        + '{"text": "unterminated\n'
        + "\n"
        + lines([1, 2, 3], {"title": "no body"}, {"text": "   "}, {"text": ["a"]},
                {"text": "good two"})
    ).encode() + b'{"text": "caf\xe9"}\n'
    path = kit.write(tmp_path / "mixed.ndjson", content)
    items = list(iter_documents(str(path), Options()))
    summary = [(i.origin.rsplit(":", 1)[1],
                i.reason if isinstance(i, Rejection) else "ok") for i in items]
    assert summary == [
        ("1", "ok"),
        ("2", "invalid-json"),
        ("4", "invalid-json"),  # line 3 is blank and skipped
        ("5", "missing-field"),
        ("6", "missing-field"),
        ("7", "invalid-field"),
        ("8", "ok"),
        ("9", "invalid-json"),
    ]
    rejected = [i for i in items if isinstance(i, Rejection)]
    assert "not valid JSON" in rejected[0].detail
    assert "not an object" in rejected[1].detail
    assert "'text' or 'html'" in rejected[2].detail
    assert "not UTF-8" in rejected[-1].detail


def test_stdin_is_read_as_jsonl(kit: Any) -> None:
    stream = io.BytesIO(("\ufeff" + lines({"id": "s1", "text": kit.paragraph},
                                          "oops")).encode())
    items = list(iter_documents("-", Options(), stdin=stream))
    assert isinstance(items[0], RawDocument) and items[0].origin == "stdin:1"
    assert items[0].doc_id == "s1"
    assert isinstance(items[1], Rejection) and items[1].origin == "stdin:2"
    assert items[1].reason == "invalid-json"


def test_empty_stdin_and_blank_file(tmp_path: Path, kit: Any) -> None:
    items = list(iter_documents("-", Options(), stdin=io.BytesIO(b"")))
    assert [(i.origin, i.reason) for i in items if isinstance(i, Rejection)] == [
        ("stdin", "empty")]
    path = kit.write(tmp_path / "blank.jsonl", "\n\n  \n")
    items = list(iter_documents(str(path), Options()))
    assert len(items) == 1 and isinstance(items[0], Rejection) and items[0].reason == "empty"


def test_overlong_line_is_rejected_and_next_line_read(tmp_path: Path, kit: Any) -> None:
    content = lines({"text": "x" * 5000}, {"text": "short"})
    path = kit.write(tmp_path / "long.jsonl", content)
    items = list(iter_documents(str(path), Options().replace(max_file_bytes=1000)))
    assert isinstance(items[0], Rejection) and items[0].reason == "too-large"
    assert items[0].origin == f"{path}:1"
    assert isinstance(items[1], RawDocument) and items[1].text == "short"
    assert items[1].origin == f"{path}:2"


def test_gzipped_jsonl(tmp_path: Path, kit: Any) -> None:
    data = gzip.compress(lines({"id": "g1", "text": "first"}, {"id": "g2", "text": "second"})
                         .encode())
    path = kit.write(tmp_path / "dump.jsonl.gz", data)
    items = list(iter_documents(str(path), Options()))
    assert [i.doc_id for i in items if isinstance(i, RawDocument)] == ["g1", "g2"]
    assert items[1].origin == f"{path}:2"


def test_gzipped_jsonl_bomb_and_truncation(tmp_path: Path, kit: Any) -> None:
    record = json.dumps({"text": "y" * 900}) + "\n"
    data = gzip.compress((record * 3000).encode())
    bomb = kit.write(tmp_path / "bomb.jsonl.gz", data)
    items = list(iter_documents(str(bomb), Options().replace(max_decompressed_bytes=50_000)))
    assert isinstance(items[-1], Rejection) and items[-1].reason == "too-large"
    assert items[-1].origin == str(bomb)
    read = [i for i in items if isinstance(i, RawDocument)]
    assert 40 <= len(read) <= 60  # the records before the limit
    cut = kit.write(tmp_path / "cut.jsonl.gz", data[: len(data) // 2])
    items = list(iter_documents(str(cut), Options()))
    assert isinstance(items[-1], Rejection) and items[-1].reason == "truncated"
    assert len(items) > 2 and all(isinstance(i, RawDocument) for i in items[:-1])
