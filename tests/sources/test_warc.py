from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

from fastwarc.warc import WarcRecordType
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from flashpoint.model import DocKind, RawDocument, Rejection
from flashpoint.options import Options
from flashpoint.sources import iter_documents

PAGE = b"<html><head><title>Bridge</title></head><body><p>Caf\xe9 owners met the mayor.</p>" \
    b"</body></html>"


def sample_records(kit: Any) -> list[bytes]:
    chunked_body = b"<html><body>chunked page</body></html>"
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunked_body), chunked_body)
    return [
        kit.raw_record("", b"software: test\r\n", WarcRecordType.warcinfo,
                       "application/warc-fields"),
        kit.raw_record("https://news.example/a", b"GET /a HTTP/1.1\r\nHost: news.example\r\n\r\n",
                       WarcRecordType.request, "application/http; msgtype=request"),
        kit.http_record("https://news.example/a", PAGE,
                        extra_headers="Date: Mon, 04 Mar 2024 10:00:00 GMT\r\n"),
        kit.raw_record("https://news.example/a", b"fetchTimeMs: 12\r\n", WarcRecordType.metadata,
                       "application/warc-fields"),
        kit.http_record("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n....",
                        content_type="image/png"),
        kit.http_record("https://news.example/missing", b"<html>not found</html>",
                        status="404 Not Found"),
        kit.raw_record("https://news.example/notes.txt", b"Plain notes from the council.",
                       WarcRecordType.resource, "text/plain; charset=utf-8"),
        kit.http_record("https://news.example/gz", gzip.compress(b"<html><body>zipped</body>"),
                        content_type="text/html", extra_headers="Content-Encoding: gzip\r\n"),
        kit.http_record("https://news.example/chunked", chunked, content_type="text/html",
                        extra_headers="Transfer-Encoding: chunked\r\n"),
    ]


def expected_ok(items: list[RawDocument | Rejection]) -> None:
    docs = [i for i in items if isinstance(i, RawDocument)]
    assert [d.url for d in docs] == ["https://news.example/a", "https://news.example/notes.txt",
                                     "https://news.example/gz", "https://news.example/chunked"]
    page, notes, zipped, chunked = docs
    assert page.kind is DocKind.HTML and page.data == PAGE
    assert page.encoding == "windows-1252"  # from the HTTP Content-Type
    assert page.published is None  # WARC-Date and HTTP Date are crawl dates, not publication
    assert notes.kind is DocKind.TEXT and notes.encoding == "utf-8"
    assert zipped.data == b"<html><body>zipped</body>"
    assert chunked.data == b"<html><body>chunked page</body></html>"
    assert [d.origin.rsplit("#", 1)[1] for d in docs] == ["3", "7", "8", "9"]
    assert not [i for i in items if isinstance(i, Rejection)]


def test_plain_warc(tmp_path: Path, kit: Any) -> None:
    path = kit.write(tmp_path / "crawl.warc", b"".join(sample_records(kit)))
    items = list(iter_documents(str(path), Options()))
    expected_ok(items)
    assert items[0].origin == f"{path}#3"


def test_gzipped_warc(tmp_path: Path, kit: Any) -> None:
    path = kit.write(tmp_path / "crawl.warc.gz", kit.warc_gz(sample_records(kit)))
    expected_ok(list(iter_documents(str(path), Options())))


def test_warc_written_by_warcio(tmp_path: Path) -> None:
    path = tmp_path / "warcio.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for n in range(3):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            body = f"<html><body>page {n}</body></html>".encode()
            writer.write_record(writer.create_warc_record(
                f"https://news.example/{n}", "response", payload=io.BytesIO(body),
                http_headers=headers))
    items = list(iter_documents(str(path), Options()))
    assert [(i.url, i.encoding) for i in items if isinstance(i, RawDocument)] == [
        (f"https://news.example/{n}", "utf-8") for n in range(3)]


def test_truncated_warc_gz_keeps_records_before_the_damage(tmp_path: Path, kit: Any) -> None:
    records = [kit.http_record(f"https://news.example/{n}", PAGE * 20) for n in range(4)]
    data = kit.warc_gz(records)
    path = kit.write(tmp_path / "cut.warc.gz", data[: len(data) - 150])
    items = list(iter_documents(str(path), Options()))
    assert [i.url for i in items if isinstance(i, RawDocument)] == [
        f"https://news.example/{n}" for n in range(3)]
    assert isinstance(items[-1], Rejection) and items[-1].reason == "truncated"
    assert len([i for i in items if isinstance(i, Rejection)]) == 1
    assert "incomplete" in items[-1].detail


def test_truncated_and_damaged_archives(tmp_path: Path, kit: Any) -> None:
    records = [kit.http_record(f"https://news.example/{n}", PAGE * 20) for n in range(3)]
    plain = b"".join(records)
    for name, data in [
        ("cut.warc", plain[:-200]),
        ("cut-header.warc", plain[: len(records[0]) + 40]),
        ("garbled.warc.gz", (lambda d: d[:len(d) // 2] + b"\x00junk" * 40)(kit.warc_gz(records))),
    ]:
        items = list(iter_documents(str(kit.write(tmp_path / name, data)), Options()))
        assert isinstance(items[-1], Rejection), name
        assert items[-1].reason == "truncated", (name, items[-1])
        assert isinstance(items[0], RawDocument), name
        assert items[0].url == "https://news.example/0"


def test_oversized_record_is_rejected_and_reading_continues(tmp_path: Path, kit: Any) -> None:
    records = [
        kit.http_record("https://news.example/big", b"<html>" + b"b" * 5000 + b"</html>"),
        kit.http_record("https://news.example/small", PAGE),
    ]
    opts = Options().replace(max_decompressed_bytes=2000)
    for name, data in [("big.warc", b"".join(records)), ("big.warc.gz", kit.warc_gz(records))]:
        items = list(iter_documents(str(kit.write(tmp_path / name, data)), opts))
        assert isinstance(items[0], Rejection) and items[0].reason == "too-large"
        assert items[0].origin == f"{tmp_path / name}#1"
        assert isinstance(items[1], RawDocument) and items[1].url == "https://news.example/small"
        assert len(items) == 2


def test_gzip_bomb_member_stops_the_archive(tmp_path: Path, kit: Any) -> None:
    records = [
        kit.http_record("https://news.example/first", PAGE),
        kit.http_record("https://news.example/bomb", b"\x00" * (3 * 1024 * 1024),
                        content_type="text/plain"),
        kit.http_record("https://news.example/after", PAGE),
    ]
    path = kit.write(tmp_path / "bomb.warc.gz", kit.warc_gz(records))
    items = list(iter_documents(str(path), Options().replace(max_decompressed_bytes=10_000)))
    assert isinstance(items[0], RawDocument) and items[0].url == "https://news.example/first"
    assert all(isinstance(i, Rejection) and i.reason == "too-large" for i in items[1:])
    last = items[-1]
    assert isinstance(last, Rejection) and last.origin == str(path) and "not read" in last.detail
    assert not any(isinstance(i, RawDocument) and i.url == "https://news.example/after"
                   for i in items)


def test_archive_without_articles_and_not_an_archive(tmp_path: Path, kit: Any) -> None:
    records = sample_records(kit)
    only_noise = b"".join([records[0], records[1], records[3], records[4], records[5]])
    items = list(iter_documents(str(kit.write(tmp_path / "noise.warc", only_noise)), Options()))
    assert [(i.reason, i.origin) for i in items if isinstance(i, Rejection)] == [
        ("no-articles", str(tmp_path / "noise.warc"))]
    assert len(items) == 1
    text = kit.write(tmp_path / "fake.warc", kit.paragraph)
    items = list(iter_documents(str(text), Options()))
    assert len(items) == 1 and isinstance(items[0], Rejection)
    assert items[0].reason == "invalid-warc" and "WARC" in items[0].detail


def test_warc_is_sniffed_without_extension(tmp_path: Path, kit: Any) -> None:
    path = kit.write(tmp_path / "crawl.bin", b"".join(sample_records(kit)))
    expected_ok(list(iter_documents(str(path), Options())))
