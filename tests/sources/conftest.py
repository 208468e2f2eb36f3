"""Helpers for the ingest tests: tiny WARC records, mock HTTP sites, a loopback server."""

from __future__ import annotations

import gzip
import http.server
import io
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastwarc.warc import WarcRecord, WarcRecordType

from flashpoint.model import RawDocument, Rejection
from flashpoint.options import Options
from flashpoint.sources import HttpFetcher

# Made-up host names mapped to public addresses, so the address rule passes without DNS.
PUBLIC_HOSTS = {"news.example": ["93.184.215.14"], "other.example": ["8.8.4.4"]}

PARAGRAPH = (
    "The river authority said on Tuesday that the northern dam would stay closed for repairs "
    "after engineers found cracks in the spillway, and that farmers downstream should expect "
    "lower water levels until the end of the month. "
)


def public_resolver(host: str) -> list[str]:
    if host in PUBLIC_HOSTS:
        return PUBLIC_HOSTS[host]
    raise OSError(f"unknown test host {host}")


def http_record(
    uri: str,
    body: bytes,
    *,
    content_type: str = "text/html; charset=windows-1252",
    status: str = "200 OK",
    extra_headers: str = "",
) -> bytes:
    """A serialised WARC ``response`` record with an HTTP answer."""
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{extra_headers}\r\n"
    return raw_record(uri, head.encode() + body, WarcRecordType.response,
                      "application/http; msgtype=response")


def raw_record(uri: str, block: bytes, rtype: WarcRecordType, content_type: str) -> bytes:
    record = WarcRecord()
    record.init_headers(rtype)
    record.headers.append("WARC-Target-URI", uri)
    record.headers.append("Content-Type", content_type)
    record.set_bytes_content(block)
    out = io.BytesIO()
    record.write(out)
    return out.getvalue()


def warc_gz(records: list[bytes]) -> bytes:
    """Each record compressed as its own gzip member, as crawlers write them."""
    return b"".join(gzip.compress(r, mtime=0) for r in records)


@pytest.fixture
def options() -> Options:
    return Options()


@pytest.fixture
def make_fetcher() -> Iterator[Callable[..., HttpFetcher]]:
    """``make_fetcher(handler, **option_changes)``: an HttpFetcher over ``httpx.MockTransport``."""
    made: list[HttpFetcher] = []

    def make(handler: Callable[[httpx.Request], httpx.Response], **changes: object) -> HttpFetcher:
        fetcher = HttpFetcher(
            Options().replace(**changes), httpx.MockTransport(handler), resolver=public_resolver
        )
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        fetcher.close()


@pytest.fixture
def loopback_site() -> Iterator[Callable[[dict[str, tuple[str, bytes]]], str]]:
    """Serve ``{path: (content_type, body)}`` from a real http.server on 127.0.0.1."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(pages: dict[str, tuple[str, bytes]]) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                page = pages.get(self.path)
                if page is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", page[0])
                self.send_header("Content-Length", str(len(page[1])))
                self.end_headers()
                self.wfile.write(page[1])

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


class Kit:
    """Helper functions handed to tests through the ``kit`` fixture (conftest is not importable
    under ``--import-mode=importlib``)."""

    paragraph = PARAGRAPH
    http_record = staticmethod(http_record)
    raw_record = staticmethod(raw_record)
    warc_gz = staticmethod(warc_gz)
    public_resolver = staticmethod(public_resolver)

    @staticmethod
    def docs(items: list[RawDocument | Rejection]) -> list[RawDocument]:
        return [i for i in items if isinstance(i, RawDocument)]

    @staticmethod
    def rejections(items: list[RawDocument | Rejection]) -> list[Rejection]:
        return [i for i in items if isinstance(i, Rejection)]

    @staticmethod
    def write(path: Path, data: bytes | str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        return path


@pytest.fixture
def kit() -> type[Kit]:
    return Kit
