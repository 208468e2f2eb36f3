"""``/api/articles``: read one article with its evidence and quote spans; ingest articles.

``GET /api/articles/{id}`` returns the clean text and, as character offsets into that text, the
evidence sentence (and trigger) of every mention and the span of every quote, so a reader can
highlight them without parsing anything (offsets are Python string indices, i.e. code points).

``POST /api/articles`` ingests one JSON article record or a list of them (the JSONL record of
``flashpoint ingest -``: ``text`` or ``html``, and optional ``id``, ``url``, ``title``,
``published``, ``source``) through ``flashpoint.pipeline.ingest`` into the server's store
(stored, deduplicated, coded, trends updated).  It is off unless ``api_token`` is configured,
and needs ``Authorization: Bearer <api_token>``; the token is checked before the body is read.
"""

from __future__ import annotations

import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError

from ..errors import InputError
from ..model import Article, Mention
from ..options import MiB, Options
from ..store import Store
from .deps import check_token, get_options, get_store, plain

MAX_POST_BYTES = 20 * MiB
MAX_RECORDS = 1000
FIELDS = ("id", "url", "title", "published", "source", "text", "html")

router = APIRouter()
StoreDep = Annotated[Store, Depends(get_store)]

_RECORD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {name: {"type": "string"} for name in FIELDS},
    "additionalProperties": False,
    "description": "One article: text or html, and optional id, url, title, published, source.",
}
_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "oneOf": [_RECORD_SCHEMA, {"type": "array", "items": _RECORD_SCHEMA,
                               "maxItems": MAX_RECORDS}]}}}}}


def _locate(text: str, mentions: list[Mention]) -> dict[int, tuple[int, int] | None]:
    """Character span of each mention's sentence in ``text``, by sentence index (searching
    forward in sentence order, so a repeated sentence gets its own occurrence)."""
    spans: dict[int, tuple[int, int] | None] = {}
    pos = 0
    for m in sorted(mentions, key=lambda m: m.sentence_index):
        if m.sentence_index in spans:
            continue
        at = text.find(m.sentence, pos) if m.sentence else -1
        if at < 0:
            at = text.find(m.sentence) if m.sentence else -1
        spans[m.sentence_index] = (at, at + len(m.sentence)) if at >= 0 else None
        if at >= 0:
            pos = at + len(m.sentence)
    return spans


def _events_of(store: Store, article: Article, mentions: list[Mention]) -> dict[str, str]:
    """mention id -> event id for the article's clustered mentions."""
    wanted = {m.mention_id for m in mentions}
    out: dict[str, str] = {}
    if not wanted or article.story_id is None:
        return out
    for ev in store.events(story=article.story_id, limit=10_000):
        for mid in ev.mention_ids:
            if mid in wanted:
                out[mid] = ev.event_id
    return out


@router.get("/articles/{article_id}")
def article(
    store: StoreDep,
    article_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> dict[str, Any]:
    """An article's clean text with evidence spans (one per mention) and quote spans."""
    art = store.get_article(article_id)
    mentions = store.mentions(article_id=article_id, limit=10_000)
    quotes = store.quotes(article_id=article_id, limit=10_000)
    spans = _locate(art.text, mentions)
    events = _events_of(store, art, mentions)
    evidence = []
    for m in mentions:
        span = spans.get(m.sentence_index)
        trigger = None
        if span is not None and m.trigger_span is not None:
            trigger = [span[0] + m.trigger_span[0], span[0] + m.trigger_span[1]]
        evidence.append({
            "mention_id": m.mention_id, "event_id": events.get(m.mention_id),
            "sentence_index": m.sentence_index,
            "start": span[0] if span else None, "end": span[1] if span else None,
            "trigger": trigger, "sentence": m.sentence, "cameo": m.cameo, "plover": m.plover,
            "quad_class": m.quad_class, "source": m.source.code,
            "target": m.target.code if m.target else None, "event_date": m.event_date,
            "negated": m.negated, "background": m.background})
    info = plain(art)
    return {
        "article": info,
        "evidence": evidence,
        "quotes": [{"quote_id": q.quote_id, "start": q.span[0], "end": q.span[1],
                    "text": q.text, "partial": q.partial, "speaker_text": q.speaker_text,
                    "speaker": plain(q.speaker), "mention_ids": list(q.mention_ids)}
                   for q in quotes],
        "places": [plain(p) for p in store.places(article_id)],
    }


async def _read_body(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise InputError(f"request body of {declared} bytes is too large",
                         f"send at most {cap} bytes per request", subject="body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise InputError("request body is too large",
                             f"send at most {cap} bytes per request", subject="body")
        chunks.append(chunk)
    return b"".join(chunks)


def _records(body: bytes) -> list[dict[str, str]]:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RequestValidationError([{"loc": ("body",), "msg": f"not JSON ({exc})",
                                       "type": "json_invalid"}]) from exc
    items = data if isinstance(data, list) else [data]
    problems: list[dict[str, Any]] = []
    if len(items) > MAX_RECORDS:
        problems.append({"loc": ("body",), "msg": f"at most {MAX_RECORDS} records",
                         "type": "too_long"})
    for n, item in enumerate(items[:MAX_RECORDS]):
        if not isinstance(item, dict):
            problems.append({"loc": ("body", n), "msg": "must be an object", "type": "type"})
            continue
        for key, value in item.items():
            if key not in FIELDS:
                problems.append({"loc": ("body", n, str(key)[:40]), "msg": "unknown field",
                                 "type": "extra_forbidden"})
            elif not isinstance(value, str):
                problems.append({"loc": ("body", n, key), "msg": "must be a string",
                                 "type": "string_type"})
    if problems or not items:
        raise RequestValidationError(problems or [{"loc": ("body",), "msg": "no records",
                                                   "type": "too_short"}])
    return items


def _ingest(store: Store, options: Options, records: list[dict[str, str]]) -> dict[str, Any]:
    from ..pipeline import ingest

    stdin = io.BytesIO(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n"
                                for r in records))
    report = ingest(["-"], store=store, options=options, stdin=stdin)
    return {"read": report.read, "new": report.new, "updated": report.updated,
            "duplicate": report.duplicate, "near_duplicate": report.near_duplicate,
            "rejected": [plain(r) for r in report.rejected], "run_id": report.run_id}


@router.post("/articles", dependencies=[Depends(check_token)], openapi_extra=_BODY)
async def post_articles(request: Request) -> dict[str, Any]:
    """Ingest article records (needs ``api_token``; see the module docstring)."""
    options = get_options(request)
    records = _records(await _read_body(request, min(MAX_POST_BYTES, options.max_file_bytes)))
    store = get_store(request)
    report = await run_in_threadpool(_ingest, store, options, records)
    ranker = request.app.state.ranker
    if ranker.background:
        ranker.kick(store)
    else:
        await run_in_threadpool(ranker.refresh, store)
    return {"report": report}
