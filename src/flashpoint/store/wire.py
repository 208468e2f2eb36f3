"""JSON codec between a ``RemoteStore`` and the owner: records, bytes, datetimes and errors.

Values are plain JSON where possible; everything else is an object tagged with ``"$"``:
bytes (base64), datetimes and dates (ISO 8601), tuples, dicts, enums and the frozen record
classes of ``flashpoint.model`` and the store (by field).  Only whitelisted record classes and
methods are accepted, and owner-side ``FlashpointError``\\ s are rebuilt as the same class.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from datetime import date, datetime
from enum import Enum
from typing import Any

from .. import errors, model
from ..errors import FlashpointError, StoreError
from .base import AddOutcome, CodedOutcome, StoryRow

# Store methods a client may call on the owner (plus "ping").
METHODS = frozenset({
    "ping", "add_articles", "start_run", "finish_run", "add_rejections", "articles",
    "get_article", "article_versions", "stories", "stats", "schema_version",
    "add_coded", "events", "event", "mentions", "quotes", "places", "article_ids",
    "dyad_daily", "actor_daily", "trend_state", "changed_dyads", "save_alerts", "alerts",
    "mark_alert", "trend_events", "event_sources", "compact",
    "events_page", "search_status", "rebuild_search_index", "dyad_ranking", "save_dyad_ranking",
    "daily_status", "refresh_daily", "dyad_days", "actor_days",
})

_RECORDS: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        model.RawDocument, model.Rejection, model.Article, model.Sentence, model.Actor,
        model.Magnitude, model.Place, model.Quote, model.Mention, model.Event, model.Coded,
        model.Alert, model.IngestReport, AddOutcome, CodedOutcome, StoryRow,
    )
}
_ENUMS: dict[str, type[Enum]] = {cls.__name__: cls for cls in (model.DocKind,
                                                                 model.PublishedStatus)}


class WireError(ValueError):
    """A request or response that does not follow the codec."""


def encode(value: Any) -> Any:
    """A JSON-ready form of ``value`` (raises ``WireError`` for unsupported types)."""
    if isinstance(value, Enum):
        name = type(value).__name__
        if name not in _ENUMS:
            raise WireError(f"enum {name} cannot be sent to the store owner")
        return {"$": "enum", "t": name, "v": value.value}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise WireError("only dictionaries with string keys can be sent to the store owner")
        return {"$": "dict", "v": {k: encode(v) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if _RECORDS.get(name) is not type(value):
            raise WireError(f"record type {name} cannot be sent to the store owner")
        return {"$": "rec", "t": name,
                "v": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise WireError(f"a value of type {type(value).__name__} cannot be sent to the store owner")


def decode(obj: Any) -> Any:
    """The value ``encode`` produced ``obj`` from (raises ``WireError`` when malformed)."""
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    if isinstance(obj, list):
        return [decode(v) for v in obj]
    if not isinstance(obj, dict) or "$" not in obj:
        raise WireError("untagged object in a store message")
    tag = obj.get("$")
    val: Any = obj.get("v")
    try:
        if tag == "bytes":
            return base64.b64decode(val, validate=True)
        if tag == "datetime":
            return datetime.fromisoformat(val)
        if tag == "date":
            return date.fromisoformat(val)
        if tag == "tuple":
            return tuple(decode(v) for v in val)
        if tag == "dict":
            return {str(k): decode(v) for k, v in val.items()}
        if tag == "enum":
            return _ENUMS[obj["t"]](val)
        if tag == "rec":
            cls = _RECORDS[obj["t"]]
            return cls(**{str(k): decode(v) for k, v in val.items()})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise WireError(f"malformed {tag!r} value in a store message ({exc})") from exc
    raise WireError(f"unknown tag {tag!r} in a store message")


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def request(method: str, kwargs: dict[str, Any]) -> bytes:
    """The body of a call of ``method`` with keyword arguments ``kwargs``."""
    return dumps({"method": method, "kwargs": {k: encode(v) for k, v in kwargs.items()}})


def parse_request(body: bytes) -> tuple[str, dict[str, Any]]:
    """Method name and decoded keyword arguments of a request body (whitelisted methods only)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"request is not JSON ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("kwargs"), dict):
        raise WireError("request must be an object with 'method' and 'kwargs'")
    method = data.get("method")
    if method not in METHODS:
        raise WireError(f"method {method!r} cannot be called on the store owner")
    return str(method), {str(k): decode(v) for k, v in data["kwargs"].items()}


def result(value: Any) -> bytes:
    return dumps({"result": encode(value)})


def error(exc: FlashpointError) -> bytes:
    extra = {k: getattr(exc, k) for k in ("reason", "path", "entry", "field")
             if isinstance(getattr(exc, k, None), str)}
    return dumps({"error": {"type": type(exc).__name__, "what": exc.what, "fix": exc.fix,
                            "subject": exc.subject, "extra": extra}})


def parse_response(body: bytes) -> Any:
    """The decoded result of a response body; an error response is raised as its class."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WireError(f"response is not JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise WireError("response must be an object")
    if "error" in data:
        raise rebuild_error(data["error"])
    if "result" not in data:
        raise WireError("response has neither 'result' nor 'error'")
    return decode(data["result"])


def rebuild_error(info: Any) -> FlashpointError:
    """The ``FlashpointError`` subclass an error response describes (``StoreError`` if unknown)."""
    if not isinstance(info, dict):
        return StoreError("the store owner sent a malformed error", "retry the command")
    cls = getattr(errors, str(info.get("type")), None)
    if not (isinstance(cls, type) and issubclass(cls, FlashpointError)):
        cls = StoreError
    exc = cls.__new__(cls)
    subject = info.get("subject")
    FlashpointError.__init__(exc, str(info.get("what", "")), str(info.get("fix") or ""),
                             subject=str(subject) if subject is not None else None)
    extra = info.get("extra")
    for key in ("reason", "path", "entry", "field"):  # InputError / DataFileError attributes
        setattr(exc, key, extra.get(key) if isinstance(extra, dict) else None)
    return exc
