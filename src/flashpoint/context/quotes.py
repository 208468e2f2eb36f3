"""Quotations in an article: where they are, whether they are partial, who said them, and which
coded events they state.

Public API::

    find_quotes(text, article_id, sentences, dictionary, *, when=None) -> list[Quote]
    speaker_at(quotes, position) -> Actor | None
    link_quotes(quotes, mentions, sentences) -> (quotes, mentions)

Quote marks (one left-to-right pass over the marks, linear in the text)
- Double marks: “ ” (English), „ “ and „ ” (German, Polish …), « » and » « (guillemets), ‟ and
  straight ". A straight " opens when it is not glued to the end of a word and closes
  otherwise; a curly closer opens a quote only when it plainly stands before a word ("”So …",
  sloppy typing). “ closes a quote opened by „.
- Single marks (‘ ’ ‚ ‹ › and straight ') open a quote only at the top level, before a letter,
  not glued to a word, and when a closing single mark follows later in the same paragraph; a
  mark between two letters (Serbia’s, don't, O'Brien) is an apostrophe, never a quote mark. An
  unclosed single mark is ignored (it is an apostrophe: "the ’90s", "rock 'n' roll").
- Inside a double quotation every single mark belongs to the outer quote (nested quotes), and
  a second opener of the same kind nests until its own closer; inside a single quotation
  every double mark does.
- A double quotation that never closes ends at the end of its paragraph (paragraphs are
  separated by a blank line, as in ``Article.text``); the next paragraph starts afresh.
- At most ``MAX_MARKS`` marks are read (later ones are ignored), so a pathological input of
  megabytes of marks stays fast.

A quote is one contiguous quotation, however many sentences it holds. ``Quote.span`` is the
quoted words without the marks, white space and a trailing comma/semicolon/colon ("… Kosovo,”
Kirby stated" -> "… Kosovo"). Quotes with no letter or digit are dropped.

Full or partial
- A quotation is *partial* (a fragment inside reported speech) when words of its sentence come
  before it and do not end with ":", ",", ".", "!", "?" or a dash — "urging “immediate
  de-escalation …”", "what he called “Kurti's terror”" — or when it starts in lower case after
  a comma. Otherwise it is *full*: it starts its sentence or follows "said:" / "stating,".
  A quotation resumed after an interrupting attribution ("“…,” he said, “and …”") is full.
- A one-word fragment is a term, not a quotation ("an “unprecedented” mobilization"): dropped.

Speakers: see ``flashpoint.context.speakers``.

Links (``link_quotes``)
- A mention is linked to a quote when its trigger (``Mention.trigger_span``, relative to its
  sentence) lies inside the quoted words: Kirby's "We are calling on Serbia to withdraw …" states
  the USA→SRB demand.
- A partial quote is also linked to the mentions of its sentence whose source is the quote's
  speaker (the same actor code, or the same country): "Blinken …, urging “immediate
  de-escalation …”" is linked to Blinken's appeal coded on "urging".
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from ..actors import ActorDictionary
from ..ids import short_id
from ..model import Actor, Mention, Quote, Sentence
from .speakers import Span, attribute

MAX_MARKS = 20_000  # marks read per text; later ones are ignored (untrusted input)
MAX_TEXT_CHARS = 6_000_000  # longer texts are cut (untrusted input)

_MARK = re.compile("\n[ \t\r]*\n|[\"'\u201c\u201d\u201e\u201f\u00ab\u00bb"
                   "\u2018\u2019\u201a\u201b\u2039\u203a]")
_DOUBLE = frozenset('"\u201c\u201d\u201e\u201f\u00ab\u00bb')
_MARK_CHARS = frozenset("\"'\u201c\u201d\u201e\u201f\u00ab\u00bb"
                        "\u2018\u2019\u201a\u201b\u2039\u203a")
_SINGLE_OPENERS = frozenset("'\u2018\u201a\u201b\u2039")
# The marks that close a quotation opened by each mark.
_CLOSERS = {
    '"': '"\u201d\u201c', "\u201c": '\u201d"', "\u201e": '\u201c\u201d"', "\u201f": '\u201d"',
    "\u201d": '\u201d"', "\u00ab": "\u00bb", "\u00bb": "\u00ab",
    "'": "'\u2019", "\u2018": "\u2019", "\u201a": "\u2018\u2019", "\u201b": "\u2019",
    "\u2039": "\u203a",
}
_SINGLE_CLOSERS = frozenset("'\u2019\u2018\u203a")
_AFTER_WORD = frozenset(".,;:!?%)]}\u2026")  # a mark after these closes
_BEFORE_WORD = frozenset("([{/\u2014\u2013-")  # a mark after these opens
_WORD = re.compile(r"[^\W_]+")
_TRAILING = " \t\r\n,;:"


@dataclass(frozen=True, slots=True)
class RawQuote:
    """A quotation found in the text, before speakers are attributed."""

    open: int  # position of the opening mark
    close: int | None  # position of the closing mark; None when it never closes
    start: int  # the quoted words (trimmed)
    end: int
    after: int  # first position after the quotation (after its closing mark)
    paragraph: int  # 0-based paragraph index
    partial: bool = False
    resumed: bool = False  # resumes the previous quotation after "he said,"


def find_quotes(text: str, article_id: str, sentences: Sequence[Sentence],
                dictionary: ActorDictionary, *, when: date | None = None) -> list[Quote]:
    """Every quotation of ``text`` in order, each with its speaker (see the module docstring).

    ``sentences`` index into ``text`` (``flashpoint.nlp.split_sentences``); ``when`` is the
    article's date, which decides people's positions (Vucic in 2023 -> SRBGOV)."""
    text = text[:MAX_TEXT_CHARS]
    units = _units(text, sentences)
    raws = [q for q in _classify(text, scan_marks(text), units) if _keep(text, q)]
    masked = _masked(text, raws)
    speakers = attribute(text, masked, raws, units, dictionary, when)
    starts = [s.start for s in sentences]
    out: list[Quote] = []
    for raw, (speaker_text, speaker) in zip(raws, speakers, strict=True):
        first = max(0, bisect.bisect_right(starts, raw.start) - 1)
        last = bisect.bisect_left(starts, raw.end)
        indices = tuple(s.index for s in sentences[first:last]
                        if s.start < raw.end and raw.start < s.end)
        out.append(Quote(
            quote_id=short_id(article_id, raw.start, raw.end), article_id=article_id,
            text=text[raw.start:raw.end], span=(raw.start, raw.end), partial=raw.partial,
            speaker_text=speaker_text, speaker=speaker, sentence_indices=indices))
    return out


def speaker_at(quotes: Sequence[Quote], position: int) -> Actor | None:
    """The speaker of the quote whose quoted words cover character ``position`` of the text
    (None outside quotes, or when the speaker is unknown)."""
    ordered = sorted(quotes, key=lambda q: q.span)
    i = bisect.bisect_right([q.span[0] for q in ordered], position) - 1
    if i >= 0 and ordered[i].span[0] <= position < ordered[i].span[1]:
        return ordered[i].speaker
    return None


def link_quotes(quotes: Sequence[Quote], mentions: Sequence[Mention],
                sentences: Sequence[Sentence]) -> tuple[list[Quote], list[Mention]]:
    """Quotes and mentions with ``mention_ids`` / ``quote_ids`` filled in (see the module
    docstring); new records, the inputs are untouched. Existing links are kept."""
    by_sentence = {s.index: s for s in sentences}
    q_links: dict[str, set[str]] = {q.quote_id: set(q.mention_ids) for q in quotes}
    m_links: dict[str, set[str]] = {m.mention_id: set(m.quote_ids) for m in mentions}
    ordered = sorted(quotes, key=lambda q: q.span)
    starts = [q.span[0] for q in ordered]
    partial_by_sentence: dict[int, list[Quote]] = {}
    for q in quotes:
        if q.partial and q.speaker is not None:
            for index in q.sentence_indices:
                partial_by_sentence.setdefault(index, []).append(q)
    for m in mentions:
        linked: list[Quote] = []
        sentence = by_sentence.get(m.sentence_index)
        if sentence is not None and m.trigger_span is not None:
            lo, hi = sentence.start + m.trigger_span[0], sentence.start + m.trigger_span[1]
            i = bisect.bisect_right(starts, lo) - 1
            if i >= 0 and ordered[i].span[0] <= lo and hi <= ordered[i].span[1]:
                linked.append(ordered[i])
        linked.extend(q for q in partial_by_sentence.get(m.sentence_index, ())
                      if _same_speaker(q.speaker, m.source))
        for q in linked:
            q_links[q.quote_id].add(m.mention_id)
            m_links[m.mention_id].add(q.quote_id)
    return ([replace(q, mention_ids=tuple(sorted(q_links[q.quote_id]))) for q in quotes],
            [replace(m, quote_ids=tuple(sorted(m_links[m.mention_id]))) for m in mentions])


def _same_speaker(speaker: Actor | None, source: Actor) -> bool:
    if speaker is None:
        return False
    if speaker.code and speaker.code == source.code:
        return True
    return speaker.country is not None and speaker.country == source.country


# --- marks -----------------------------------------------------------------------------------


def scan_marks(text: str) -> list[RawQuote]:
    """The quotations of ``text`` by their marks, in order, not yet classified (see the module
    docstring for the rules). Linear in the text; at most ``MAX_MARKS`` marks are read."""
    marks: list[tuple[int, str]] = []
    for m in _MARK.finditer(text):
        marks.append((m.start(), "\n" if m.group()[0] == "\n" else m.group()))
        if len(marks) >= MAX_MARKS:
            break
    # closer_after[i]: a closing-shaped single mark follows mark i in its paragraph
    closer_after = [False] * len(marks)
    seen = False
    for i in range(len(marks) - 1, -1, -1):
        closer_after[i] = seen
        pos, ch = marks[i]
        if ch == "\n":
            seen = False
        elif ch in _SINGLE_CLOSERS and _closing_shape(text, pos) and not _apostrophe(text, pos):
            seen = True
    out: list[RawQuote] = []
    paragraph = 0
    opener: str | None = None
    open_at = 0
    depth = 0
    for i, (pos, ch) in enumerate(marks):
        if ch == "\n":
            if opener is not None and opener in _DOUBLE:
                out.append(_raw(text, open_at, None, pos, paragraph))
            opener, depth = None, 0
            paragraph += 1
            continue
        if opener is None:
            if _opens(text, pos, ch, closer_after[i]):
                opener, open_at, depth = ch, pos, 0
            continue
        if (opener in _DOUBLE) != (ch in _DOUBLE):
            continue  # nested marks of the other family belong to the outer quotation
        if ch == opener and ch not in _CLOSERS[opener] and not _closing_shape(text, pos):
            depth += 1  # a nested quotation of the same kind
        elif ch in _CLOSERS[opener] or ch == opener:
            if opener not in _DOUBLE and (not _closing_shape(text, pos) or _apostrophe(text, pos)):
                continue
            if depth:
                depth -= 1
                continue
            out.append(_raw(text, open_at, pos, pos + 1, paragraph))
            opener = None
    if opener is not None and opener in _DOUBLE:
        out.append(_raw(text, open_at, None, len(text), paragraph))
    return out


def _opens(text: str, pos: int, ch: str, closer_follows: bool) -> bool:
    before = text[pos - 1] if pos > 0 else "\n"
    after = text[pos + 1] if pos + 1 < len(text) else "\n"
    glued = before.isalnum() or before in _AFTER_WORD
    if after in ",.;:!?)]}":
        return False
    if ch in _SINGLE_OPENERS:
        return closer_follows and not glued and after.isalpha()
    if ch in "\u201c\u201e\u201f\u00ab":
        return not (glued and (after.isspace() or after in _AFTER_WORD))
    if ch == '"':
        return not glued or (before in ",:;" and after.isalnum())
    if ch in "\u201d\u00bb":  # a closer used as an opener: only plainly before a word
        return not glued and after.isalnum()
    return False


def _closing_shape(text: str, pos: int) -> bool:
    before = text[pos - 1] if pos > 0 else "\n"
    after = text[pos + 1] if pos + 1 < len(text) else "\n"
    return not before.isspace() and (after.isspace() or not after.isalnum())


def _apostrophe(text: str, pos: int) -> bool:
    before = text[pos - 1] if pos > 0 else " "
    after = text[pos + 1] if pos + 1 < len(text) else " "
    return before.isalnum() and after.isalnum()


def _raw(text: str, open_at: int, close: int | None, end: int, paragraph: int) -> RawQuote:
    start = open_at + 1
    stop = close if close is not None else end
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1] in _TRAILING:
        stop -= 1
    after = close + 1 if close is not None else stop
    return RawQuote(open_at, close, start, stop, after, paragraph)


# --- full or partial ---------------------------------------------------------------------------


def _units(text: str, sentences: Sequence[Sentence]) -> list[Span]:
    """The sentences' bounds, or the paragraphs' when no sentences are given."""
    if sentences:
        return [(s.start, s.end) for s in sentences]
    out: list[Span] = []
    pos = 0
    for para in text.split("\n\n"):
        if para.strip():
            out.append((pos, pos + len(para)))
        pos += len(para) + 2
    return out


def unit_at(units: Sequence[Span], starts: Sequence[int], pos: int) -> int:
    """The index of the unit (sentence) holding ``pos``, else the last one before it (-1: none)."""
    return bisect.bisect_right(starts, pos) - 1


def _classify(text: str, raws: list[RawQuote], units: Sequence[Span]) -> list[RawQuote]:
    starts = [u[0] for u in units]
    out: list[RawQuote] = []
    prev_after = -1
    for raw in raws:
        u = unit_at(units, starts, raw.open)
        lo = max(units[u][0] if u >= 0 else 0, prev_after, raw.open - 400)
        before = text[max(lo, 0):raw.open].rstrip()
        first = text[raw.start:raw.start + 1]
        resumed = bool(before) and before[-1] == "," and prev_after > lo - 1 and _resumed(before)
        if not before or before[-1] in ".!?:\u2014\u2013-" or before[-1] in _MARK_CHARS:
            partial = False
        elif before[-1] == ",":
            partial = not (first.isupper() or first.isdigit() or resumed)
        else:
            partial = True
        out.append(replace(raw, partial=partial, resumed=resumed))
        prev_after = raw.after
    return out


def _resumed(before: str) -> bool:
    """The words between two quotations of one sentence are only an attribution ("he said,")."""
    return len(_WORD.findall(before)) <= 8


def _keep(text: str, raw: RawQuote) -> bool:
    words = len(_WORD.findall(text, raw.start, min(raw.end, raw.start + 200)))
    if words == 0:
        return False
    return not (raw.partial and words == 1)


def _masked(text: str, raws: Sequence[RawQuote]) -> str:
    """``text`` with the quoted words blanked (same length), so attribution rules and actor
    finding see only the reporting text."""
    parts: list[str] = []
    pos = 0
    for raw in raws:
        parts.append(text[pos:raw.start])
        parts.append(" " * (raw.end - raw.start))
        pos = raw.end
    parts.append(text[pos:])
    return "".join(parts)
