from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

import httpx

from flashpoint.model import DocKind, RawDocument, Rejection
from flashpoint.options import Options
from flashpoint.sources import FetchResult, iter_documents, iter_many


def build_mixed_tree(root: Path, kit: Any) -> None:
    good_page = "<html><body><p>" + kit.paragraph + "</p></body></html>"
    kit.write(root / "b" / "page.html", good_page)
    kit.write(root / "a.txt", kit.paragraph)
    kit.write(root / "b" / "empty.txt", b"")
    kit.write(root / "b" / "junk.htm", bytes(range(256)) * 4)
    kit.write(root / "c" / "records.jsonl",
              json.dumps({"id": "x", "text": kit.paragraph}) + "\nnot json\n")
    records = [kit.http_record(f"https://news.example/{n}", good_page.encode() * 5)
               for n in range(3)]
    archive = kit.warc_gz(records)
    kit.write(root / "c" / "crawl.warc.gz", archive[:-100])
    kit.write(root / "c" / "feed.xml", "<?xml version='1.0'?><rss><channel><item><ti")
    kit.write(root / "c" / "readme.md", "ignored: unknown extension in a directory walk")
    kit.write(root / "d" / "article.txt.gz", gzip.compress(kit.paragraph.encode()))


def summary(items: list[RawDocument | Rejection], root: Path) -> list[tuple[str, str]]:
    return [(i.origin.replace(str(root) + "/", ""),
             i.reason if isinstance(i, Rejection) else i.kind.value) for i in items]


def test_directory_with_bad_files_yields_everything_in_order(tmp_path: Path, kit: Any) -> None:
    build_mixed_tree(tmp_path, kit)
    items = list(iter_documents(str(tmp_path), Options()))
    assert summary(items, tmp_path) == [
        ("a.txt", "text"),
        ("b/empty.txt", "empty"),
        ("b/junk.htm", "binary"),
        ("b/page.html", "html"),
        ("c/crawl.warc.gz#1", "html"),
        ("c/crawl.warc.gz#2", "html"),
        ("c/crawl.warc.gz#3", "truncated"),
        ("c/feed.xml", "invalid-feed"),
        ("c/records.jsonl:1", "record"),
        ("c/records.jsonl:2", "invalid-json"),
        ("d/article.txt.gz", "text"),
    ]
    for item in items:
        if isinstance(item, Rejection):
            assert item.detail.startswith(item.origin.split("#")[0]) and "—" in item.detail
    again = list(iter_documents(str(tmp_path), Options()))
    assert again == items  # deterministic


def test_iter_many_keeps_spec_order(tmp_path: Path, kit: Any) -> None:
    first = kit.write(tmp_path / "z.txt", kit.paragraph)
    second = kit.write(tmp_path / "a.txt", kit.paragraph)
    stdin = io.BytesIO(json.dumps({"text": "from stdin"}).encode() + b"\n")
    items = list(iter_many([str(first), "-", str(tmp_path / "missing"), str(second)],
                           Options(), stdin=stdin))
    assert [i.origin for i in items] == [str(first), "stdin:1", str(tmp_path / "missing"),
                                         str(second)]
    assert isinstance(items[2], Rejection) and items[2].reason == "not-found"


def test_url_pages_through_the_fetcher(make_fetcher: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/article":
            return httpx.Response(200, content=b"<html><body>story</body></html>",
                                  headers={"content-type": "text/html; charset=utf-8"})
        if path == "/plain":
            return httpx.Response(200, content=b"Plain statement.",
                                  headers={"content-type": "text/plain"})
        if path == "/report.pdf":
            return httpx.Response(200, content=b"%PDF-1.7 ...",
                                  headers={"content-type": "application/pdf"})
        if path == "/sitemap":
            return httpx.Response(200, content=b"<?xml version='1.0'?><urlset/>",
                                  headers={"content-type": "application/xml"})
        if path == "/atom":  # a feed served with a feed type, whatever its first bytes
            return httpx.Response(200, content=(
                b"\n<!-- generated -->\n<feed xmlns='http://www.w3.org/2005/Atom'><title>W</title>"
                b"<entry><title>E</title><id>1</id><link href='https://news.example/plain'/>"
                b"</entry></feed>"), headers={"content-type": "application/atom+xml"})
        if path == "/untyped":
            return httpx.Response(200, content=b"<!doctype html><html>x</html>")
        raise httpx.ConnectError("no route", request=request)

    fetcher = make_fetcher(handler)
    specs = [f"https://news.example/{p}" for p in ("article", "plain", "report.pdf", "untyped",
                                                     "down", "sitemap")]
    items = list(iter_many([*specs, "ftp://news.example/file"], Options(), fetcher=fetcher))
    kinds = [i.kind if isinstance(i, RawDocument) else i.reason for i in items]
    assert kinds == [DocKind.HTML, DocKind.TEXT, "unsupported-type", DocKind.HTML,
                     "unreachable", "unsupported-type", "unsupported-url"]
    article = items[0]
    assert isinstance(article, RawDocument)
    assert article.url == specs[0] and article.origin == specs[0] and article.encoding == "utf-8"
    assert all(i.origin == s for i, s in zip(items, [*specs, "ftp://news.example/file"],
                                               strict=True))
    feed_items = list(iter_documents("https://news.example/atom", Options(), fetcher=fetcher))
    assert len(feed_items) == 1 and isinstance(feed_items[0], RawDocument)
    assert feed_items[0].kind is DocKind.TEXT and feed_items[0].title == "E"
    assert feed_items[0].source == "W" and feed_items[0].origin == "https://news.example/plain"


def test_no_exception_escapes_from_a_broken_fetcher(tmp_path: Path, kit: Any) -> None:
    class Broken:
        def fetch(self, url: str) -> FetchResult:
            raise RuntimeError("fetcher bug")

    after = kit.write(tmp_path / "after.txt", kit.paragraph)
    items = list(iter_many(["https://news.example/x", str(after)], Options(), fetcher=Broken()))
    assert isinstance(items[0], Rejection) and items[0].reason == "error"
    assert "RuntimeError" in items[0].detail
    assert isinstance(items[1], RawDocument) and items[1].origin == str(after)


def test_default_fetcher_refuses_loopback_url(loopback_site: Any) -> None:
    base = loopback_site({"/page": ("text/html", b"<html>local</html>")})
    items = list(iter_documents(base + "/page", Options()))
    assert [(i.origin, i.reason) for i in items if isinstance(i, Rejection)] == [
        (base + "/page", "private-address")]
    allowed = list(iter_documents(base + "/page",
                                  Options().replace(allow_private_addresses=True)))
    assert isinstance(allowed[0], RawDocument) and allowed[0].data == b"<html>local</html>"
