"""The ``Store`` interface and the records only the store returns.

``LocalStore`` (the owner of the DuckDB file) and ``RemoteStore`` (a client of the owner) both
implement ``Store``; callers never need to know which one they hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from ..errors import InputError
from ..model import Alert, Article, Coded, Event, Mention, Place, Quote, Rejection

STATUSES = ("new", "updated", "duplicate", "near_duplicate")
MAX_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """What the store decided for one article of ``add_articles``.

    ``version`` is the stored version the input corresponds to (for a duplicate: the version
    holding that exact text); ``story_id`` the story it belongs to.
    """

    article_id: str
    status: str  # new | updated | duplicate | near_duplicate
    story_id: str
    version: int


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A story: articles that are copies or near-copies of one another."""

    story_id: str
    title: str
    first_published: datetime | None
    last_published: datetime | None
    num_articles: int
    num_sources: int
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CodedOutcome:
    """What one ``add_coded`` call changed: mentions written and deleted, and the events that
    appeared, disappeared or changed (members or representative values) by re-clustering.
    Storing the same coding twice gives an empty outcome the second time."""

    mentions_added: int = 0
    mentions_removed: int = 0
    events_added: tuple[str, ...] = ()
    events_removed: tuple[str, ...] = ()
    events_changed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.mentions_added or self.mentions_removed or self.events_added
                    or self.events_removed or self.events_changed)


@runtime_checkable
class Store(Protocol):
    """The store interface, identical for the owner and for its clients."""

    path: str

    @property
    def is_owner(self) -> bool: ...

    def add_articles(self, items: Sequence[tuple[Article, bytes]]) -> list[AddOutcome]: ...

    def start_run(self, kind: str, manifest: dict[str, Any]) -> str: ...

    def finish_run(self, run_id: str, counts: dict[str, Any]) -> None: ...

    def add_rejections(self, run_id: str, rejections: Sequence[Rejection]) -> None: ...

    def articles(
        self,
        *,
        story: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Article]: ...

    def get_article(
        self, article_id: str, *, version: int | None = None, with_raw: bool = False
    ) -> Article: ...

    def article_versions(self, article_id: str) -> list[Article]: ...

    def stories(
        self, *, since: datetime | None = None, limit: int = 100, offset: int = 0
    ) -> list[StoryRow]: ...

    def add_coded(self, coded: Sequence[Coded]) -> CodedOutcome: ...

    def events(
        self,
        *,
        dyad: tuple[str, str | None] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        cameo: str | None = None,
        plover: str | None = None,
        quad: int | None = None,
        story: str | None = None,
        text: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Event]: ...

    def event(self, event_id: str) -> Event: ...

    def mentions(
        self,
        *,
        event_id: str | None = None,
        article_id: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Mention]: ...

    def quotes(
        self,
        *,
        article_id: str | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Quote]: ...

    def places(self, article_id: str) -> list[Place]: ...

    def article_ids(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[str]: ...

    def stats(self) -> dict[str, Any]: ...

    # -- trends (issue 5; see flashpoint.store.trends) ---------------------------------------

    def dyad_daily(
        self,
        *,
        dyads: Sequence[tuple[str, str]] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]: ...

    def actor_daily(
        self, actors: Sequence[str], *, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]: ...

    def trend_state(self) -> dict[str, Any]: ...

    def changed_dyads(self, since: datetime | None = None) -> list[tuple[str, str]]: ...

    def save_alerts(
        self, alerts: Sequence[Alert], *, watermark: datetime | None = None
    ) -> list[Alert]: ...

    def alerts(
        self,
        *,
        dyad: tuple[str, str] | None = None,
        since: date | None = None,
        until: date | None = None,
        alert_id: str | None = None,
        revisions: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Alert]: ...

    def mark_alert(self, alert_id: str, mark: str) -> Alert: ...

    # -- HTTP API (issue 6; see flashpoint.store.search) ---------------------------------------

    def events_page(
        self,
        *,
        dyad: tuple[str, str | None] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        cameo: str | None = None,
        plover: str | None = None,
        quad: int | None = None,
        story: str | None = None,
        text: str | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        mode: str = "auto",
        after: tuple[str | None, str] | None = None,
        limit: int = 100,
    ) -> list[Event]: ...

    def search_status(self) -> dict[str, Any]: ...

    def rebuild_search_index(self, force: bool = False) -> dict[str, Any]: ...

    def dyad_ranking(self, *, actor: str | None = None, top: int = 20) -> dict[str, Any]: ...

    def save_dyad_ranking(
        self, rows: Sequence[dict[str, Any]], basis: datetime | None
    ) -> int: ...

    def daily_status(self) -> dict[str, Any]: ...

    def refresh_daily(self, basis: datetime | None) -> dict[str, Any]: ...

    def dyad_days(
        self,
        *,
        dyads: Sequence[tuple[str, str]] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]: ...

    def actor_days(
        self, actors: Sequence[str], *, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]: ...

    def trend_events(
        self, ranges: Sequence[tuple[str, str, date, date]]
    ) -> list[Event]: ...

    def event_sources(self, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]: ...

    def compact(self) -> dict[str, int]: ...

    def schema_version(self) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


def to_utc_naive(value: datetime | None) -> datetime | None:
    """A datetime as naive UTC, the form the store keeps (naive input is taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def from_utc_naive(value: datetime | None) -> datetime | None:
    """A stored naive-UTC datetime as a timezone-aware UTC datetime."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def check_page(limit: int, offset: int) -> None:
    """Reject a negative or huge page request with a message naming the argument."""
    if not 0 <= limit <= MAX_LIMIT:
        raise InputError(
            f"limit {limit} is out of range", f"give a limit between 0 and {MAX_LIMIT}",
            subject="limit",
        )
    if offset < 0:
        raise InputError(f"offset {offset} is negative", "give an offset of 0 or more",
                         subject="offset")
