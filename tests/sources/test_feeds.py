from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from flashpoint.model import DocKind, RawDocument, Rejection
from flashpoint.options import Options
from flashpoint.sources import HttpFetcher, iter_documents


def rss(items: str, title: str = "Valley Courier") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{title}</title><link>https://news.example/</link>"
        f"<description>Local news</description>{items}</channel></rss>"
    )


def rss_item(n: int, *, full: str | None = None, link: bool = True) -> str:
    parts = [f"<title>Story {n}</title>",
             f"<pubDate>Tue, 05 Mar 2024 0{n}:15:00 +0100</pubDate>",
             f"<description>Teaser number {n}.</description>"]
    if link:
        parts.append(f"<link>https://news.example/story-{n}</link>")
    if full is not None:
        parts.append(f"<content:encoded><![CDATA[{full}]]></content:encoded>")
    return "<item>" + "".join(parts) + "</item>"


def site(pages: dict[str, str]) -> Any:
    def handler(request: httpx.Request) -> httpx.Response:
        body = pages.get(str(request.url))
        if body is None:
            return httpx.Response(404)
        media = "application/rss+xml" if body.startswith("<?xml") else "text/html"
        return httpx.Response(200, text=body, headers={"content-type": f"{media}; charset=utf-8"})
    return handler


def test_items_with_full_content_need_no_fetch(tmp_path: Path, kit: Any) -> None:
    full = "<p>" + kit.paragraph * 3 + "</p>"
    feed = kit.write(tmp_path / "courier.rss", rss(rss_item(1, full=full) + rss_item(2, full=full)))

    class NoFetch:
        def fetch(self, url: str) -> Any:
            raise AssertionError(f"unexpected fetch of {url}")

    items = list(iter_documents(str(feed), Options(), fetcher=NoFetch()))
    assert len(items) == 2 and all(isinstance(i, RawDocument) for i in items)
    first = items[0]
    assert isinstance(first, RawDocument)
    assert first.kind is DocKind.HTML
    assert first.url == "https://news.example/story-1"
    assert first.title == "Story 1"
    assert first.published == "Tue, 05 Mar 2024 01:15:00 +0100"  # raw string, parsed later
    assert first.source == "Valley Courier"
    assert first.encoding == "utf-8"
    assert kit.paragraph.strip().encode() in first.data
    assert first.origin == f"{feed}#1" and items[1].origin == f"{feed}#2"


def test_atom_content_and_updated_date(tmp_path: Path, kit: Any) -> None:
    atom = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Wire</title>'
        '<id>urn:x</id><updated>2024-03-05T10:00:00Z</updated>'
        '<entry><title>Plain</title><id>urn:1</id><updated>2024-03-05T09:30:00Z</updated>'
        '<link href="https://news.example/plain"/>'
        f'<content type="text">{kit.paragraph * 3}</content></entry>'
        "</feed>"
    )
    items = list(iter_documents(str(kit.write(tmp_path / "wire.atom", atom)), Options()))
    assert len(items) == 1
    doc = items[0]
    assert isinstance(doc, RawDocument)
    assert doc.kind is DocKind.TEXT and doc.published == "2024-03-05T09:30:00Z"
    assert doc.url == "https://news.example/plain" and doc.source == "Atom Wire"


def test_short_items_are_fetched_through_the_fetcher(tmp_path: Path, kit: Any,
                                                      make_fetcher: Any) -> None:
    feed = kit.write(tmp_path / "teasers.xml", rss(
        rss_item(1, full="<p>Too short to be the article.</p>") + rss_item(2) + rss_item(3)
    ))
    pages = {
        "https://news.example/story-1": "<html><body><p>Page one.</p></body></html>",
        "https://news.example/story-3": "<html><body><p>Page three.</p></body></html>",
    }
    fetcher = make_fetcher(site(pages))
    items = list(iter_documents(str(feed), Options(), fetcher=fetcher))
    one, two, three = items
    assert isinstance(one, RawDocument) and one.data == pages["https://news.example/story-1"]\
        .encode()
    assert one.kind is DocKind.HTML and one.encoding == "utf-8" and one.title == "Story 1"
    assert one.origin == "https://news.example/story-1"
    assert isinstance(two, Rejection) and two.reason == "http-status"
    assert two.origin == "https://news.example/story-2"
    assert isinstance(three, RawDocument) and three.published == "Tue, 05 Mar 2024 03:15:00 +0100"


def test_feed_links_to_private_addresses_are_refused(tmp_path: Path, kit: Any) -> None:
    items_xml = ("<item><title>Inside</title><link>http://169.254.169.254/latest</link></item>"
                 "<item><title>Local</title><link>http://127.0.0.1:9/x</link></item>")
    feed = kit.write(tmp_path / "evil.rss", rss(items_xml))
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, text="<html>secret</html>")

    fetcher = HttpFetcher(Options(), httpx.MockTransport(handler))
    try:
        items = list(iter_documents(str(feed), Options(), fetcher=fetcher))
    finally:
        fetcher.close()
    assert [(i.origin, i.reason) for i in items if isinstance(i, Rejection)] == [
        ("http://169.254.169.254/latest", "private-address"),
        ("http://127.0.0.1:9/x", "private-address"),
    ]
    assert calls == []


def test_invalid_and_empty_feeds(tmp_path: Path, kit: Any) -> None:
    broken = kit.write(tmp_path / "broken.xml", "<?xml version='1.0'?><rss><channel><item><ti")
    items = list(iter_documents(str(broken), Options()))
    assert len(items) == 1 and isinstance(items[0], Rejection)
    assert items[0].reason == "invalid-feed" and items[0].origin == str(broken)
    assert "feed" in items[0].detail
    not_feed = kit.write(tmp_path / "sitemap.xml", "<?xml version='1.0'?><urlset><url/></urlset>")
    items = list(iter_documents(str(not_feed), Options()))
    assert [i.reason for i in items if isinstance(i, Rejection)] == ["invalid-feed"]
    empty = kit.write(tmp_path / "quiet.rss", rss(""))
    items = list(iter_documents(str(empty), Options()))
    assert [i.reason for i in items if isinstance(i, Rejection)] == ["no-articles"]


def test_item_without_link_uses_what_it_has(tmp_path: Path, kit: Any) -> None:
    items_xml = (rss_item(1, link=False)
                 + "<item><title>Nothing</title></item>")
    feed = kit.write(tmp_path / "nolinks.rss", rss(items_xml))
    first, second = list(iter_documents(str(feed), Options()))
    assert isinstance(first, RawDocument) and b"Teaser number 1." in first.data
    assert isinstance(second, Rejection) and second.reason == "missing-field"
    assert second.origin == f"{feed}#2"


def test_feed_url_through_mock_transport(kit: Any, make_fetcher: Any) -> None:
    full = "<p>" + kit.paragraph * 3 + "</p>"
    pages = {
        "https://news.example/feed": rss(
            rss_item(1, full=full)
            + "<item><title>Relative</title><link>/story-9</link></item>"),
        "https://news.example/story-9": "<html><body>nine</body></html>",
    }
    items = list(iter_documents("https://news.example/feed", Options(),
                                fetcher=make_fetcher(site(pages))))
    assert [i.origin for i in items] == ["https://news.example/feed#1",
                                         "https://news.example/story-9"]
    relative = items[1]
    assert isinstance(items[0], RawDocument) and isinstance(relative, RawDocument)
    assert relative.url == "https://news.example/story-9"  # resolved against the feed URL


def test_real_loopback_feed(loopback_site: Any, kit: Any) -> None:
    pages: dict[str, tuple[str, bytes]] = {}
    base = loopback_site(pages)
    pages["/feed.xml"] = ("application/rss+xml", rss(
        f"<item><title>Local story</title><link>{base}/story</link></item>").encode())
    pages["/story"] = ("text/html; charset=windows-1252",
                       "<html><body>Café “talks”</body></html>".encode("cp1252"))
    opts = Options().replace(allow_private_addresses=True, http_timeout=5)
    items = list(iter_documents(base + "/feed.xml", opts))  # creates its own HttpFetcher
    assert len(items) == 1
    doc = items[0]
    assert isinstance(doc, RawDocument)
    assert doc.url == f"{base}/story" and doc.encoding == "windows-1252"
    assert doc.data == "<html><body>Café “talks”</body></html>".encode("cp1252")
    assert doc.source == "Valley Courier" and doc.title == "Local story"
    refused = list(iter_documents(base + "/feed.xml", Options()))
    assert [(i.origin, i.reason) for i in refused if isinstance(i, Rejection)] == [
        (base + "/feed.xml", "private-address")]
    assert len(refused) == 1
