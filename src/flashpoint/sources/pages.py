"""Single documents: plain-text and HTML files and fetched pages.

The bytes are passed through undecoded (``clean`` decodes them).  This module only refuses what
cannot be an article: empty input and binary data.  ``encoding`` is set only when the container
declares a charset (an HTTP header) or the bytes start with a UTF-16 byte-order mark.
"""

from __future__ import annotations

from pathlib import Path

from ..model import DocKind, RawDocument, Rejection
from ..options import Options
from .fetch import FetchResult
from .files import DecompressionLimit, Format, read_all, size_rejection, sniff, unreadable

BINARY_SAMPLE = 64 * 1024
MAX_CONTROL_RATIO = 0.10  # share of control bytes above which data is treated as binary
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/feed+xml", "text/rss+xml", "text/atom+xml",
})
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an office document)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "an executable"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
)
# Bytes that do not occur in text: C0 controls other than tab, newlines, form feed, escape; DEL.
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def binary_reason(data: bytes) -> str | None:
    """A description of why ``data`` is not text, or ``None`` when it looks like text.

    Text in any 8-bit encoding (UTF-8, cp1252, latin-1, cp1251 …) passes; NUL bytes, known binary
    signatures and a high share of control bytes do not.  UTF-16 with a byte-order mark passes.
    """
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            return f"the data looks like {what}, not text"
    sample = data[:BINARY_SAMPLE]
    if sample.startswith(_UTF16_BOMS):
        return None
    if b"\x00" in sample:
        return "the data contains NUL bytes, so it is binary, not text"
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if sample and controls / len(sample) > MAX_CONTROL_RATIO:
        return f"{controls} of the first {len(sample)} bytes are control characters, not text"
    return None


def bom_encoding(data: bytes) -> str | None:
    return "utf-16" if data.startswith(_UTF16_BOMS) else None


def check_bytes(data: bytes, origin: str, fix_binary: str) -> Rejection | None:
    """``empty`` or ``binary`` rejections shared by every single-document input."""
    if not data.strip() or (bom_encoding(data) and not data[2:].replace(b"\x00", b"").strip()):
        return Rejection(origin, "empty", f"{origin}: there is no text in it — nothing to read")
    reason = binary_reason(data)
    if reason:
        return Rejection(origin, "binary", f"{origin}: {reason} — {fix_binary}")
    return None


def kind_for(fmt: Format) -> DocKind:
    return DocKind.HTML if fmt is Format.HTML else DocKind.TEXT


def document(
    data: bytes,
    origin: str,
    kind: DocKind,
    *,
    url: str | None = None,
    encoding: str | None = None,
    fix_binary: str = "give a text or HTML file",
    **hints: str | None,
) -> RawDocument | Rejection:
    """A TEXT or HTML ``RawDocument`` from bytes, or the reason it cannot be one."""
    rejected = check_bytes(data, origin, fix_binary)
    if rejected is not None:
        return rejected
    return RawDocument(
        data=data, origin=origin, kind=kind, url=url,
        encoding=encoding or bom_encoding(data),
        title=hints.get("title"), published=hints.get("published"), source=hints.get("source"),
    )


def load_file(path: Path, options: Options) -> bytes | Rejection:
    """The (decompressed) bytes of a file that is read whole, or a size / read rejection."""
    origin = str(path)
    rejected = size_rejection(path, options)
    if rejected is not None:
        return rejected
    try:
        return read_all(path, options)
    except DecompressionLimit as exc:
        return Rejection(
            origin, "too-large",
            f"{origin}: {exc} (a gzip bomb?) — check the file; raise max_decompressed_bytes "
            "only if you trust it",
        )
    except EOFError as exc:
        return Rejection(
            origin, "truncated",
            f"{origin}: {exc} — the file is incomplete; download or copy it again",
        )
    except OSError as exc:
        return unreadable(path, exc)


def page_from_file(path: Path, data: bytes, fmt: Format) -> RawDocument | Rejection:
    """A TEXT or HTML document from a file's bytes (already loaded with ``load_file``)."""
    return document(
        data, str(path), kind_for(fmt),
        fix_binary="point Flashpoint at text, HTML, feed, WARC or JSONL files only",
    )


def response_format(result: FetchResult) -> Format:
    """What a fetched response is: by its media type, else by sniffing the body."""
    media = result.content_type
    sniffed = sniff(result.body)
    if media in FEED_TYPES:
        # application/xml and text/xml are also used for pages that are not feeds
        return Format.FEED if sniffed is Format.FEED or media.endswith("+xml") else sniffed
    if media in HTML_TYPES:
        return Format.FEED if sniffed is Format.FEED else Format.HTML
    if media in TEXT_TYPES:
        return Format.TEXT
    return sniffed


def page_from_response(
    result: FetchResult,
    origin: str,
    *,
    url: str | None = None,
    default_kind: DocKind | None = None,
    title: str | None = None,
    published: str | None = None,
    source: str | None = None,
) -> RawDocument | Rejection:
    """One HTML or TEXT document from a fetched page (feed item links, URL arguments).

    Media types other than HTML, XHTML and plain text are rejected (``unsupported-type``) unless
    the body sniffs as HTML; ``default_kind`` overrides the sniffed kind when given.
    """
    media = result.content_type
    if media in HTML_TYPES:
        kind = DocKind.HTML
    elif media in TEXT_TYPES:
        kind = DocKind.TEXT
    elif media is None or media.startswith("text/") or sniff(result.body) is Format.HTML:
        kind = default_kind or kind_for(sniff(result.body))
    else:
        return Rejection(
            origin, "unsupported-type",
            f"{origin}: the server sent {media}, not an HTML page or text — give the address "
            "of an article page",
        )
    return document(
        result.body, origin, kind, url=url or result.url, encoding=result.charset,
        fix_binary="give the address of an article page",
        title=title, published=published, source=source,
    )
