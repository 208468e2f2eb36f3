"""Consistency of the bundled sample corpus (examples/corpus) with its expected files.

The corpus is test data for later features (ingest, cleaning, dedup, quotes, places, coding,
trends); these tests make sure the data itself is sound: every file is listed and exists, the
containers (RSS, WARC, JSONL) hold what ``expected/articles.toml`` says, quotes and places occur in
their article bodies, the WARC rebuilds byte for byte, and the story design of STORY.md holds.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import feedparser
import pytest
from warcio.archiveiterator import ArchiveIterator

from flashpoint.ids import content_sha, normalise_text

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
FORMATS = {"txt", "html", "rss", "warc", "jsonl"}
OPENING_MARKS = {"curly": "\u201c", "straight": '"', "guillemets": "\u00ab", "low-high": "\u201e"}
EVENT_RE = re.compile(r"^([A-Z]{2,12})>([A-Z]{2,12}) ([A-Z]+) (\d{4}(?:-\d\d){0,2})(?:/(\w+))?$")
BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "section", "article", "header",
              "footer", "aside", "nav", "ol", "ul", "form", "address", "main", "br"}
FIRST_DAY, LAST_DAY = date(2023, 9, 24), date(2023, 10, 8)


# ------------------------------------------------------------------ loading helpers


@functools.cache
def _toml(name: str) -> dict[str, Any]:
    return tomllib.loads((CORPUS / "expected" / name).read_text(encoding="utf-8"))


def _articles() -> list[dict[str, Any]]:
    return list(_toml("articles.toml")["article"])


def _by_key() -> dict[str, dict[str, Any]]:
    return {a["key"]: a for a in _articles()}


class _Text(HTMLParser):
    """Visible text of a page, with a blank line at every block boundary."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head"}:
            self._skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"}:
            self._skip = max(0, self._skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", "".join(parser.parts))
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r"\n{2,}", "\n\n", text).strip()


@functools.cache
def _warc_records() -> list[tuple[str, str | None, str | None, bytes]]:
    """(type, target URI, content type, payload) of every record of the sample WARC."""
    out = []
    with (CORPUS / "warc" / "sample-news.warc.gz").open("rb") as handle:
        for record in ArchiveIterator(handle):
            ctype = record.http_headers.get_header("Content-Type") if record.http_headers else None
            out.append((record.rec_type, record.rec_headers.get_header("WARC-Target-URI"),
                        ctype, record.content_stream().read()))
    return out


@functools.cache
def _feed() -> Any:
    return feedparser.parse(str(CORPUS / "rss" / "adriatic-wire-balkans.xml"))


@functools.cache
def _jsonl() -> list[dict[str, Any]]:
    lines = (CORPUS / "jsonl" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def raw_text(entry: dict[str, Any]) -> str:
    """The article's whole text as a reader would see it (page residue included)."""
    fmt, path = entry["format"], CORPUS / str(entry["file"])
    if fmt == "txt":
        return path.read_text(encoding="utf-8")
    if fmt == "html":
        return visible_text(path.read_text(encoding="utf-8"))
    if fmt == "rss":
        return visible_text(_feed().entries[entry["item"]].content[0].value)
    if fmt == "warc":
        _, _, ctype, payload = _warc_records()[entry["record"]]
        charset = (ctype or "").split("charset=")[-1] if "charset=" in (ctype or "") else "utf-8"
        return visible_text(payload.decode(charset))
    return str(_jsonl()[entry["record"]]["text"])


def body_text(entry: dict[str, Any]) -> str:
    """The clean body: from ``body_starts`` to the end of ``body_ends``."""
    text = raw_text(entry)
    start = text.find(entry["body_starts"])
    end = text.find(entry["body_ends"], max(start, 0))
    assert start >= 0, f"{entry['key']}: body_starts not found in {entry['file']}"
    assert end >= 0, f"{entry['key']}: body_ends not found after body_starts in {entry['file']}"
    return text[start:end + len(entry["body_ends"])]


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def shingles(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = normalise_text(text).split()
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a), shingles(b)
    return len(x & y) / len(x | y)


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def local_day(entry: dict[str, Any]) -> date:
    """The publication day in the source's own time zone (or the override for txt)."""
    value = entry.get("published") or entry["published_override"]
    return date.fromisoformat(value[:10])


def events(entry: dict[str, Any], field: str) -> Iterator[tuple[str, str, str, str, str]]:
    for text in entry[field]:
        match = EVENT_RE.match(text)
        assert match, f"{entry['key']}: {field} entry {text!r} does not parse"
        src, tgt, plover, day, precision = match.groups()
        yield src, tgt, plover, day, precision or "day"


def _load_script() -> ModuleType:
    path = ROOT / "scripts" / "build_sample_warc.py"
    spec = importlib.util.spec_from_file_location("build_sample_warc", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------ structure


def test_expected_files_parse_and_meet_the_minimum_counts(sample_corpus: Path) -> None:
    assert sample_corpus == CORPUS
    articles = _articles()
    keys = [a["key"] for a in articles]
    assert len(keys) == len(set(keys)), "article keys must be unique"
    assert len(articles) >= 30
    assert len(_toml("quotes.toml")["quote"]) >= 20
    assert len(_toml("places.toml")["place"]) >= 30
    for a in articles:
        missing = {"key", "format", "file", "title", "source", "body_starts", "body_ends",
                   "paragraphs", "events", "background"} - set(a)
        assert not missing, f"{a['key']}: missing fields {sorted(missing)}"
        assert a["format"] in FORMATS
        assert ("published" in a) != ("published_override" in a), a["key"]


def test_every_file_is_listed_and_every_listed_file_exists() -> None:
    listed = {a["file"] for a in _articles()}
    for name in listed:
        assert (CORPUS / name).is_file(), f"{name} is listed in articles.toml but missing"
    on_disk = {p.relative_to(CORPUS).as_posix()
               for sub in FORMATS for p in (CORPUS / sub).rglob("*") if p.is_file()}
    assert on_disk == listed, f"unlisted: {sorted(on_disk - listed)}"
    sources = tomllib.loads((CORPUS / "warc_src" / "urls.toml").read_text(encoding="utf-8"))
    names = {p["file"] for p in sources["page"]}
    assert names == {p.name for p in (CORPUS / "warc_src").glob("*.html")}


def test_containers_hold_the_listed_items() -> None:
    by_format: dict[str, list[dict[str, Any]]] = {}
    for a in _articles():
        by_format.setdefault(a["format"], []).append(a)
    assert sorted(a["item"] for a in by_format["rss"]) == list(range(len(_feed().entries)))
    assert sorted(a["record"] for a in by_format["jsonl"]) == list(range(len(_jsonl())))
    responses = [i for i, r in enumerate(_warc_records()) if r[0] == "response"]
    assert sorted(a["record"] for a in by_format["warc"]) == responses
    assert _warc_records()[0][0] == "warcinfo"


@pytest.mark.parametrize("entry", _articles(), ids=lambda a: a["key"])
def test_body_bounds_and_paragraph_count(entry: dict[str, Any]) -> None:
    body = body_text(entry)
    assert len(paragraphs(body)) == entry["paragraphs"]
    assert 150 <= len(body.split()) <= 450, f"{entry['key']}: {len(body.split())} words"
    assert re.search(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                     r"Sept? \d|Oct \d|September \d|October \d|last month|this week)\b", body), \
        f"{entry['key']}: the body states no date context"
    if entry["format"] == "txt":
        text = raw_text(entry)
        before, after = text.split(body, 1)
        assert entry["title"] in before
        for line in entry["residue"]:
            assert line in before + after and line not in body, f"{entry['key']}: {line!r}"


def test_warc_rebuilds_byte_identically(tmp_path: Path) -> None:
    script = _load_script()
    out = tmp_path / "sample-news.warc.gz"
    assert script.build_warc(CORPUS / "warc_src", out) == len(_warc_records())
    assert out.read_bytes() == (CORPUS / "warc" / "sample-news.warc.gz").read_bytes(), (
        "examples/corpus/warc/sample-news.warc.gz is stale: run scripts/build_sample_warc.py")


def test_warc_script_rejects_a_bad_page_list(tmp_path: Path) -> None:
    script = _load_script()
    (tmp_path / "urls.toml").write_text('[[page]]\nfile = "a.html"\nurl = "https://x.example/"\n')
    with pytest.raises(ValueError, match="page 1: field 'date'"):
        script.build_warc(tmp_path, tmp_path / "out.warc.gz")


def test_warc_records_match_the_page_list() -> None:
    sources = tomllib.loads((CORPUS / "warc_src" / "urls.toml").read_text(encoding="utf-8"))
    responses = [r for r in _warc_records() if r[0] == "response"]
    assert len(responses) == len(sources["page"])
    for (_, uri, ctype, payload), page in zip(responses, sources["page"], strict=True):
        assert uri == page["url"] and ctype == page["content_type"]
        assert payload == (CORPUS / "warc_src" / page["file"]).read_bytes()
    for a in (a for a in _articles() if a["format"] == "warc"):
        assert _warc_records()[a["record"]][1] == a.get("fetched_url", a["url"])


def test_rss_parses_with_the_expected_items() -> None:
    feed = _feed()
    assert not feed.bozo, feed.get("bozo_exception")
    rss = sorted((a for a in _articles() if a["format"] == "rss"), key=lambda a: a["item"])
    assert len(feed.entries) == len(rss) == 6
    for item, a in zip(feed.entries, rss, strict=True):
        assert item.title == a["title"] and item.link == a["url"]
        assert parsedate_to_datetime(item.published) == parse_instant(a["published"])
        assert "<p>" in item.content[0].value


def test_jsonl_records_have_the_required_fields() -> None:
    rows = _jsonl()
    assert len(rows) >= 4
    for a in (a for a in _articles() if a["format"] == "jsonl"):
        row = rows[a["record"]]
        assert set(row) == {"id", "url", "title", "text", "published", "source"}
        assert all(isinstance(row[k], str) and row[k] for k in row)
        assert row["url"] == a["url"] and row["title"] == a["title"]
        assert row["source"] == a["source"]
        assert parse_instant(row["published"]) == parse_instant(a["published"])


def test_html_pages_carry_the_expected_metadata() -> None:
    for a in (a for a in _articles() if a["format"] in {"html", "warc"}):
        if a["format"] == "html":
            page = (CORPUS / a["file"]).read_text(encoding="utf-8")
        else:
            page = (CORPUS / "warc_src" / _warc_source(a)).read_bytes().decode(a["charset"])
        assert f'<link rel="canonical" href="{a["url"]}"' in page, a["key"]
        assert 'property="og:site_name"' in page and "<title>" in page
        stated = re.findall(r'article:published_time" content="([^"]+)"', page)
        stated += re.findall(r'"datePublished": "([^"]+)"', page)
        if a.get("published_precision") == "day":
            assert not stated and "4 October 2023" in page
            continue
        assert stated, f"{a['key']}: no machine-readable date"
        for value in stated:
            assert parse_instant(value) == parse_instant(a["published"]), a["key"]


def _warc_source(entry: dict[str, Any]) -> str:
    sources = tomllib.loads((CORPUS / "warc_src" / "urls.toml").read_text(encoding="utf-8"))
    wanted = entry.get("fetched_url", entry["url"])
    return next(str(p["file"]) for p in sources["page"] if p["url"] == wanted)


# ------------------------------------------------------------------ quotes and places


def test_quotes_occur_after_their_opening_mark() -> None:
    keys = _by_key()
    for q in _toml("quotes.toml")["quote"]:
        assert q["article"] in keys, f"quote for unknown article {q['article']}"
        body = body_text(keys[q["article"]])
        needle = OPENING_MARKS[q["marks"]] + q["start"]
        assert needle in body, f"{q['article']}: {needle!r} not in the body"
        assert isinstance(q["partial"], bool) and re.fullmatch(r"[A-Z]{3,12}", q["actor"])
    quotes = _toml("quotes.toml")["quote"]
    assert {q["marks"] for q in quotes} == set(OPENING_MARKS)
    assert sum(q["multi"] for q in quotes) >= 5 and sum(q["partial"] for q in quotes) >= 5
    assert sum(q["attribution"] == "after" for q in quotes) >= 5


def test_places_occur_in_their_article() -> None:
    keys = _by_key()
    places = _toml("places.toml")["place"]
    for p in places:
        assert p["text"] in body_text(keys[p["article"]]), f"{p['article']}: {p['text']!r}"
        assert p["precision"] in {"point", "admin", "country"}
        assert re.fullmatch(r"[A-Z]{3}", p["country"])
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180
    names = {p["place_name"] for p in places}
    for wanted in ("Banjska", "Zvečan", "Mitrovica", "North Mitrovica", "Pristina", "Belgrade",
                   "Jarinje crossing", "Raška", "Novi Pazar", "Leposavić", "Northern Kosovo",
                   "Kosovo–Serbia boundary", "Brussels", "Washington", "Moscow", "London"):
        assert wanted in names, wanted


# ------------------------------------------------------------------ duplicates and versions


def test_syndicated_copies_are_near_duplicates_of_the_wire_story() -> None:
    articles = _articles()
    groups: dict[str, list[dict[str, Any]]] = {}
    for a in articles:
        if "syndication" in a:
            groups.setdefault(a["syndication"], []).append(a)
    assert len(groups) >= 3
    for name, members in groups.items():
        originals = [m for m in members if m["source"] == "Adriatic Wire"]
        assert len(originals) == 1 and len(members) >= 2, name
        for copy in members:
            if copy is not originals[0]:
                similarity = jaccard(body_text(originals[0]), body_text(copy))
                assert 0.75 <= similarity < 1.0, f"{copy['key']}: {similarity:.2f}"
    loose = [a for a in articles if "syndication" not in a and "version_of" not in a
             and "exact_duplicate_of" not in a]
    for a in loose:
        for b in articles:
            linked = a["key"] in (b.get("exact_duplicate_of"), b.get("version_of"))
            if b is not a and not linked:
                assert jaccard(body_text(a), body_text(b)) < 0.4, (a["key"], b["key"])


def test_exact_duplicate_and_version() -> None:
    keys = _by_key()
    dups = [a for a in keys.values() if "exact_duplicate_of" in a]
    assert dups
    for a in dups:
        other = keys[a["exact_duplicate_of"]]
        assert other["format"] != a["format"]
        assert content_sha(body_text(a)) == content_sha(body_text(other))
    versions = [a for a in keys.values() if "version_of" in a]
    assert versions
    for a in versions:
        first = keys[a["version_of"]]
        assert a["url"] == first["url"] and a["version"] == first["version"] + 1
        assert body_text(a) != body_text(first) and jaccard(body_text(a), body_text(first)) > 0.8
        assert parse_instant(a["modified"]) > parse_instant(a["published"])


# ------------------------------------------------------------------ the story design (STORY.md)


def test_events_follow_the_story_design() -> None:
    articles = _articles()
    seen: dict[str, list[tuple[date, str, str]]] = {}
    for a in articles:
        for field in ("events", "background"):
            for src, tgt, plover, day, _ in events(a, field):
                seen.setdefault(f"{src}>{tgt} {plover}", []).append((local_day(a), day, field))
                if field == "events":
                    assert day.startswith("2023"), f"{a['key']}: history coded as an event"
    mobilize = [d for _, d, f in seen["SRB>KSV MOBILIZE"] if f == "events"]
    assert mobilize and all("2023-09-25" <= d <= "2023-09-29" for d in mobilize)
    calming = [d for k in ("SRB>KSV RETREAT", "SRB>KSV AGREE")
               for _, d, f in seen[k] if f == "events"]
    assert calming and all("2023-09-30" <= d <= "2023-10-03" for d in calming)
    assert ("2023-09-29" in {d for _, d, f in seen["USA>SRB REQUEST"] if f == "events"})
    assert any(f == "events" for _, _, f in seen["NATO>KSV AID"])
    assert any(d.startswith("1999") and f == "background" for _, d, f in seen["NATO>YUG ASSAULT"])
    recaps = [p for p, d, f in seen["KSVUAF>KSVCOP ASSAULT"] if f == "background"]
    assert len(recaps) >= 10 and all(p > FIRST_DAY for p in recaps)
    hostile_days = {p for k in ("KSV>SRB ACCUSE", "KSV>SRB REQUEST")
                    for p, _, f in seen[k] if f == "events"}
    for offset in range((LAST_DAY - FIRST_DAY).days + 1):
        published = FIRST_DAY + timedelta(days=offset)
        assert published in hostile_days, f"no Kosovo accusation or demand published {published}"


def test_no_text_from_the_seed_article(seed_path: Path) -> None:
    # The stock WordPress widget line is generic page residue, not the seed's text.
    lines = [ln for ln in seed_path.read_text(encoding="utf-8").splitlines()
             if not ln.startswith("Your email address will not be published")]
    seed = normalise_text("\n".join(lines)).split()
    runs = {" ".join(seed[i:i + 8]) for i in range(len(seed) - 7)}
    for path in sorted(CORPUS.rglob("*")):
        if path.is_file() and path.suffix in {".txt", ".html", ".xml", ".jsonl", ".toml"}:
            text = normalise_text(html.unescape(path.read_bytes().decode("utf-8", "replace")))
            words = text.split()
            shared = {" ".join(words[i:i + 8]) for i in range(len(words) - 7)} & runs
            assert not shared, f"{path.name} repeats seed text: {sorted(shared)[:2]}"
