"""Reading what an export needs from the store: events (paged), their mentions and articles.

Everything goes through the ``Store`` interface, so an export works while another process owns
the store.  Events are read in pages of ``PAGE`` (the store's largest page) in the store's order
(newest event date first, then id).  The GDELT and PLOVER formats also need the members of each
event (actor names and roles, magnitude, mode, char offsets) and the articles that report them
(URL, outlet, publication time, tone, text length): for a few events they are read per event /
per article, for many in one pass over all mentions / articles keeping only the needed ones
(whichever is cheaper, from the store's counts).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import MappingProxyType

from ..errors import NotFoundError
from ..model import Article, Event, Mention
from ..store import Store

PAGE = 10_000
# One query per event costs about as much as reading this many mentions in a full pass
# (measured on the sample store: ~30 ms vs ~0.17 ms per mention); one query per article about
# as much as this many articles.  Whichever is cheaper is used.
MENTIONS_PER_EVENT_QUERY = 200
ARTICLES_PER_ARTICLE_QUERY = 15
LEAD_CHARS = 4000


@dataclass(frozen=True, slots=True)
class EventFilter:
    """The filters of ``flashpoint events`` (see ``Store.events``); ``None`` = no filter.

    ``since`` is inclusive and ``until`` exclusive on the event date; events of unknown date
    are left out by either.
    """

    dyad: tuple[str, str | None] | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None
    cameo: str | None = None
    plover: str | None = None
    quad: int | None = None
    story: str | None = None
    text: str | None = None

    def describe(self) -> str:
        """The filters as text, for the codebook ("none" when there are none)."""
        parts = []
        if self.dyad is not None:
            parts.append(f"dyad {self.dyad[0]}:{self.dyad[1] or ''}")
        for name in ("actor", "since", "until", "cameo", "plover", "quad", "story", "text"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name} {value}")
        return ", ".join(parts) if parts else "none"


def iter_events(store: Store, filters: EventFilter | None = None) -> Iterator[Event]:
    """Every event matching ``filters``, page by page, in the store's order."""
    f = filters or EventFilter()
    offset = 0
    while True:
        page = store.events(dyad=f.dyad, actor=f.actor, since=f.since, until=f.until,
                            cameo=f.cameo, plover=f.plover, quad=f.quad, story=f.story,
                            text=f.text, limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What the exports use of an article (its text only when char offsets are needed)."""

    article_id: str
    url: str | None
    source: str | None
    title: str
    published: datetime | None  # aware UTC
    text_len: int
    tone: float | None
    lead: str  # the lead (first) paragraph, at most LEAD_CHARS characters
    text: str | None = None


def article_info(article: Article, keep_text: bool = False) -> ArticleInfo:
    text = article.text
    lead = next((p for p in text.split("\n\n", 3) if p.strip()), "")[:LEAD_CHARS]
    published = article.published
    if published is not None:
        published = (published.replace(tzinfo=UTC) if published.tzinfo is None
                     else published.astimezone(UTC))
    return ArticleInfo(article.article_id, article.url, article.source, article.title,
                       published, len(text), article.tone, lead,
                       text if keep_text else None)


@dataclass(frozen=True, slots=True)
class EventContext:
    """The members of a set of events and the articles reporting them."""

    mentions: Mapping[str, Mention]
    articles: Mapping[str, ArticleInfo]

    def members(self, event: Event) -> list[Mention]:
        """The event's mentions that were found, earliest published article first."""
        found = [self.mentions[m] for m in event.mention_ids if m in self.mentions]
        return sorted(found, key=lambda m: (self._published_key(m.article_id),
                                            m.article_id, m.sentence_index, m.mention_id))

    def _published_key(self, article_id: str) -> str:
        info = self.articles.get(article_id)
        if info is None or info.published is None:
            return "~"  # unknown times sort last
        return info.published.isoformat()

    def representative(self, event: Event) -> Mention | None:
        """The member the store took the event's codes and evidence from: the most confident
        one with the event's codes (and sentence), earliest published article, lowest id."""
        members = self.members(event)
        if not members:
            return None

        def codes_match(m: Mention) -> bool:
            target = m.target.code if m.target is not None else None
            return m.source.code == event.source_code and target == event.target_code

        for pool in ([m for m in members if codes_match(m) and m.sentence == event.evidence],
                     [m for m in members if codes_match(m)], members):
            if pool:
                order = {m.mention_id: i for i, m in enumerate(members)}
                return min(pool, key=lambda m: (-m.confidence, order[m.mention_id]))
        return None

    def first_report(self, event: Event) -> tuple[Mention, ArticleInfo] | None:
        """The member from the earliest published article, with that article."""
        for m in self.members(event):
            info = self.articles.get(m.article_id)
            if info is not None:
                return m, info
        return None


def load_context(store: Store, events: Sequence[Event], *, keep_text: bool = False
                 ) -> EventContext:
    """The mentions of ``events`` and the articles reporting them (see the module docstring).

    ``keep_text`` keeps article texts (for char offsets in the GDELT mentions table)."""
    wanted = {m for e in events for m in e.mention_ids}
    mentions: dict[str, Mention] = {}
    if not events:
        return EventContext(MappingProxyType({}), MappingProxyType({}))
    stats = store.stats()
    if len(events) * MENTIONS_PER_EVENT_QUERY < int(stats.get("mentions", 0)):
        for e in events:
            try:
                found = store.mentions(event_id=e.event_id, limit=PAGE)
            except NotFoundError:  # removed by a re-cluster since we read it
                continue
            mentions.update((m.mention_id, m) for m in found if m.mention_id in wanted)
    else:
        for m in _all_mentions(store):
            if m.mention_id in wanted:
                mentions[m.mention_id] = m
    needed = {m.article_id for m in mentions.values()}
    articles: dict[str, ArticleInfo] = {}
    if len(needed) * ARTICLES_PER_ARTICLE_QUERY < int(stats.get("articles", 0)):
        for article_id in sorted(needed):
            try:
                articles[article_id] = article_info(store.get_article(article_id), keep_text)
            except NotFoundError:
                continue
    else:
        for a in _all_articles(store):
            if a.article_id in needed:
                articles[a.article_id] = article_info(a, keep_text)
    return EventContext(MappingProxyType(mentions), MappingProxyType(articles))


def _all_mentions(store: Store) -> Iterable[Mention]:
    offset = 0
    while True:
        page = store.mentions(limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def _all_articles(store: Store) -> Iterable[Article]:
    offset = 0
    while True:
        page = store.articles(limit=PAGE, offset=offset)
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def utc_stamp(value: datetime | None) -> str:
    """``YYYYMMDDHHMMSS`` in UTC (naive = UTC), or "" for ``None``."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y%m%d%H%M%S")
