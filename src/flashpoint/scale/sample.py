"""Small WARC files for tests, benchmarks and trying the batch runners without a crawl.

``write_warc(path, pages)`` writes ``response`` records (HTTP/1.1 200, one gzip member per
record, as Common Crawl does) by hand, so nothing beyond the standard library is needed;
``corpus_pages(folder, count)`` turns the plain-text articles of a folder (the bundled
``examples/corpus/txt``) into that many HTML pages with distinct URLs, outlets and publication
dates, so a few texts give a few hundred distinct articles.  ``bad_record`` and
``write_garbage`` make the damaged inputs a batch run must count and survive.

Everything is deterministic: the same arguments give byte-identical files.
"""

from __future__ import annotations

import gzip
import html
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..errors import InputError

OUTLETS = ("Adriatic Wire", "Sava Times", "Ridgeline Post", "Borderlands Daily",
           "Balkan Ledger", "Danube Courier")
MIN_PARAGRAPH = 40  # shorter lines of a text file (page residue, bylines) are left out


@dataclass(frozen=True, slots=True)
class SamplePage:
    """One archived page: its URL, crawl time and HTTP answer."""

    url: str
    body: bytes
    crawled: datetime
    content_type: str = "text/html; charset=utf-8"
    extra_headers: tuple[tuple[str, str], ...] = ()


def page_html(title: str, paragraphs: Sequence[str], *, outlet: str, published: datetime,
              url: str) -> bytes:
    """A news page with the metadata ``flashpoint.clean`` reads (JSON-LD date, site name)."""
    esc = html.escape
    body = "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{esc(title)}</title>"
        f"<link rel=\"canonical\" href=\"{esc(url)}\">"
        f"<meta property=\"og:site_name\" content=\"{esc(outlet)}\">"
        f"<meta property=\"article:published_time\" content=\"{published.isoformat()}\">"
        "</head><body><article>"
        f"<h1>{esc(title)}</h1>\n{body}\n</article></body></html>\n"
    ).encode()


def read_text_article(path: Path) -> tuple[str, list[str]]:
    """Title and paragraphs of a plain-text article (the first substantial line is the title)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the text ({exc})", "give a UTF-8 text file",
                         subject=str(path)) from exc
    lines = [" ".join(b.split()) for b in text.split("\n\n")]
    lines = [ln for ln in lines if len(ln) >= 12]
    if len(lines) < 2:
        raise InputError("the text has no title and body", "give an article text",
                         subject=str(path))
    return lines[0], [ln for ln in lines[1:] if len(ln) >= MIN_PARAGRAPH]


def corpus_pages(folder: Path, count: int, *, start: datetime) -> list[SamplePage]:
    """``count`` distinct pages made from the ``*.txt`` articles of ``folder``.

    Page ``n`` uses text ``n % len(texts)``, outlet ``n % len(OUTLETS)`` and is published
    ``n // len(texts)`` days after ``start`` (a timezone-aware time), so every page has its own
    URL (article id) and copies of one text are spread over days and outlets.
    """
    texts = sorted(folder.glob("*.txt"))
    if not texts:
        raise InputError("no .txt articles found", "give a folder of text articles",
                         subject=str(folder))
    parsed = [read_text_article(p) for p in texts]
    pages: list[SamplePage] = []
    for n in range(count):
        title, paragraphs = parsed[n % len(parsed)]
        outlet = OUTLETS[n % len(OUTLETS)]
        published = start + timedelta(days=n // len(parsed), minutes=7 * n)
        slug = texts[n % len(texts)].stem.replace("_", "-")
        host = outlet.lower().replace(" ", "") + ".example"
        url = f"https://{host}/{published:%Y/%m/%d}/{slug}-{n}"
        body = page_html(title, paragraphs, outlet=outlet, published=published, url=url)
        pages.append(SamplePage(url, body, published + timedelta(hours=3)))
    return pages


def bad_record(url: str, crawled: datetime) -> SamplePage:
    """A page whose HTTP body claims gzip encoding but is not gzip (a damaged record)."""
    return SamplePage(url, b"this is not gzip data", crawled,
                      extra_headers=(("Content-Encoding", "gzip"),))


def _record(page: SamplePage) -> bytes:
    headers = [("Content-Type", page.content_type), ("Content-Length", str(len(page.body))),
               *page.extra_headers]
    http_block = ("HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
                  + "\r\n").encode() + page.body
    rid = uuid.uuid5(uuid.NAMESPACE_URL, "response " + page.url)
    warc_head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Record-ID: <urn:uuid:{rid}>\r\n"
        f"WARC-Date: {page.crawled:%Y-%m-%dT%H:%M:%SZ}\r\n"
        f"WARC-Target-URI: {page.url}\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http_block)}\r\n\r\n"
    ).encode()
    return gzip.compress(warc_head + http_block + b"\r\n\r\n", mtime=0)


def write_warc(path: Path, pages: Iterable[SamplePage]) -> int:
    """Write ``pages`` as a gzipped WARC (one member per record); return the record count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as handle:
        for page in pages:
            handle.write(_record(page))
            count += 1
    return count


def write_garbage(path: Path) -> None:
    """A file that is not a WARC at all (a bad file of a manifest)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this file is not a WARC archive\n" * 4)


def split_warcs(folder: Path, pages: Sequence[SamplePage], files: int,
                prefix: str = "sample") -> list[Path]:
    """Spread ``pages`` round-robin over ``files`` WARC files in ``folder``; return the paths."""
    paths = [folder / f"{prefix}-{i:03d}.warc.gz" for i in range(files)]
    for i, path in enumerate(paths):
        write_warc(path, pages[i::files])
    return paths


def demo_inputs(corpus: Path, folder: Path, count: int, *, files: int = 2,
                start: datetime) -> list[str]:
    """A small manifest's worth of inputs: ``count`` pages spread over ``files`` good WARCs,
    one WARC with a damaged record and a repeat of page 0, and one file that is not a WARC."""
    pages = corpus_pages(corpus, count, start=start)
    good = split_warcs(folder, pages, files)
    mixed = folder / "mixed.warc.gz"
    write_warc(mixed, [bad_record("https://x.example/broken", start), pages[0]])
    garbage = folder / "garbage.warc.gz"
    write_garbage(garbage)
    return [str(p) for p in (*good, mixed, garbage)]
