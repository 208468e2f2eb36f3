from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import pytest

from flashpoint.model import DocKind, RawDocument, Rejection
from flashpoint.options import Options
from flashpoint.sources import iter_documents
from flashpoint.sources.pages import binary_reason


def one(path: Path, options: Options | None = None) -> RawDocument | Rejection:
    items = list(iter_documents(str(path), options or Options()))
    assert len(items) == 1, items
    return items[0]


def test_text_file_passes_bytes_through(tmp_path: Path, kit: Any) -> None:
    path = kit.write(tmp_path / "note.txt", kit.paragraph)
    doc = one(path)
    assert isinstance(doc, RawDocument)
    assert doc.kind is DocKind.TEXT
    assert doc.data == kit.paragraph.encode()
    assert doc.origin == str(path)
    assert doc.encoding is None and doc.url is None and doc.published is None


def test_html_extensions_give_html_documents(tmp_path: Path, kit: Any) -> None:
    page = f"<html><head><title>Dam</title></head><body><p>{kit.paragraph}</p></body></html>"
    for name in ["a.html", "b.htm", "c.xhtml"]:
        doc = one(kit.write(tmp_path / name, page))
        assert isinstance(doc, RawDocument) and doc.kind is DocKind.HTML
        assert doc.data == page.encode()


def test_cp1252_and_latin1_text_are_passed_through_undecoded(tmp_path: Path, kit: Any) -> None:
    cp1252 = "Minister’s “talks” in Priština – résumé".encode("cp1252")
    latin1 = "Café owners in Köln protested über taxes".encode("latin-1")
    for name, data in [("w.txt", cp1252), ("l.txt", latin1)]:
        doc = one(kit.write(tmp_path / name, data))
        assert isinstance(doc, RawDocument)
        assert doc.data == data
        assert doc.encoding is None  # clean decodes


def test_malformed_html_is_passed_through(tmp_path: Path, kit: Any) -> None:
    broken = b"<html><body><div><p>Unclosed <b>tags <i>everywhere</div></span>" + \
        kit.paragraph.encode()
    doc = one(kit.write(tmp_path / "broken.html", broken))
    assert isinstance(doc, RawDocument) and doc.kind is DocKind.HTML and doc.data == broken


def test_empty_and_blank_files_are_rejected(tmp_path: Path, kit: Any) -> None:
    for name, data in [("empty.txt", b""), ("blank.html", b"  \n\t\r\n "),
                       ("empty.jsonl", b""), ("empty.warc", b""), ("empty.xml", b"")]:
        rej = one(kit.write(tmp_path / name, data))
        assert isinstance(rej, Rejection), name
        assert rej.reason == "empty"
        assert rej.origin == str(tmp_path / name)
        assert "nothing to read" in rej.detail


def test_binary_junk_is_rejected(tmp_path: Path, kit: Any) -> None:
    junk = bytes((i * 37 + 11) % 256 for i in range(4000))
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 50
    controls = (b"\x01\x02\x03\x04\x05\x06" * 50) + b"some letters"
    for name, data in [("junk.txt", junk), ("image.html", png), ("ctl.txt", controls)]:
        rej = one(kit.write(tmp_path / name, data))
        assert isinstance(rej, Rejection), name
        assert rej.reason == "binary"
        assert "—" in rej.detail  # what and fix
    png_rej = one(tmp_path / "image.html")
    assert isinstance(png_rej, Rejection) and "PNG" in png_rej.detail


def test_binary_reason_accepts_text_in_many_encodings(kit: Any) -> None:
    assert binary_reason(kit.paragraph.encode()) is None
    assert binary_reason("Влада Србије је саопштила".encode("cp1251")) is None
    assert binary_reason("Jäger\tund\r\nFüchse\x0c".encode("latin-1")) is None
    assert binary_reason(b"\x00abc") is not None


def test_utf16_with_bom_is_text_with_declared_encoding(tmp_path: Path, kit: Any) -> None:
    data = kit.paragraph.encode("utf-16")
    doc = one(kit.write(tmp_path / "wide.txt", data))
    assert isinstance(doc, RawDocument)
    assert doc.encoding == "utf-16" and doc.data == data


def test_file_over_max_file_bytes_is_rejected_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "huge.txt"
    with big.open("wb") as handle:  # sparse: no disk or time spent
        handle.truncate(60 * 1024 * 1024)
    rej = one(big)
    assert isinstance(rej, Rejection) and rej.reason == "too-large"
    assert str(os.path.getsize(big)) in rej.detail and "max_file_bytes" in rej.detail


def test_small_max_file_bytes_option(tmp_path: Path, kit: Any) -> None:
    path = kit.write(tmp_path / "a.html", "<p>" + kit.paragraph * 3 + "</p>")
    rej = one(path, Options().replace(max_file_bytes=100))
    assert isinstance(rej, Rejection) and rej.reason == "too-large"
    assert isinstance(one(path, Options().replace(max_file_bytes=10_000)), RawDocument)


def test_gzipped_text_is_decompressed(tmp_path: Path, kit: Any) -> None:
    doc = one(kit.write(tmp_path / "a.txt.gz", gzip.compress(kit.paragraph.encode())))
    assert isinstance(doc, RawDocument) and doc.kind is DocKind.TEXT
    assert doc.data == kit.paragraph.encode()


def test_gzip_bomb_is_rejected(tmp_path: Path, kit: Any) -> None:
    bomb = gzip.compress(b"a" * (4 * 1024 * 1024))
    path = kit.write(tmp_path / "bomb.html.gz", bomb)
    rej = one(path, Options().replace(max_decompressed_bytes=200_000))
    assert isinstance(rej, Rejection) and rej.reason == "too-large"
    assert "max_decompressed_bytes=200000" in rej.detail
    unknown = kit.write(tmp_path / "bomb.gz", bomb)
    rej2 = one(unknown, Options().replace(max_decompressed_bytes=200_000))
    assert isinstance(rej2, Rejection) and rej2.reason == "too-large"


def test_truncated_gzip_text_is_rejected(tmp_path: Path, kit: Any) -> None:
    data = gzip.compress((kit.paragraph * 50).encode())
    rej = one(kit.write(tmp_path / "cut.txt.gz", data[:-40]))
    assert isinstance(rej, Rejection) and rej.reason == "truncated"


def test_unknown_extension_is_sniffed(tmp_path: Path, kit: Any) -> None:
    page = kit.write(tmp_path / "page.php", "<!DOCTYPE html><html><body>" + kit.paragraph)
    doc = one(page)
    assert isinstance(doc, RawDocument) and doc.kind is DocKind.HTML
    plain = kit.write(tmp_path / "README", kit.paragraph)
    doc = one(plain)
    assert isinstance(doc, RawDocument) and doc.kind is DocKind.TEXT
    records = kit.write(tmp_path / "dump.data", '{"text": "x"}\n{"text": "y"}\n')
    items = list(iter_documents(str(records), Options()))
    assert [i.kind for i in items if isinstance(i, RawDocument)] == [DocKind.RECORD] * 2
    zipped = kit.write(tmp_path / "page.bin", gzip.compress(b"<html><body>hi there</body>"))
    doc = one(zipped)
    assert isinstance(doc, RawDocument) and doc.kind is DocKind.HTML


def test_unreadable_file_is_rejected(tmp_path: Path, kit: Any) -> None:
    path = kit.write(tmp_path / "secret.txt", kit.paragraph)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: file permissions do not apply")
        rej = one(path)
        assert isinstance(rej, Rejection) and rej.reason == "unreadable"
        assert "permission" in rej.detail
    finally:
        path.chmod(0o644)
