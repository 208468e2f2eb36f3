"""``RemoteStore``: the ``Store`` interface forwarded to the owner process over loopback HTTP.

When the owner goes away (it exited or was killed) the next call re-opens the store: this process
either becomes the owner itself (calls then go to its own ``LocalStore``) or finds the new owner.
Every write is idempotent, so a call that was cut off is simply sent again.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self

import httpx

from ..errors import InputError, StoreError
from ..model import Alert, Article, Coded, Event, Mention, Place, Quote, Rejection
from ..options import MiB, Options
from . import wire
from .base import AddOutcome, CodedOutcome, Store, StoryRow
from .owner import OwnerInfo, request_cap

CHUNK_BYTES = 32 * MiB  # add_articles requests are split to stay around this size
_ATTEMPTS = 4


class RemoteStore:
    """A client of the process that owns the store file (see ``open_store``)."""

    def __init__(
        self, path: str, options: Options, info: OwnerInfo, reopen: Callable[[], Store]
    ) -> None:
        self.path = path
        self.options = options
        self._reopen = reopen
        self._info = info
        self._client = self._new_client(info)
        self._delegate: Store | None = None
        self._generation = 0
        self._reconnect_lock = threading.Lock()
        self._closed = False

    @staticmethod
    def _new_client(info: OwnerInfo) -> httpx.Client:
        return httpx.Client(
            base_url=f"http://127.0.0.1:{info.port}",
            headers={"Authorization": f"Bearer {info.token}",
                     "Content-Type": "application/json"},
            timeout=httpx.Timeout(600.0, connect=5.0),
            trust_env=False,  # never send loopback calls through a proxy
        )

    @property
    def is_owner(self) -> bool:
        return self._delegate.is_owner if self._delegate is not None else False

    @property
    def owner_pid(self) -> int | None:
        """The owner's process id (None once this process took over ownership)."""
        return self._info.pid if self._delegate is None else None

    # -- transport --------------------------------------------------------------------------

    def _reconnect(self, generation: int) -> None:
        with self._reconnect_lock:
            if self._generation != generation or self._delegate is not None:
                return  # another thread already reconnected
            new = self._reopen()
            if isinstance(new, RemoteStore) and new._delegate is None:
                old, self._client, self._info = self._client, new._client, new._info
                old.close()
            else:
                self._delegate = new
            self._generation += 1

    def _invoke(self, method: str, kwargs: dict[str, Any], body: bytes | None = None) -> Any:
        if self._closed:
            raise StoreError("the store is closed", "open it again with open_store",
                             subject=self.path)
        for _ in range(_ATTEMPTS):
            delegate = self._delegate
            if delegate is not None:
                return getattr(delegate, method)(**kwargs)
            if body is None:
                body = _encode_request(method, kwargs)
            generation, client, pid = self._generation, self._client, self._info.pid
            try:
                resp = client.post("/rpc", content=body)
            except httpx.TimeoutException as exc:
                raise StoreError(
                    f"the store owner (process {pid}) did not answer {method} in time",
                    "retry later; if the owner is stuck, stop it and run the command again",
                    subject=self.path,
                ) from exc
            except (httpx.TransportError, RuntimeError):
                self._reconnect(generation)  # the owner went away (or was replaced)
                continue
            if resp.status_code == 403:  # another owner took the port: find the current one
                self._reconnect(generation)
                continue
            try:
                return wire.parse_response(resp.content)
            except wire.WireError as exc:
                raise StoreError(
                    f"unexpected answer from the store owner (HTTP {resp.status_code}): {exc}",
                    "make sure both processes run the same flashpoint version",
                    subject=self.path,
                ) from exc
        raise StoreError("the store owner kept going away", "run the command again",
                         subject=self.path)

    # -- writes -----------------------------------------------------------------------------

    def add_articles(self, items: Sequence[tuple[Article, bytes]]) -> list[AddOutcome]:
        """Forward the batch to the owner, in requests of about ``CHUNK_BYTES`` each."""
        cap = request_cap(self.options)
        outcomes: list[AddOutcome] = []
        chunk: list[tuple[Article, bytes]] = []
        parts: list[bytes] = []
        size = 0
        for n, item in enumerate(items):
            part = _encode_item(item, n)
            if len(part) > cap - 1024:
                raise InputError(
                    f"article {item[0].article_id} is too large to send to the store owner "
                    f"({len(part)} bytes)", "lower max_file_bytes or ingest it separately",
                    subject=item[0].origin,
                )
            if parts and size + len(part) > CHUNK_BYTES:
                outcomes.extend(self._send_items(chunk, parts))
                chunk, parts, size = [], [], 0
            chunk.append(item)
            parts.append(part)
            size += len(part) + 1
        if parts:
            outcomes.extend(self._send_items(chunk, parts))
        return outcomes

    def _send_items(
        self, chunk: list[tuple[Article, bytes]], parts: list[bytes]
    ) -> list[AddOutcome]:
        body = b'{"method":"add_articles","kwargs":{"items":[' + b",".join(parts) + b"]}}"
        result: list[AddOutcome] = self._invoke("add_articles", {"items": chunk}, body)
        return result

    def add_coded(self, coded: Sequence[Coded]) -> CodedOutcome:
        """Forward one batch to the owner in one request (one transaction there)."""
        if isinstance(coded, Coded) or not isinstance(coded, Sequence):
            raise InputError("add_coded takes a sequence of Coded records",
                             "pass a list of what code_article returns", subject="add_coded")
        items = list(coded)
        body = _encode_request("add_coded", {"coded": items})
        cap = request_cap(self.options)
        if len(body) > cap:
            raise InputError(
                f"{len(items)} codings are too large to send to the store owner in one call "
                f"({len(body)} bytes, at most {cap})", "call add_coded with fewer articles",
                subject="add_coded")
        result: CodedOutcome = self._invoke("add_coded", {"coded": items}, body)
        return result

    def start_run(self, kind: str, manifest: dict[str, Any], *, run_id: str | None = None) -> str:
        run_id = run_id or uuid.uuid4().hex[:16]  # chosen here so a resent call is idempotent
        result: str = self._invoke("start_run",
                                   {"kind": kind, "manifest": manifest, "run_id": run_id})
        return result

    def finish_run(self, run_id: str, counts: dict[str, Any]) -> None:
        self._invoke("finish_run", {"run_id": run_id, "counts": counts})

    def add_rejections(self, run_id: str, rejections: Sequence[Rejection]) -> None:
        self._invoke("add_rejections", {"run_id": run_id, "rejections": list(rejections)})

    # -- reads ------------------------------------------------------------------------------

    def articles(
        self,
        *,
        story: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Article]:
        result: list[Article] = self._invoke("articles", {
            "story": story, "since": since, "until": until, "limit": limit, "offset": offset})
        return result

    def get_article(
        self, article_id: str, *, version: int | None = None, with_raw: bool = False
    ) -> Article:
        result: Article = self._invoke("get_article", {
            "article_id": article_id, "version": version, "with_raw": with_raw})
        return result

    def article_versions(self, article_id: str) -> list[Article]:
        result: list[Article] = self._invoke("article_versions", {"article_id": article_id})
        return result

    def stories(
        self, *, since: datetime | None = None, limit: int = 100, offset: int = 0
    ) -> list[StoryRow]:
        result: list[StoryRow] = self._invoke(
            "stories", {"since": since, "limit": limit, "offset": offset})
        return result

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
    ) -> list[Event]:
        result: list[Event] = self._invoke("events", {
            "dyad": tuple(dyad) if isinstance(dyad, list) else dyad, "actor": actor,
            "since": since, "until": until, "cameo": cameo, "plover": plover, "quad": quad,
            "story": story, "text": text, "limit": limit, "offset": offset})
        return result

    def event(self, event_id: str) -> Event:
        result: Event = self._invoke("event", {"event_id": event_id})
        return result

    def mentions(
        self,
        *,
        event_id: str | None = None,
        article_id: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[Mention]:
        result: list[Mention] = self._invoke("mentions", {
            "event_id": event_id, "article_id": article_id, "limit": limit, "offset": offset})
        return result

    def quotes(
        self,
        *,
        article_id: str | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Quote]:
        result: list[Quote] = self._invoke("quotes", {
            "article_id": article_id, "actor": actor, "since": since, "until": until,
            "limit": limit, "offset": offset})
        return result

    def places(self, article_id: str) -> list[Place]:
        result: list[Place] = self._invoke("places", {"article_id": article_id})
        return result

    def article_ids(
        self, *, since: datetime | None = None, until: datetime | None = None
    ) -> list[str]:
        result: list[str] = self._invoke("article_ids", {"since": since, "until": until})
        return result

    def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = self._invoke("stats", {})
        return result

    def schema_version(self) -> int:
        return int(self._invoke("schema_version", {}))

    # -- trends -----------------------------------------------------------------------------

    def dyad_daily(
        self,
        *,
        dyads: Sequence[tuple[str, str]] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._invoke("dyad_daily", {
            "dyads": None if dyads is None else [tuple(d) for d in dyads], "actor": actor,
            "since": since, "until": until})
        return result

    def actor_daily(
        self, actors: Sequence[str], *, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._invoke("actor_daily", {
            "actors": list(actors), "since": since, "until": until})
        return result

    def trend_state(self) -> dict[str, Any]:
        result: dict[str, Any] = self._invoke("trend_state", {})
        return result

    def changed_dyads(self, since: datetime | None = None) -> list[tuple[str, str]]:
        result: list[tuple[str, str]] = self._invoke("changed_dyads", {"since": since})
        return [tuple(r) for r in result]  # type: ignore[misc]

    def save_alerts(
        self, alerts: Sequence[Alert], *, watermark: datetime | None = None
    ) -> list[Alert]:
        result: list[Alert] = self._invoke("save_alerts", {
            "alerts": list(alerts), "watermark": watermark})
        return result

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
    ) -> list[Alert]:
        result: list[Alert] = self._invoke("alerts", {
            "dyad": tuple(dyad) if dyad is not None else None, "since": since, "until": until,
            "alert_id": alert_id, "revisions": revisions, "limit": limit, "offset": offset})
        return result

    def mark_alert(self, alert_id: str, mark: str) -> Alert:
        result: Alert = self._invoke("mark_alert", {"alert_id": alert_id, "mark": mark})
        return result

    # -- HTTP API (issue 6) ------------------------------------------------------------------

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
    ) -> list[Event]:
        result: list[Event] = self._invoke("events_page", {
            "dyad": tuple(dyad) if dyad is not None else None, "actor": actor,
            "since": since, "until": until, "cameo": cameo, "plover": plover, "quad": quad,
            "story": story, "text": text, "bbox": tuple(bbox) if bbox is not None else None,
            "mode": mode, "after": tuple(after) if after is not None else None,
            "limit": limit})
        return result

    def search_status(self) -> dict[str, Any]:
        result: dict[str, Any] = self._invoke("search_status", {})
        return result

    def rebuild_search_index(self, force: bool = False) -> dict[str, Any]:
        result: dict[str, Any] = self._invoke("rebuild_search_index", {"force": force})
        return result

    def dyad_ranking(self, *, actor: str | None = None, top: int = 20) -> dict[str, Any]:
        result: dict[str, Any] = self._invoke("dyad_ranking", {"actor": actor, "top": top})
        return result

    def save_dyad_ranking(
        self, rows: Sequence[dict[str, Any]], basis: datetime | None
    ) -> int:
        return int(self._invoke("save_dyad_ranking", {"rows": list(rows), "basis": basis}))

    def daily_status(self) -> dict[str, Any]:
        result: dict[str, Any] = self._invoke("daily_status", {})
        return result

    def refresh_daily(self, basis: datetime | None) -> dict[str, Any]:
        result: dict[str, Any] = self._invoke("refresh_daily", {"basis": basis})
        return result

    def dyad_days(
        self,
        *,
        dyads: Sequence[tuple[str, str]] | None = None,
        actor: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._invoke("dyad_days", {
            "dyads": None if dyads is None else [tuple(d) for d in dyads], "actor": actor,
            "since": since, "until": until})
        return result

    def actor_days(
        self, actors: Sequence[str], *, since: date | None = None, until: date | None = None
    ) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = self._invoke("actor_days", {
            "actors": list(actors), "since": since, "until": until})
        return result

    def trend_events(self, ranges: Sequence[tuple[str, str, date, date]]) -> list[Event]:
        result: list[Event] = self._invoke("trend_events", {
            "ranges": [list(r) for r in ranges]})
        return result

    def event_sources(self, event_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        result: dict[str, list[dict[str, Any]]] = self._invoke("event_sources", {
            "event_ids": list(event_ids)})
        return result

    def compact(self) -> dict[str, int]:
        result: dict[str, int] = self._invoke("compact", {})
        return result

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._delegate is not None:
            self._delegate.close()
        self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        if self._delegate is not None:
            return f"RemoteStore({self.path!r}, now {self._delegate!r})"
        return f"RemoteStore({self.path!r}, owner pid {self._info.pid})"


def _encode_request(method: str, kwargs: dict[str, Any]) -> bytes:
    try:
        return wire.request(method, kwargs)
    except (wire.WireError, UnicodeEncodeError) as exc:
        raise InputError(f"cannot send {method} to the store owner ({exc})",
                         "pass the record types the Store interface documents",
                         subject=method) from exc


def _encode_item(item: tuple[Article, bytes], n: int) -> bytes:
    if not (isinstance(item, tuple | list) and len(item) == 2
            and isinstance(item[0], Article) and isinstance(item[1], bytes)):
        raise InputError(f"item {n} of add_articles is not (Article, signature bytes)",
                         "pass pairs of an Article and its dedup.signature",
                         subject="add_articles")
    try:
        return json.dumps(wire.encode(tuple(item)), ensure_ascii=False,
                          separators=(",", ":")).encode("utf-8")
    except (wire.WireError, UnicodeEncodeError) as exc:
        raise InputError(
            f"article {item[0].article_id} cannot be sent to the store owner ({exc})",
            "check the article's text is valid Unicode", subject=item[0].origin,
        ) from exc
