"""Build the sample WARC of the bundled corpus, byte for byte reproducibly.

Reads the source pages listed in ``examples/corpus/warc_src/urls.toml`` and writes
``examples/corpus/warc/sample-news.warc.gz``: one ``warcinfo`` record, then for every page a
``request`` record followed by its ``response`` record (HTTP/1.1 200 with the page bytes as
stored, so a page saved in windows-1250 stays windows-1250). Every record is gzipped on its own.

Nothing depends on the clock or on randomness: ``WARC-Date`` comes from ``urls.toml``, record
ids are UUID-5 values derived from the URL and the record type, and gzip headers carry no time.
Running the script twice gives identical files (``tests/test_sample_corpus.py`` checks this).

Usage::

    .venv/bin/python scripts/build_sample_warc.py            # rebuild the committed file
    .venv/bin/python scripts/build_sample_warc.py --out /tmp/x.warc.gz
"""

from __future__ import annotations

import argparse
import sys
import tomllib
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SRC = ROOT / "examples" / "corpus" / "warc_src"
DEFAULT_OUT = ROOT / "examples" / "corpus" / "warc" / "sample-news.warc.gz"
WARCINFO_DATE = "2023-10-09T05:59:00Z"
WARC_FILENAME = "sample-news.warc.gz"  # recorded in warcinfo whatever --out is
USER_AGENT = "flashpoint-sample-crawler/1.0 (+https://flashpoint.example/crawler)"
_REQUIRED = ("file", "url", "date", "content_type")


@dataclass(frozen=True, slots=True)
class Page:
    """One source page: the file holding its bytes and how it was (notionally) fetched."""

    path: Path
    url: str
    date: str  # WARC-Date, ISO 8601 UTC with a trailing Z
    content_type: str


def record_id(url: str, kind: str) -> str:
    """A stable WARC-Record-ID for the record of type ``kind`` about ``url``."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{kind} {url}')}>"


def load_pages(src_dir: Path) -> list[Page]:
    """Read and check ``urls.toml`` in ``src_dir``; raise ``ValueError`` naming the bad entry."""
    listing = src_dir / "urls.toml"
    try:
        data = tomllib.loads(listing.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{listing}: cannot read the page list ({exc}); fix the file") from exc
    entries = data.get("page")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{listing}: no [[page]] entries; add one per source page")
    pages: list[Page] = []
    for number, entry in enumerate(entries, start=1):
        for name in _REQUIRED:
            if not isinstance(entry.get(name), str) or not entry[name]:
                raise ValueError(f"{listing}: page {number}: field '{name}' is missing or empty")
        path = src_dir / entry["file"]
        if not path.is_file():
            raise ValueError(f"{listing}: page {number}: file '{entry['file']}' does not exist")
        try:
            datetime.fromisoformat(entry["date"].replace("Z", "+00:00"))
        except ValueError as exc:
            raise ValueError(
                f"{listing}: page {number}: field 'date' is not ISO 8601 ({entry['date']!r})"
            ) from exc
        pages.append(Page(path, entry["url"], entry["date"], entry["content_type"]))
    return pages


def _http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


def _write_page(writer: WARCWriter, page: Page) -> None:
    payload = page.path.read_bytes()
    parts = urlsplit(page.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    response_id = record_id(page.url, "response")

    request_headers = StatusAndHeaders(
        f"GET {target} HTTP/1.1",
        [("Host", parts.netloc), ("User-Agent", USER_AGENT),
         ("Accept", "text/html,application/xhtml+xml"), ("Accept-Encoding", "identity")],
        is_http_request=True,
    )
    request = writer.create_warc_record(
        page.url, "request", http_headers=request_headers,
        warc_headers_dict={"WARC-Record-ID": record_id(page.url, "request"),
                           "WARC-Date": page.date, "WARC-Concurrent-To": response_id},
    )
    writer.write_record(request)

    response_headers = StatusAndHeaders(
        "200 OK",
        [("Date", _http_date(page.date)), ("Server", "nginx"),
         ("Content-Type", page.content_type), ("Content-Length", str(len(payload))),
         ("Connection", "close")],
        protocol="HTTP/1.1",
    )
    response = writer.create_warc_record(
        page.url, "response", payload=BytesIO(payload), length=len(payload),
        http_headers=response_headers,
        warc_headers_dict={"WARC-Record-ID": response_id, "WARC-Date": page.date},
    )
    writer.write_record(response)


def build_warc(src_dir: Path, out_path: Path) -> int:
    """Write the WARC for the pages in ``src_dir`` to ``out_path``; return the record count."""
    pages = load_pages(src_dir)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    info = (
        b"software: flashpoint scripts/build_sample_warc.py\r\n"
        b"format: WARC File Format 1.0\r\n"
        b"description: Flashpoint sample corpus. All outlets are fictional and all texts were "
        b"written for testing.\r\n"
    )
    with out_path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True, warc_version="1.0")
        warcinfo = writer.create_warc_record(
            "", "warcinfo", payload=BytesIO(info), length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={"WARC-Record-ID": record_id(WARC_FILENAME, "warcinfo"),
                               "WARC-Date": WARCINFO_DATE, "WARC-Filename": WARC_FILENAME},
        )
        writer.write_record(warcinfo)
        for page in pages:
            _write_page(writer, page)
    return 1 + 2 * len(pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--src", type=Path, default=DEFAULT_SRC, help="folder with urls.toml")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="WARC file to write")
    args = parser.parse_args(argv)
    try:
        count = build_warc(args.src, args.out)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {count} records to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
