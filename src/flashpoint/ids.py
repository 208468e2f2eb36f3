"""Deterministic identifiers: the same input always gives the same id."""

from __future__ import annotations

import hashlib
import unicodedata
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ref", "cmpid", "ocid")


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def short_id(*parts: object, length: int = 16) -> str:
    """A hex id of ``length`` characters from the parts (joined with a unit separator)."""
    joined = "\x1f".join("" if p is None else str(p) for p in parts)
    return sha256_hex(joined)[:length]


def normalise_text(text: str) -> str:
    """The form of a text that content hashes and shingles are computed on.

    NFKC, typographic quotes and dashes folded, case folded, whitespace collapsed.
    """
    text = unicodedata.normalize("NFKC", text)
    text = (text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
            .replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-"))
    return " ".join(text.split()).casefold()


def canonical_url(url: str | None) -> str | None:
    """Lower-cased scheme and host, no fragment, no tracking parameters, no trailing slash."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        return None
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING)]
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return urlunsplit(("https", host, path, urlencode(sorted(query)), ""))


def content_sha(text: str) -> str:
    return sha256_hex(normalise_text(text))


def article_id(canonical: str | None, text: str, *, sha: str | None = None) -> str:
    """Stable across edits of one page: from the canonical URL when known, else from the text.

    ``sha`` is the text's ``content_sha`` when the caller has it already.
    """
    if canonical:
        return short_id("url", canonical)
    return short_id("text", sha or content_sha(text))
