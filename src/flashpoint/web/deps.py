"""Request plumbing of the HTTP API: the store and options of the app, parsers of query
parameters (dyads, bounding boxes, cursors, actor keys), JSON conversion of records, and the
bearer-token check of writes.

Every parser raises ``flashpoint.errors.InputError`` naming the parameter, so a bad value becomes
the API's one error shape (``web.errors``) with status 400.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
import json
import re
from datetime import date, datetime
from enum import Enum
from typing import Any

from fastapi import Request

from ..errors import FlashpointError, InputError
from ..options import Options
from ..store import Store

KEY = re.compile(r"^[A-Za-z0-9_]{1,24}$")
MAX_CURSOR_CHARS = 200


class WritesDisabled(FlashpointError):
    """POST endpoints are off: no ``api_token`` is configured."""

    code = "writes_disabled"
    http_status = 403


class Unauthorized(FlashpointError):
    """A write without the right ``Authorization: Bearer <token>`` header."""

    code = "unauthorized"
    http_status = 401


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_options(request: Request) -> Options:
    options: Options = request.app.state.options
    return options


def check_token(request: Request) -> None:
    """Allow a write only when ``api_token`` is set and the request carries it."""
    token = get_options(request).api_token
    if not token:
        raise WritesDisabled("writes through the API are disabled",
                             "set api_token (FLASHPOINT_API_TOKEN or flashpoint.toml) and "
                             "restart flashpoint serve", subject="POST " + request.url.path)
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given.encode("utf-8", "replace"),
                               f"Bearer {token}".encode()):
        raise Unauthorized("missing or wrong bearer token",
                           "send the header 'Authorization: Bearer <api_token>'",
                           subject="Authorization")


def actor_key(value: str, name: str) -> str:
    """An actor key (``SRB``, ``KSVUAF``, ``NAT``), upper-cased."""
    if not KEY.match(value):
        raise InputError(f"{value[:40]!r} is not an actor key",
                         "give letters and digits, e.g. SRB or IGOWSTNAT", subject=name)
    return value.upper()


def parse_dyad(value: str, name: str = "dyad", *, open_target: bool = True
               ) -> tuple[str, str | None]:
    """``SRC:TGT``; with ``open_target`` ``SRC:`` means events without a target."""
    src, sep, tgt = value.partition(":")
    if not sep or not src or (not tgt and not open_target):
        raise InputError(f"bad dyad {value[:40]!r}", "write SOURCE:TARGET, e.g. SRB:KSV",
                         subject=name)
    return actor_key(src, name), actor_key(tgt, name) if tgt else None


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """``minlon,minlat,maxlon,maxlat`` (the store checks the ranges)."""
    parts = value.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) != 4 or not all(abs(n) < 1e6 for n in numbers):
        raise InputError(f"bad bbox {value[:60]!r}",
                         "give minlon,minlat,maxlon,maxlat, e.g. 19,41.8,21.8,43.3",
                         subject="bbox")
    return numbers[0], numbers[1], numbers[2], numbers[3]


def encode_cursor(event_date: str | None, event_id: str) -> str:
    raw = json.dumps([event_date, event_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(value: str) -> tuple[str | None, str]:
    """The (date, id) a ``next_cursor`` stands for."""
    bad = InputError("bad cursor", "pass the next_cursor of the previous page unchanged",
                     subject="cursor")
    if len(value) > MAX_CURSOR_CHARS:
        raise bad
    try:
        data = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise bad from exc
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[1], str)
            and (data[0] is None or isinstance(data[0], str))):
        raise bad
    if data[0] is not None:
        try:
            date.fromisoformat(data[0])
        except ValueError as exc:
            raise bad from exc
    return data[0], data[1]


def plain(value: Any) -> Any:
    """A JSON-ready form of records, tuples, dates and enums (recursively)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("raw", "minhash")}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, bytes):
        return None
    return value
