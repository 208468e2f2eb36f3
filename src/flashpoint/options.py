"""One frozen options object instead of globals.

Precedence: defaults < ``flashpoint.toml`` (``[flashpoint]`` table, or top level) < environment
variables ``FLASHPOINT_<FIELD>`` < explicit overrides (command-line flags, keyword arguments).
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError

MiB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Options:
    """Every tunable of the pipeline. Create with ``Options.load()`` or ``Options(...)``."""

    # store
    db: str = "flashpoint.duckdb"
    # ingest limits
    max_file_bytes: int = 50 * MiB  # larger inputs are rejected ("too-large")
    max_decompressed_bytes: int = 200 * MiB  # cap for gzip members / WARC payloads (gzip bombs)
    max_download_bytes: int = 20 * MiB
    max_warc_bytes: int = 4096 * MiB  # largest WARC file a batch run downloads (http/https)
    http_timeout: float = 15.0
    allow_private_addresses: bool = False  # fetch from loopback/private/link-local hosts
    user_agent: str = "flashpoint/0.1 (+https://github.com/flashpoint-events)"
    # cleaning
    min_text_chars: int = 200  # shorter clean text is rejected ("too-short")
    languages: tuple[str, ...] = ("en",)  # others are stored but not coded
    # dedup
    near_duplicate_threshold: float = 0.7  # MinHash Jaccard estimate for "same story"
    minhash_perm: int = 64
    shingle_words: int = 4
    dedup_window_days: int = 30  # only articles this recent are candidates for near-duplicates
    # processing
    workers: int = 0  # 0 = number of CPU cores
    batch_size: int = 200  # articles per store transaction
    code: bool = True  # code events during ingest
    enrich: bool = True  # event locations, place mentions, quotes and tone with the coding
    # coder
    user_dictionary: str | None = None  # extra actor dictionary file (TOML/CSV)
    # serving
    host: str = "127.0.0.1"
    port: int = 8000
    api_token: str | None = None  # enables POST /api/articles when set
    assets: str | None = None  # folder holding npm's world-atlas (default: build/web/node_modules)

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def load(
        cls,
        config: str | os.PathLike[str] | None = None,
        env: dict[str, str] | None = None,
        **overrides: Any,
    ) -> Options:
        """Defaults < config file < environment < ``overrides`` (``None`` values are ignored)."""
        values: dict[str, Any] = {}
        path = Path(config) if config is not None else Path("flashpoint.toml")
        if config is not None and not path.is_file():
            raise ConfigError("configuration file not found", "check the path", subject=str(path))
        if path.is_file():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(
                    f"not valid TOML ({exc})", "fix the syntax", subject=str(path)
                ) from exc
            table = data.get("flashpoint", data)
            if not isinstance(table, dict):
                raise ConfigError("[flashpoint] must be a table", subject=str(path))
            values.update(_check_keys(table, str(path)))
        environ = os.environ if env is None else env
        for name in cls.field_names():
            key = "FLASHPOINT_" + name.upper()
            if key in environ:
                values[name] = environ[key]
        values.update({k: v for k, v in _check_keys(overrides, "arguments").items()
                       if v is not None})
        return cls().replace(**values)

    def replace(self, **changes: Any) -> Options:
        """A copy with ``changes`` applied, each converted to the field's type and checked."""
        converted = {}
        by_name = {f.name: f for f in fields(self)}
        for name, value in changes.items():
            if name not in by_name:
                raise ConfigError(
                    f"unknown option {name!r}",
                    "valid options: " + ", ".join(sorted(by_name)),
                )
            default = getattr(self, name)
            converted[name] = _coerce(name, value, default)
        new = dataclasses.replace(self, **converted)
        new.validate()
        return new

    def validate(self) -> None:
        if not 0.0 < self.near_duplicate_threshold <= 1.0:
            raise ConfigError(
                "near_duplicate_threshold must be in (0, 1]", subject="near_duplicate_threshold"
            )
        for name in ("max_file_bytes", "max_decompressed_bytes", "max_download_bytes",
                     "max_warc_bytes", "minhash_perm", "shingle_words", "batch_size"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive", subject=name)
        if self.workers < 0:
            raise ConfigError("workers must be 0 (all cores) or more", subject="workers")

    @property
    def effective_workers(self) -> int:
        return self.workers or (os.cpu_count() or 1)


def _check_keys(table: dict[str, Any], where: str) -> dict[str, Any]:
    valid = set(Options.field_names())
    unknown = sorted(set(table) - valid)
    if unknown:
        raise ConfigError(
            f"unknown option(s) {', '.join(unknown)}",
            "valid options: " + ", ".join(sorted(valid)),
            subject=where,
        )
    return dict(table)


def _coerce(name: str, value: Any, default: Any) -> Any:
    try:
        if isinstance(default, bool):
            if isinstance(value, str):
                low = value.strip().lower()
                if low in {"1", "true", "yes", "on"}:
                    return True
                if low in {"0", "false", "no", "off"}:
                    return False
                raise ValueError(value)
            return bool(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, float):
            return float(value)
        if isinstance(default, tuple):
            if isinstance(value, str):
                return tuple(v.strip() for v in value.split(",") if v.strip())
            return tuple(value)
        if value is None or isinstance(value, str):
            return value
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"invalid value {value!r} for option {name!r}",
            f"give a value like {default!r}",
            subject=name,
        ) from exc
