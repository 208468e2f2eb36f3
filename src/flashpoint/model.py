"""Typed records that flow between pipeline stages.

Every stage is a plain function from some of these records to others.  All records are frozen
dataclasses: a stage never mutates its input, it returns new records (``dataclasses.replace``).

Levels:
- ``RawDocument``: bytes as they arrived, with hints from the container (feed item, WARC header,
  JSONL fields, command-line flags).
- ``Article``: clean text and metadata of one version of one article.
- ``Sentence``: a sentence of an article with its character offsets.
- ``Actor``: a resolved participant (country + role codes).
- ``Mention``: one report of an act in one sentence (what the coder returns).
- ``Event``: the act itself, clustered from mentions across articles (built by the store).
- ``Quote``, ``Place``: context attached to articles and mentions.
- ``Alert``: an escalation/de-escalation signal on a dyad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class DocKind(StrEnum):
    """How the bytes of a ``RawDocument`` are to be read."""

    TEXT = "text"  # plain text, possibly with page residue
    HTML = "html"  # an HTML page
    RECORD = "record"  # already structured (JSONL record): ``text`` or ``html`` given


class PublishedStatus(StrEnum):
    """Where an article's publication time came from."""

    GIVEN = "given"  # a structured field (JSONL ``published``, feed item date, WARC date hint)
    PARSED = "parsed"  # found in the page (JSON-LD, meta tags, visible date)
    OVERRIDE = "override"  # set by the user (``--published``)
    UNKNOWN = "unknown"  # not known: never invented


@dataclass(frozen=True, slots=True)
class RawDocument:
    """One document as received, before cleaning.

    ``origin`` names where it came from precisely enough for an error message: a file path, a URL,
    ``stdin:12`` (line 12 of standard input), ``archive.warc.gz#3`` (record 3).
    """

    data: bytes
    origin: str
    kind: DocKind
    url: str | None = None
    title: str | None = None
    published: str | None = None  # raw date text from the container, parsed by ``clean``
    source: str | None = None  # outlet / site name hint
    doc_id: str | None = None  # caller-supplied id (JSONL ``id``)
    encoding: str | None = None  # charset declared by the container (HTTP header, WARC)
    text: str | None = None  # for RECORD documents that give text directly
    html: str | None = None  # for RECORD documents that give html


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be turned into an article, and why (for the report)."""

    origin: str
    reason: str  # short machine-friendly reason: "empty", "binary", "too-large", "language" …
    detail: str = ""  # human sentence: what was wrong and the fix


@dataclass(frozen=True, slots=True)
class Article:
    """Clean text and metadata of one version of one article.

    ``article_id`` is stable across edits of the same page: it is derived from the canonical URL
    when there is one, else from the normalised text (see ``flashpoint.ids.article_id``).
    ``content_sha`` identifies this version's normalised text.
    """

    article_id: str
    content_sha: str
    title: str
    text: str
    origin: str
    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware, UTC
    published_offset_min: int | None = None  # the original UTC offset in minutes, if known
    published_status: PublishedStatus = PublishedStatus.UNKNOWN
    lang: str | None = None
    lang_score: float | None = None
    raw: bytes = b""
    raw_sha: str = ""
    story_id: str | None = None
    version: int = 1
    tone: float | None = None

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n\n") if p.strip()]


@dataclass(frozen=True, slots=True)
class Sentence:
    index: int
    start: int  # character offset in ``Article.text``
    end: int
    text: str
    paragraph: int = 0


@dataclass(frozen=True, slots=True)
class Actor:
    """A resolved participant. ``code`` is the CAMEO-style code (``SRBGOV``, ``IGOWSTNAT``)."""

    text: str
    code: str
    country: str | None = None  # ISO alpha-3 (KSV for Kosovo); None for IGOs
    role: str | None = None  # GOV, MIL, COP, REB, UAF … (``actor_type_codes``)
    state: bool = True  # state actor vs non-state
    ethnic: str | None = None
    group: str | None = None  # IGO or named group code (NAT, EUR, UNO …)
    name: str | None = None  # canonical person/organisation name when a named entity resolved
    span: tuple[int, int] | None = None  # character span in the sentence


@dataclass(frozen=True, slots=True)
class Magnitude:
    dead: int | None = None
    injured: int | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Place:
    """A place mention (or an event location)."""

    text: str
    place_name: str
    country: str | None  # ISO alpha-3
    lat: float | None
    lon: float | None
    geo_precision: str  # point | admin | country | none
    sentence_index: int | None = None
    span: tuple[int, int] | None = None  # character span in the article text
    geoname_id: int | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    quote_id: str
    article_id: str
    text: str
    span: tuple[int, int]  # character span of the quoted text in the article
    partial: bool
    speaker_text: str | None = None
    speaker: Actor | None = None
    sentence_indices: tuple[int, ...] = ()
    mention_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """One report of an act in one sentence: the coder's output unit."""

    mention_id: str
    article_id: str
    sentence_index: int
    sentence: str
    source: Actor
    target: Actor | None
    cameo: str
    cameo_root: str
    quad_class: int
    penta_class: int
    goldstein: float
    plover: str | None
    plover_mode: str | None
    event_date: str | None  # ISO date, None when unknown
    date_precision: str  # day | week | month | year | unknown
    background: bool
    trigger_span: tuple[int, int] | None
    magnitude: Magnitude = field(default_factory=Magnitude)
    location: Place | None = None
    quote_ids: tuple[str, ...] = ()
    tone: float | None = None
    confidence: float = 0.0
    rule: str = ""
    coder_version: str = ""
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Event:
    """An act clustered from its mentions across articles and sources."""

    event_id: str
    source_code: str
    target_code: str | None
    source_country: str | None
    target_country: str | None
    cameo: str
    cameo_root: str
    quad_class: int
    goldstein: float
    plover: str | None
    event_date: str | None
    date_precision: str
    num_mentions: int
    num_articles: int
    num_sources: int
    first_seen: datetime | None
    last_seen: datetime | None
    mention_ids: tuple[str, ...]
    location: Place | None = None
    tone: float | None = None
    source_key: str = ""  # the dyad key of the source (see ``actor_key``)
    target_key: str | None = None
    evidence: str = ""  # the sentence of the event's most confident mention
    confidence: float = 0.0  # the highest confidence among its mentions
    background: bool = False  # every mention of it is a recap (reported after the fact)


def actor_key(actor: Actor | None) -> str | None:
    """The key an actor is counted under in dyads and series.

    A state actor counts for its country (ISO alpha-3, KSV for Kosovo): SRBGOV and SRBMIL are
    both ``SRB``.  A non-state actor is its own series, under its code: the armed group
    ``KSVUAF`` is not ``KSV``, opposition ``SRBOPP`` is not ``SRB``.  Without a country: the
    group (``NAT`` for NATO, ``EEC`` for the EU, ``UNO`` for the UN …), else the code.
    """
    if actor is None:
        return None
    if actor.country and not actor.state and actor.code:
        return actor.code
    return actor.country or actor.group or actor.code or None


@dataclass(frozen=True, slots=True)
class Coded:
    """What ``code_article`` returns for one article."""

    article_id: str
    mentions: tuple[Mention, ...] = ()
    quotes: tuple[Quote, ...] = ()
    places: tuple[Place, ...] = ()
    tone: float | None = None
    skipped: str | None = None  # reason the article was not coded ("language", "empty" …)


@dataclass(frozen=True, slots=True)
class Alert:
    alert_id: str
    revision: int
    source: str
    target: str
    day: str
    direction: str  # escalation | de-escalation
    channel: str  # material | verbal
    score: float
    baseline: dict[str, Any]
    state: str  # new | ongoing | resolved
    num_sources: int
    single_source: bool
    top_events: tuple[dict[str, Any], ...]
    coder_version: str
    as_of: datetime
    mark: str | None = None  # false | confirmed


@dataclass(frozen=True, slots=True)
class IngestReport:
    """Summary of one ingest run (the CLI prints it as one line)."""

    read: int = 0
    new: int = 0
    updated: int = 0  # new versions of already-known articles
    duplicate: int = 0  # exact duplicates (same normalised text): not stored again
    near_duplicate: int = 0  # stored, and grouped into an existing story
    rejected: tuple[Rejection, ...] = ()
    run_id: str = ""

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self) -> str:
        text = (
            f"read {self.read}, new {self.new}, updated {self.updated}, "
            f"duplicate {self.duplicate}, near-duplicate {self.near_duplicate}, "
            f"rejected {len(self.rejected)}"
        )
        if self.rejected:
            reasons: dict[str, int] = {}
            for r in self.rejected:
                reasons[r.reason] = reasons.get(r.reason, 0) + 1
            text += " (" + ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())) + ")"
        return text
