"""Watch lists: which alerts ``flashpoint watch`` reports, and how an alert is written out.

A watch list is a TOML file (or JSON with the same keys)::

    min_score = 2.0                  # alerts below this peak score are not reported
    dyads = ["SRB:KSV", "RUS:*"]     # directed dyads SOURCE:TARGET; * matches any side
    actors = ["KSVUAF"]              # actor keys on either side (as in `flashpoint dyads`)
    countries = ["SRB"]              # ISO alpha-3: an actor key of that country on either side
    directions = ["escalation"]      # optional: escalation, de-escalation
    channels = ["material"]          # optional: material, verbal

An alert passes when its score is at least ``min_score``, its direction and channel are allowed,
and — when any of ``dyads``, ``actors``, ``countries`` is given — it matches at least one of them.
An empty watch list (``WatchList()``) passes every alert.  Every field is optional; unknown keys
are errors (a typo must not silently widen or narrow what is watched).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataFileError
from ..model import Alert
from ..output import as_dict

_KEYS = ("min_score", "dyads", "actors", "countries", "directions", "channels")
_DIRECTIONS = ("escalation", "de-escalation")
_CHANNELS = ("material", "verbal")
EVIDENCE_CHARS = 120


@dataclass(frozen=True, slots=True)
class WatchList:
    """What to report; see the module docstring."""

    min_score: float = 0.0
    dyads: tuple[tuple[str, str], ...] = ()
    actors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    directions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    def matches(self, alert: Alert) -> bool:
        """True when ``alert`` should be reported."""
        if alert.score < self.min_score:
            return False
        if self.directions and alert.direction not in self.directions:
            return False
        if self.channels and alert.channel not in self.channels:
            return False
        if not (self.dyads or self.actors or self.countries):
            return True
        src, tgt = alert.source.upper(), alert.target.upper()
        if any(s in ("*", src) and t in ("*", tgt) for s, t in self.dyads):
            return True
        if src in self.actors or tgt in self.actors:
            return True
        return src[:3] in self.countries or tgt[:3] in self.countries


def load_watchlist(path: str | Path) -> WatchList:
    """Read and validate a watch list file (``.toml``, or ``.json``); raises ``DataFileError``."""
    where = str(path)
    file = Path(path)
    try:
        raw = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(where, f"cannot read the watch list ({exc})",
                            "check the path and that the file is UTF-8 text") from exc
    try:
        data: Any = json.loads(raw) if file.suffix.lower() == ".json" else tomllib.loads(raw)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(where, f"not valid {file.suffix.lstrip('.').upper() or 'TOML'} "
                            f"({exc})", "fix the syntax") from exc
    if not isinstance(data, dict):
        raise DataFileError(where, "the watch list must be a table of keys",
                            "write keys such as min_score = 2.0 and dyads = [\"SRB:KSV\"]")
    return parse_watchlist(data, where)


def parse_watchlist(data: dict[str, Any], where: str = "watch list") -> WatchList:
    """A ``WatchList`` from already parsed keys; ``where`` names the source in errors."""
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise DataFileError(where, f"unknown key(s) {', '.join(unknown)}",
                            "valid keys: " + ", ".join(_KEYS))
    score = data.get("min_score", 0.0)
    if isinstance(score, bool) or not isinstance(score, int | float):
        raise DataFileError(where, f"min_score must be a number, not {score!r}",
                            "write e.g. min_score = 2.0", field="min_score")
    dyads = tuple(_dyad(d, where) for d in _strings(data, "dyads", where))
    directions = _strings(data, "directions", where)
    channels = _strings(data, "channels", where)
    for name, values, valid in (("directions", directions, _DIRECTIONS),
                                ("channels", channels, _CHANNELS)):
        for value in values:
            if value not in valid:
                raise DataFileError(where, f"unknown value {value!r}",
                                    "use one of " + ", ".join(valid), entry=value, field=name)
    countries = tuple(c.upper() for c in _strings(data, "countries", where))
    for code in countries:
        if len(code) != 3 or not code.isalpha():
            raise DataFileError(where, f"{code!r} is not an ISO alpha-3 country code",
                                "write three letters, e.g. SRB", entry=code, field="countries")
    return WatchList(min_score=float(score), dyads=dyads,
                     actors=tuple(a.upper() for a in _strings(data, "actors", where)),
                     countries=countries, directions=directions, channels=channels)


def _strings(data: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise DataFileError(where, f"{key} must be a list of non-empty strings",
                            f"write e.g. {key} = [\"...\"]", field=key)
    return tuple(v.strip() for v in value)


def _dyad(value: str, where: str) -> tuple[str, str]:
    src, sep, tgt = value.partition(":")
    if not sep or not src.strip() or not tgt.strip():
        raise DataFileError(where, f"bad dyad {value!r}",
                            "write SOURCE:TARGET, e.g. SRB:KSV (or SRB:* for any target)",
                            entry=value, field="dyads")
    return src.strip().upper(), tgt.strip().upper()


def alert_record(alert: Alert) -> dict[str, Any]:
    """An alert as one JSON-ready object (the alert log line and the webhook body)."""
    record: dict[str, Any] = as_dict(alert)
    record["dyad"] = f"{alert.source}:{alert.target}"
    return record


def alert_line(alert: Alert) -> str:
    """An alert as one human-readable line (what ``flashpoint watch`` prints)."""
    evidence = ""
    if alert.top_events:
        text = " ".join(str(alert.top_events[0].get("evidence") or "").split())
        if len(text) > EVIDENCE_CHARS:
            text = text[:EVIDENCE_CHARS - 1] + "…"
        evidence = f" — {text}" if text else ""
    single = " single-source" if alert.single_source else ""
    return (f"ALERT {alert.day} {alert.source}:{alert.target} {alert.direction} "
            f"{alert.channel} score={alert.score:g} rev={alert.revision} {alert.state} "
            f"sources={alert.num_sources}{single} id={alert.alert_id}{evidence}")
