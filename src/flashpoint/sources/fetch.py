"""Fetching URLs: an injectable ``Fetcher`` protocol and the default ``HttpFetcher``.

``HttpFetcher`` is careful with untrusted URLs (feed links, user input):

- only ``http`` and ``https`` URLs;
- every host (the first one and every redirect hop) is resolved and refused when any of its
  addresses is private, loopback, link-local, reserved, multicast or otherwise not global, unless
  ``Options.allow_private_addresses`` is set (then loopback test servers work);
- redirects are followed by hand, at most ``MAX_REDIRECTS``;
- the body is streamed and cut at ``Options.max_download_bytes`` (decoded bytes, so a compressed
  response cannot blow up in memory).

Limitation: the address check resolves the name before httpx connects, and httpx resolves it again;
a DNS server that answers differently the second time (DNS rebinding) is not caught.  Use a
filtering proxy when fetching from hostile networks.

Every failure is a ``FetchError`` whose ``reason`` is one of ``unreachable``, ``http-status``,
``too-large``, ``private-address``, ``too-many-redirects``, ``unsupported-url``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from ..errors import FetchError
from ..options import Options

MAX_REDIRECTS = 5
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})

Resolver = Callable[[str], list[str]]


@dataclass(frozen=True)
class FetchResult:
    """A successful response: final URL after redirects, status, media type, charset, body."""

    url: str
    status: int
    content_type: str | None  # media type only, lower case ("text/html")
    charset: str | None  # from the Content-Type header, lower case
    body: bytes


class Fetcher(Protocol):
    """Anything that turns a URL into a ``FetchResult`` or raises ``FetchError``."""

    def fetch(self, url: str) -> FetchResult: ...


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """``"text/html; charset=UTF-8"`` -> ``("text/html", "utf-8")``; missing parts are ``None``."""
    if not value:
        return None, None
    msg = Message()
    msg["content-type"] = value
    media = msg.get_content_type().lower() if "/" in value.split(";", 1)[0] else None
    charset = msg.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form: (charset, language, value)
        charset = charset[2]
    text = str(charset).strip().strip('"').lower() if charset else None
    return media, text or None


def system_resolver(host: str) -> list[str]:
    """All addresses ``host`` resolves to (``socket.getaddrinfo``); raises ``OSError``."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for private, loopback, link-local,
    reserved, multicast, unspecified and shared (CGNAT) addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
        or ip.is_multicast or ip.is_unspecified or not ip.is_global
    )


def check_url(url: str, options: Options, resolver: Resolver = system_resolver) -> str:
    """Validate ``url`` (scheme, host, address rule) and return it; raise ``FetchError``."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise FetchError(
            f"not a valid URL ({exc})", "check the address", subject=url, reason="unsupported-url"
        ) from exc
    if parts.scheme.lower() not in {"http", "https"}:
        raise FetchError(
            f"scheme {parts.scheme or '(none)'!r} is not supported",
            "give an http:// or https:// URL", subject=url, reason="unsupported-url",
        )
    if not host:
        raise FetchError(
            "the URL has no host name", "give a full URL like https://example.org/page",
            subject=url, reason="unsupported-url",
        )
    if options.allow_private_addresses:
        return url
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            addresses = resolver(host)
        except (OSError, UnicodeError) as exc:
            raise FetchError(
                f"host {host!r} cannot be resolved ({exc})",
                "check the host name and your network connection",
                subject=url, reason="unreachable",
            ) from exc
    refused = [a for a in addresses if not is_public_address(a)]
    if refused or not addresses:
        raise FetchError(
            f"host {host!r} resolves to a private, loopback, link-local, reserved or multicast "
            f"address ({', '.join(refused) or 'none'})",
            "only public addresses are fetched; set allow_private_addresses = true "
            "(FLASHPOINT_ALLOW_PRIVATE_ADDRESSES=1) if you trust this host",
            subject=url, reason="private-address",
        )
    return url


class HttpFetcher:
    """Fetch URLs with httpx, following the rules in the module docstring.

    ``transport`` replaces the network (``httpx.MockTransport`` in tests); ``resolver`` replaces
    DNS for the address rule (tests map made-up host names to public addresses).
    """

    def __init__(
        self,
        options: Options,
        transport: httpx.BaseTransport | None = None,
        *,
        resolver: Resolver | None = None,
    ) -> None:
        self._options = options
        self._resolver = resolver or system_resolver
        self._client = httpx.Client(
            transport=transport,
            timeout=options.http_timeout,
            headers={"User-Agent": options.user_agent},
            follow_redirects=False,
            trust_env=False,
        )

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(self, url: str) -> FetchResult:
        """GET ``url``; raise ``FetchError`` when it cannot be fetched."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current, self._options, self._resolver)
            result, location = self._get_once(current, origin=url)
            if result is not None:
                return result
            current = location or ""
        raise FetchError(
            f"more than {MAX_REDIRECTS} redirects",
            "give the final address of the page instead", subject=url,
            reason="too-many-redirects",
        )

    def download(self, url: str, dest: Path, cap: int) -> int:
        """Stream ``url`` into the file ``dest`` (a WARC of a batch run: too large to hold in
        memory), under the same address and redirect rules as ``fetch``; at most ``cap`` bytes.
        Returns the bytes written; raises ``FetchError`` (``dest`` may then hold a part)."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current, self._options, self._resolver)
            location = self._save_once(current, dest, cap, origin=url)
            if location is None:
                return dest.stat().st_size
            current = location
        raise FetchError(f"more than {MAX_REDIRECTS} redirects",
                         "give the final address of the file instead", subject=url,
                         reason="too-many-redirects")

    def _save_once(self, url: str, dest: Path, cap: int, *, origin: str) -> str | None:
        """One request saved to ``dest``: ``None`` when done, else the redirect target."""
        try:
            with self._client.stream("GET", url, timeout=httpx.Timeout(
                    self._options.http_timeout, read=max(60.0, self._options.http_timeout))
                    ) as response:
                status = response.status_code
                if status in _REDIRECT_CODES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"redirect {status} without a Location header",
                                         "give another URL", subject=origin,
                                         reason="http-status")
                    return str(urljoin(url, location))
                if not 200 <= status < 300:
                    raise FetchError(f"the server answered HTTP {status} for {url}",
                                     "check the address in the manifest", subject=origin,
                                     reason="http-status")
                _check_declared_length(response, cap, origin, option="max_warc_bytes")
                size = 0
                with dest.open("wb") as out:
                    for block in response.iter_bytes(1 << 20):
                        size += len(block)
                        if size > cap:
                            raise FetchError(
                                f"the file is larger than max_warc_bytes={cap}",
                                "raise max_warc_bytes or split the file", subject=origin,
                                reason="too-large")
                        out.write(block)
                return None
        except httpx.TransportError as exc:
            raise FetchError(f"download of {url} failed ({type(exc).__name__}: {exc})",
                             "check the address and the network; the run counts the file as "
                             "bad and goes on", subject=origin, reason="unreachable") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"not a valid URL ({exc})", "check the address",
                             subject=origin, reason="unsupported-url") from exc

    def _get_once(self, url: str, *, origin: str) -> tuple[FetchResult | None, str | None]:
        """One request: a result, or ``(None, next_url)`` for a redirect."""
        cap = self._options.max_download_bytes
        try:
            with self._client.stream("GET", url) as response:
                status = response.status_code
                if status in _REDIRECT_CODES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(
                            f"redirect {status} without a Location header",
                            "report it to the site or give another URL",
                            subject=origin, reason="http-status",
                        )
                    return None, urljoin(url, location)
                if not 200 <= status < 300:
                    raise FetchError(
                        f"the server answered HTTP {status} for {url}",
                        "check the address; the page may be gone or need a login",
                        subject=origin, reason="http-status",
                    )
                _check_declared_length(response, cap, origin)
                body = _read_capped(response, cap, origin)
                media, charset = parse_content_type(response.headers.get("content-type"))
                return FetchResult(str(response.url), status, media, charset, body), None
        except httpx.TransportError as exc:
            kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
            raise FetchError(
                f"connection to {url} {kind} ({type(exc).__name__}: {exc})",
                "check the address and your network connection, or raise http_timeout",
                subject=origin, reason="unreachable",
            ) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(
                f"not a valid URL ({exc})", "check the address",
                subject=origin, reason="unsupported-url",
            ) from exc


def _check_declared_length(response: httpx.Response, cap: int, origin: str,
                           option: str = "max_download_bytes") -> None:
    declared = response.headers.get("content-length")
    if declared and declared.strip().isdigit() and int(declared) > cap:
        raise FetchError(
            f"the response declares {int(declared)} bytes, more than {option}={cap}",
            f"raise {option} if this file is expected to be that large",
            subject=origin, reason="too-large",
        )


def _read_capped(response: httpx.Response, cap: int, origin: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > cap:
            raise FetchError(
                f"the response is larger than max_download_bytes={cap}",
                "raise max_download_bytes if this page is expected to be that large",
                subject=origin, reason="too-large",
            )
        chunks.append(chunk)
    return b"".join(chunks)


class LazyFetcher:
    """Holds a given fetcher, or creates an ``HttpFetcher`` on first use and closes it at the end.

    Lets ``iter_documents`` avoid opening an HTTP client for inputs that never need one.
    """

    def __init__(self, options: Options, fetcher: Fetcher | None = None) -> None:
        self._options = options
        self._given = fetcher
        self._own: HttpFetcher | None = None

    def fetch(self, url: str) -> FetchResult:
        if self._given is not None:
            return self._given.fetch(url)
        if self._own is None:
            self._own = HttpFetcher(self._options)
        return self._own.fetch(url)

    def close(self) -> None:
        if self._own is not None:
            self._own.close()
            self._own = None
