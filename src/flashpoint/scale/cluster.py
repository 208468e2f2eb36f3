"""Events from the mentions of a batch run: the store's clustering, applied per group.

Event clustering is the store's (``flashpoint.store.events.cluster``, rules at its top): a group
is (source key, target key, CAMEO root); inside a group, greedy date windows, split by location
country; undated mentions cluster per story.  Groups are independent, so a runner may cluster
them anywhere once every member of a group sits in one place: the local runner clusters all
members at once, Spark hash-partitions the members by group key, sorts each partition by it and
streams group after group through ``cluster_batches`` (``mapInArrow``).  Both call the same pure
function, so both give the same events, with the same deterministic ``event_id``.

``MEMBER_SCHEMA`` is the shuffle format: one row per non-negated mention with the fields of
``flashpoint.store.events.Member`` (its article's publication time, outlet and story included).
It is internal to a run and never written as output.

A mention seen twice (the same page in two WARC files: same article id and text, so the same
mention id) counts once: ``dedupe`` keeps one copy per mention id, chosen without regard to
input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

from ..errors import InputError
from ..model import Article, Event, Mention, actor_key
from ..store.events import GroupKey, Member, cluster
from ..store.rows import PLACE_T, place_from, place_row

_TS = pa.timestamp("us")

MEMBER_SCHEMA: pa.Schema = pa.schema([
    ("mention_id", pa.string()), ("article_id", pa.string()), ("source_key", pa.string()),
    ("target_key", pa.string()), ("cameo_root", pa.string()), ("cameo", pa.string()),
    ("quad_class", pa.int32()), ("goldstein", pa.float64()), ("plover", pa.string()),
    ("event_date", pa.date32()), ("date_precision", pa.string()),
    ("source_code", pa.string()), ("source_country", pa.string()),
    ("target_code", pa.string()), ("target_country", pa.string()), ("location", PLACE_T),
    ("tone", pa.float64()), ("confidence", pa.float64()), ("background", pa.bool_()),
    ("sentence", pa.string()), ("published", _TS), ("seen", _TS), ("outlet", pa.string()),
    ("story_id", pa.string()),
])

GROUP_COLUMNS = ("source_key", "target_key", "cameo_root")


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def members_of(article: Article, mentions: Iterable[Mention], as_of: datetime) -> list[Member]:
    """The clustering members of an article's non-negated mentions.

    ``as_of`` stands in for the first-seen time when the article has no publication time.
    """
    published = _naive_utc(article.published)
    seen = published or _naive_utc(as_of) or datetime(1970, 1, 1)
    out: list[Member] = []
    for m in mentions:
        if m.negated:
            continue
        out.append(Member(
            mention_id=m.mention_id, article_id=m.article_id,
            source_key=actor_key(m.source) or "", target_key=actor_key(m.target),
            cameo_root=m.cameo_root, cameo=m.cameo, quad_class=m.quad_class,
            goldstein=m.goldstein, plover=m.plover,
            event_date=date.fromisoformat(m.event_date) if m.event_date else None,
            date_precision=m.date_precision, source_code=m.source.code,
            source_country=m.source.country,
            target_code=m.target.code if m.target is not None else None,
            target_country=m.target.country if m.target is not None else None,
            location=m.location, tone=m.tone, confidence=m.confidence,
            background=m.background, sentence=m.sentence, published=published, seen=seen,
            outlet=article.source or "", story_id=article.story_id or article.article_id,
        ))
    return out


def _member_row(m: Member) -> dict[str, Any]:
    return {
        "mention_id": m.mention_id, "article_id": m.article_id, "source_key": m.source_key,
        "target_key": m.target_key, "cameo_root": m.cameo_root, "cameo": m.cameo,
        "quad_class": m.quad_class, "goldstein": m.goldstein, "plover": m.plover,
        "event_date": m.event_date, "date_precision": m.date_precision,
        "source_code": m.source_code, "source_country": m.source_country,
        "target_code": m.target_code, "target_country": m.target_country,
        "location": place_row(m.location), "tone": m.tone, "confidence": m.confidence,
        "background": m.background, "sentence": m.sentence, "published": m.published,
        "seen": m.seen, "outlet": m.outlet, "story_id": m.story_id,
    }


def members_table(members: Iterable[Member]) -> pa.Table:
    return pa.Table.from_pylist([_member_row(m) for m in members], schema=MEMBER_SCHEMA)


def _member(row: dict[str, Any]) -> Member:
    return Member(
        mention_id=row["mention_id"], article_id=row["article_id"],
        source_key=row["source_key"] or "", target_key=row["target_key"],
        cameo_root=row["cameo_root"], cameo=row["cameo"], quad_class=int(row["quad_class"]),
        goldstein=float(row["goldstein"]), plover=row["plover"],
        event_date=row["event_date"], date_precision=row["date_precision"],
        source_code=row["source_code"], source_country=row["source_country"],
        target_code=row["target_code"], target_country=row["target_country"],
        location=place_from(row["location"]), tone=row["tone"],
        confidence=float(row["confidence"]), background=bool(row["background"]),
        sentence=row["sentence"] or "", published=_naive_utc(row["published"]),
        seen=_naive_utc(row["seen"]) or datetime(1970, 1, 1), outlet=row["outlet"] or "",
        story_id=row["story_id"],
    )


def members_from(data: pa.Table | pa.RecordBatch) -> list[Member]:
    """The members of a table or batch with (at least) the columns of ``MEMBER_SCHEMA``."""
    return [_member(r) for r in data.select(MEMBER_SCHEMA.names).to_pylist()]


def _copy_rank(m: Member) -> tuple[Any, ...]:
    return (m.published is None, m.published or datetime.min, m.outlet, m.article_id,
            m.story_id, repr(m))


def dedupe(members: Iterable[Member]) -> list[Member]:
    """One member per mention id (the earliest published copy; ties broken on content)."""
    best: dict[str, Member] = {}
    for m in members:
        have = best.get(m.mention_id)
        if have is None or _copy_rank(m) < _copy_rank(have):
            best[m.mention_id] = m
    return [best[k] for k in sorted(best)]


def cluster_members(members: Iterable[Member]) -> list[Event]:
    """The events of a set of members (every member of each group it touches), by event id."""
    return [event for event, _ in cluster(dedupe(members))]


def cluster_batches(
    batches: Iterable[pa.RecordBatch], schema: pa.Schema | None = None
) -> Iterator[pa.RecordBatch]:
    """Events of member batches sorted by group key (``mapInArrow`` after a hash partition by
    ``GROUP_COLUMNS`` and ``sortWithinPartitions``): one group at a time, so memory holds one
    group.  Output batches have the events table schema (or ``schema``, cast)."""
    from ..export.arrow import events_table

    done: set[GroupKey] = set()
    current: GroupKey | None = None
    group: list[Member] = []

    def flush() -> Iterator[pa.RecordBatch]:
        if not group:
            return
        table = events_table(cluster_members(group))
        if schema is not None:
            table = table.cast(schema)
        yield from table.to_batches()

    for batch in batches:
        for m in members_from(batch):
            if m.group != current:
                yield from flush()
                if current is not None:
                    done.add(current)
                if m.group in done:
                    raise InputError(
                        f"member batches are not sorted by group: {m.group} seen again",
                        "sort each partition by source_key, target_key, cameo_root",
                        subject="cluster_batches")
                current, group = m.group, []
            group.append(m)
    yield from flush()


def event_keys(events: Sequence[Event]) -> list[tuple[Any, ...]]:
    """What two runs must agree on for each event (used by tests and the bench)."""
    return sorted((e.event_id, e.source_key, e.target_key, e.cameo_root, e.cameo,
                   e.event_date, e.num_mentions, e.num_articles, tuple(sorted(e.mention_ids)))
                  for e in events)
