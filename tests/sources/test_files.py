from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest

from flashpoint.model import Rejection
from flashpoint.options import Options
from flashpoint.sources import iter_documents
from flashpoint.sources.files import (
    CappedGzipReader,
    Format,
    expand,
    format_of,
    sniff,
    walk,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.txt", (Format.TEXT, False)),
        ("A.TEXT", (Format.TEXT, False)),
        ("page.htm", (Format.HTML, False)),
        ("page.xhtml", (Format.HTML, False)),
        ("dump.ndjson", (Format.JSONL, False)),
        ("dump.jsonl.gz", (Format.JSONL, True)),
        ("news.atom", (Format.FEED, False)),
        ("crawl.warc.gz", (Format.WARC, True)),
        ("notes.md", (None, False)),
        ("blob.gz", (None, True)),
    ],
)
def test_format_of_extensions(name: str, expected: tuple[Format | None, bool]) -> None:
    assert format_of(name) == expected


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (b'<?xml version="1.0"?>\n<rss version="2.0"><channel>', Format.FEED),
        (b'\xef\xbb\xbf<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">',
         Format.FEED),
        (b"<?xml version='1.0'?><rdf:RDF>", Format.FEED),
        (b"  <!DOCTYPE html><html><head>", Format.HTML),
        (b"<HTML><body>hi</body></HTML>", Format.HTML),
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", Format.WARC),
        (b'{"text": "hello"}\n', Format.JSONL),
        (b"Plain words about a meeting.", Format.TEXT),
        (b"<?xml version='1.0'?><sitemap/>", Format.TEXT),
    ],
)
def test_sniff(prefix: bytes, expected: Format) -> None:
    assert sniff(prefix) is expected


def test_walk_is_recursive_sorted_and_skips_unknown_and_hidden(tmp_path: Path) -> None:
    for rel in ["b/z.txt", "a.html", "b/a/y.jsonl", "c.md", ".hidden/x.txt", "b/.x.txt",
                "b/k.warc.gz"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in walk(tmp_path)]
    assert found == ["a.html", "b/a/y.jsonl", "b/k.warc.gz", "b/z.txt"]


def test_directory_without_articles_is_one_rejection(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("not an article format")
    (tmp_path / "sub").mkdir()
    items = list(expand(str(tmp_path)))
    assert len(items) == 1
    assert isinstance(items[0], Rejection)
    assert items[0].reason == "no-articles"
    assert items[0].origin == str(tmp_path)
    assert "known extension" in items[0].detail


def test_missing_path_and_unmatched_glob(tmp_path: Path) -> None:
    missing = list(iter_documents(str(tmp_path / "nope.txt"), Options()))
    assert [(r.origin, r.reason) for r in missing if isinstance(r, Rejection)] == [
        (str(tmp_path / "nope.txt"), "not-found")]
    pattern = str(tmp_path / "*.html")
    unmatched = list(iter_documents(pattern, Options()))
    assert [(r.origin, r.reason) for r in unmatched if isinstance(r, Rejection)] == [
        (pattern, "no-match")]
    assert isinstance(unmatched[0], Rejection) and "pattern" in unmatched[0].detail
    empty = list(iter_documents("", Options()))
    assert [(r.origin, r.reason) for r in empty if isinstance(r, Rejection)] == [("", "not-found")]


def test_glob_is_sorted_and_may_match_directories(tmp_path: Path) -> None:
    for rel in ["2024/b.txt", "2023/a.txt", "2023/sub/c.txt", "x.txt"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("Some words for the file " + rel)
    found = [str(p) for p in expand(str(tmp_path / "20*"))]
    assert found == [str(tmp_path / r) for r in ["2023/a.txt", "2023/sub/c.txt", "2024/b.txt"]]
    recursive = [str(p) for p in expand(str(tmp_path / "**" / "*.txt"))]
    assert recursive == sorted(recursive)
    assert len(recursive) == 4


def test_literal_path_with_glob_characters_is_not_expanded(tmp_path: Path) -> None:
    odd = tmp_path / "report[1].txt"
    odd.write_text("A short note about a ceasefire.")
    assert list(expand(str(odd))) == [odd]


def test_capped_reader_reads_multi_member_gzip_and_passes_plain_through() -> None:
    data = gzip.compress(b"first member\n") + gzip.compress(b"second member\n") + b"\x00" * 8
    reader = CappedGzipReader(io.BytesIO(data), 1000)
    assert reader.read() == b"first member\nsecond member\n"
    assert not reader.truncated and not reader.too_large
    plain = CappedGzipReader(io.BytesIO(b"not compressed at all"), 5)
    assert plain.read() == b"not compressed at all"


def test_capped_reader_stops_a_gzip_bomb_early() -> None:
    bomb = gzip.compress(b"\x00" * (8 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 20_000
    reader = CappedGzipReader(io.BytesIO(bomb), 100_000)
    out = reader.read()
    assert reader.too_large
    assert len(out) <= 100_000 + 64 * 1024
    assert "max_decompressed_bytes=100000" in reader.detail


def test_capped_reader_cap_per_member() -> None:
    members = b"".join(gzip.compress(bytes([65 + i]) * 600) for i in range(5))
    total = CappedGzipReader(io.BytesIO(members), 1000)
    total.read()
    assert total.too_large
    each = CappedGzipReader(io.BytesIO(members), 1000, per_member=True)
    assert len(each.read()) == 3000
    assert not each.too_large


def test_capped_reader_notices_truncation_and_damage() -> None:
    data = gzip.compress(b"a line of words\n" * 2000)
    cut = CappedGzipReader(io.BytesIO(data[: len(data) // 2]), 10**6)
    cut.read()
    assert cut.truncated and "ends in the middle" in cut.detail
    damaged = bytearray(data)
    damaged[30:60] = b"\xff" * 30
    bad = CappedGzipReader(io.BytesIO(bytes(damaged)), 10**6)
    bad.read()
    assert bad.truncated and not bad.too_large


def test_capped_reader_works_for_zlib_streams_of_many_chunks() -> None:
    payload = bytes(range(256)) * 2000
    data = gzip.compress(payload)
    reader = CappedGzipReader(io.BytesIO(data), len(payload))
    chunks = []
    while chunk := reader.read(7000):
        chunks.append(chunk)
    assert b"".join(chunks) == payload
    assert zlib.crc32(b"".join(chunks)) == zlib.crc32(payload)
