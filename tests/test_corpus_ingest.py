"""Golden extraction test over our own sample corpus (issue 2): every article of
examples/corpus comes out of ingest + clean with the title, body bounds, paragraph count,
publication time and source listed in examples/corpus/expected/articles.toml."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flashpoint.clean import clean
from flashpoint.model import PublishedStatus, RawDocument, Rejection
from flashpoint.options import Options
from flashpoint.published import parse_published
from flashpoint.sources import iter_documents

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
EXPECTED = tomllib.loads((CORPUS / "expected" / "articles.toml").read_text(encoding="utf-8"))
ARTICLES = EXPECTED["article"]


def _docs(relpath: str) -> list[RawDocument]:
    docs = [d for d in iter_documents(str(CORPUS / relpath), Options())]
    assert not [d for d in docs if isinstance(d, Rejection)], docs
    return [d for d in docs if isinstance(d, RawDocument)]


def _doc_for(entry: dict[str, object]) -> RawDocument:
    docs = _docs(str(entry["file"]))
    fmt = entry["format"]
    if fmt in {"txt", "html"}:
        assert len(docs) == 1
        return docs[0]
    if fmt == "rss":
        return docs[int(entry["item"])]  # type: ignore[call-overload]
    if fmt == "jsonl":
        line = int(entry["record"]) + 1  # type: ignore[call-overload]
        return next(d for d in docs if d.origin.endswith(f":{line}"))
    if fmt == "warc":
        number = int(entry["record"]) + 1  # type: ignore[call-overload]
        return next(d for d in docs if d.origin.endswith(f"#{number}"))
    raise AssertionError(f"unknown format {fmt}")


@pytest.mark.parametrize("entry", ARTICLES, ids=[a["key"] for a in ARTICLES])
def test_article_extracts_as_expected(entry: dict[str, object]) -> None:
    doc = _doc_for(entry)
    override = None
    if "published_override" in entry:
        parsed = parse_published(str(entry["published_override"]))
        assert parsed is not None
        override = parsed[0].replace(tzinfo=None)
    # Saved plain text names no outlet: the user passes it (`--source`), as for the date.
    source = str(entry["source"]) if entry["format"] == "txt" else None
    art = clean(doc, Options(), published=override, source=source)
    assert art.title == entry["title"]
    assert art.text.startswith(str(entry["body_starts"]))
    assert art.text.endswith(str(entry["body_ends"]))
    assert len(art.paragraphs) == entry["paragraphs"]
    assert art.lang == entry.get("lang", "en")
    assert str(entry["source"]).casefold() in (art.source or "").casefold()
    if "published" in entry:
        want = datetime.fromisoformat(str(entry["published"]))
        if want.tzinfo is None:  # a visible day only: midnight UTC, offset unknown
            want = want.replace(tzinfo=UTC)
            assert art.published_offset_min is None
        assert art.published is not None and art.published == want
        assert art.published_status in {PublishedStatus.GIVEN, PublishedStatus.PARSED}
    elif override is not None:
        assert art.published_status is PublishedStatus.OVERRIDE
    else:
        assert art.published is None and art.published_status is PublishedStatus.UNKNOWN
    for line in entry.get("residue", []):  # type: ignore[attr-defined]
        assert line not in art.paragraphs
