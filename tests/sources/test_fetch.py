from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from flashpoint.errors import FetchError, InputError
from flashpoint.options import Options
from flashpoint.sources import HttpFetcher
from flashpoint.sources.fetch import (
    check_url,
    is_public_address,
    parse_content_type,
)

Handler = Callable[[httpx.Request], httpx.Response]


def page(body: bytes = b"<html><body>hello</body></html>", **headers: str) -> httpx.Response:
    fields = {"content-type": "text/html"}
    fields.update({k.replace("_", "-"): v for k, v in headers.items()})
    return httpx.Response(200, content=body, headers=fields)


def reason_of(fetcher: HttpFetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert isinstance(info.value, InputError)
    return info.value


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("8.8.8.8", True),
        ("2606:4700:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),  # cloud metadata, link-local
        ("100.64.0.1", False),  # shared address space
        ("224.0.0.251", False),  # multicast
        ("240.0.0.1", False),  # reserved
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:127.0.0.1", False),
        ("not-an-address", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_parse_content_type() -> None:
    assert parse_content_type("text/HTML; charset=\"Windows-1252\"") == ("text/html",
                                                                         "windows-1252")
    assert parse_content_type("application/rss+xml") == ("application/rss+xml", None)
    assert parse_content_type(None) == (None, None)
    assert parse_content_type("garbage") == (None, None)


def test_check_url_rules(kit: Any) -> None:
    opts = Options()
    assert check_url("https://news.example/a", opts, kit.public_resolver)
    for url, reason in [
        ("ftp://news.example/a", "unsupported-url"),
        ("http:///nohost", "unsupported-url"),
        ("http://127.0.0.1:8080/", "private-address"),
        ("http://[::1]/", "private-address"),
        ("http://10.0.0.5/feed", "private-address"),
        ("http://unknown.invalid/", "unreachable"),
    ]:
        with pytest.raises(FetchError) as info:
            check_url(url, opts, kit.public_resolver)
        assert info.value.reason == reason, url
    assert check_url("http://127.0.0.1/", opts.replace(allow_private_addresses=True))


def test_name_resolving_to_private_address_is_refused() -> None:
    def resolver(host: str) -> list[str]:
        return ["93.184.215.14", "192.168.0.10"]  # one bad address is enough

    with pytest.raises(FetchError) as info:
        check_url("http://mixed.example/", Options(), resolver)
    assert info.value.reason == "private-address"
    assert "192.168.0.10" in info.value.message
    assert "allow_private_addresses" in info.value.fix


def test_fetch_returns_body_type_charset_and_sends_user_agent(make_fetcher: Any) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return page(content_type="text/html; charset=ISO-8859-1")

    result = make_fetcher(handler, user_agent="tester/1.0").fetch("https://news.example/a")
    assert result.status == 200 and result.url == "https://news.example/a"
    assert (result.content_type, result.charset) == ("text/html", "iso-8859-1")
    assert result.body.startswith(b"<html>")
    assert seen[0].headers["user-agent"] == "tester/1.0"


def test_redirects_are_followed_and_each_hop_checked(make_fetcher: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/start":
            return httpx.Response(301, headers={"location": "/middle"})
        if path == "/middle":
            return httpx.Response(302, headers={"location": "https://other.example/end"})
        if path == "/end":
            return page(b"<html>arrived</html>")
        if path == "/sneaky":
            return httpx.Response(302, headers={"location": "http://127.0.0.1/admin"})
        if path == "/loop":
            return httpx.Response(307, headers={"location": "/loop"})
        return httpx.Response(302)

    fetcher = make_fetcher(handler)
    result = fetcher.fetch("https://news.example/start")
    assert result.url == "https://other.example/end" and result.body == b"<html>arrived</html>"
    assert reason_of(fetcher, "https://news.example/sneaky").reason == "private-address"
    loop = reason_of(fetcher, "https://news.example/loop")
    assert loop.reason == "too-many-redirects" and loop.subject == "https://news.example/loop"
    assert reason_of(fetcher, "https://news.example/nowhere").reason == "http-status"


def test_http_errors_and_network_failures(make_fetcher: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/gone":
            return httpx.Response(404, text="not here")
        if request.url.path == "/slow":
            raise httpx.ReadTimeout("too slow", request=request)
        raise httpx.ConnectError("connection refused", request=request)

    fetcher = make_fetcher(handler)
    gone = reason_of(fetcher, "https://news.example/gone")
    assert gone.reason == "http-status" and "404" in gone.message
    slow = reason_of(fetcher, "https://news.example/slow")
    assert slow.reason == "unreachable" and "timed out" in slow.message
    down = reason_of(fetcher, "https://news.example/down")
    assert down.reason == "unreachable" and down.subject == "https://news.example/down"


def test_download_cap(make_fetcher: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = b"<html>" + b"z" * 5000 + b"</html>"
        if request.url.path == "/declared":
            return page(body)
        return httpx.Response(200, headers={"content-type": "text/html"},
                              content=iter([body[:3000], body[3000:]]))  # no Content-Length

    fetcher = make_fetcher(handler, max_download_bytes=4000)
    declared = reason_of(fetcher, "https://news.example/declared")
    assert declared.reason == "too-large" and "declares" in declared.message
    streamed = reason_of(fetcher, "https://news.example/streamed")
    assert streamed.reason == "too-large" and "max_download_bytes=4000" in streamed.message


def test_default_options_refuse_loopback_server(loopback_site: Any) -> None:
    base = loopback_site({"/a": ("text/html", b"<html>local</html>")})
    with HttpFetcher(Options()) as fetcher:
        error = reason_of(fetcher, base + "/a")
    assert error.reason == "private-address"
    assert "127.0.0.1" in error.message


def test_real_loopback_server_with_private_addresses_allowed(loopback_site: Any) -> None:
    base = loopback_site({"/a": ("text/html; charset=utf-8", "<p>čaj</p>".encode())})
    with HttpFetcher(Options().replace(allow_private_addresses=True, http_timeout=5)) as f:
        result = f.fetch(base + "/a")
        assert result.body == "<p>čaj</p>".encode() and result.charset == "utf-8"
        assert reason_of(f, base + "/missing").reason == "http-status"


def test_closed_port_is_unreachable() -> None:
    with socket.socket() as sock:  # find a free port, then close it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with HttpFetcher(Options().replace(allow_private_addresses=True, http_timeout=2)) as f:
        assert reason_of(f, f"http://127.0.0.1:{port}/").reason == "unreachable"
