"""Who said a quotation: attribution rules, then the speaker as an actor.

The attribution lexicon (reporting verbs, "according to", institution nouns, pronouns) is the
data file ``context/data/attribution.toml``. Rules run on the text with every quotation blanked
out, so words inside quotes never name a speaker ("what he called “Kurti's terror”" is said by
"he", not by Kurti). Each quotation gets a list of attributions, tried in order.

Full quotations
1. After it, in its sentence (or in the next one when the quotation ends its sentence):
   "“…,” Kirby stated", "“…,” said the minister", "“…,” according to Kirby",
   "“…,” John Kirby, the National Security Council spokesman, told reporters". The words from
   the closing mark to a reporting verb (at most 12, starting like a noun phrase) name the
   speaker. When the quotation ends with a full stop, the attribution must be short (at most 8
   words after the verb: "“….” Kurti said on Friday.").
2. Before it: "according to X, “…”", or a reporting verb at most 8 words before the mark with
   ":", "," or a dash before the mark ("A Ministry of Defence spokesperson said: “…”",
   "Kirby further emphasized the need …, stating, “…”"): the verb's subject (below).
3. No attribution in its sentence: the previous quote's speaker when it directly follows that
   quote (same paragraph, at most one sentence after the previous attribution, no reporting
   verb in between — "“…,” Kirby stated. “That includes …”"), or when it continues an
   unclosed quotation of the previous paragraph.
4. Else the subject of the last reporting verb of the preceding sentence (same paragraph, or
   the previous paragraph when it ends with ":").

Partial quotations (fragments inside reported speech)
1. The subject of the nearest reporting verb before the fragment in its sentence: "Kurti took
   to social media to request “…”", "Blinken …, urging “…,” according to Kirby" (Blinken:
   Kirby only reports it), "Miller said … Washington expected “concrete steps”" (Miller).
2. Else an attribution after it ("… was “on full alert,” the ministry said").
3. Else the first person named before it in the sentence.

The subject of a reporting verb. Candidates are the actor spans of the sentence
(``ArticleCoref.actors_in``, not after a locative preposition, not inside a relative clause
", who …," or parentheses) and the pronouns he/she/they/it standing before a reporting verb or
opening the sentence. The clause of the verb starts after the last ";", ":", ", and", ", but",
", while" before it. A finite verb ("said", "told", "called") takes the last person or pronoun
of its clause, else the last other actor of the clause, else the last person of the sentence
before it. A participle ("stating", "urging", "calling") takes the first person or pronoun of
the sentence before it (the main clause's subject), else its first other actor. Candidates are
looked for at most 600 characters before the verb.

From words to an actor
- A named person (or a surname of one named earlier) -> ``resolve_actor`` / ``find_actors``
  with the article's date, through ``ArticleCoref`` (Kirby -> USAGOV; Vucic in 2023 -> SRBGOV).
- A pronoun -> the last person before it in the same sentence (matching the gender when the
  dictionary knows it), else ``ArticleCoref.resolve_pronoun`` as of the sentence before.
- Any other phrase -> an actor span inside it, else ``resolve_actor`` of the phrase, else an
  anaphor of an IGO named earlier ("the mission" -> KFOR), else for "the <institution noun>"
  the last IGO or organisation named, else None (the speaker's words are still reported).
- A role without a country ("a police spokesman", "police director Gazmend Hoxha") takes the
  country of the nearest earlier actor with the same role (Kosovo police -> KSVCOP), else of
  the nearest earlier actor with a country. A person the dictionary does not know keeps the
  capitalised name written at the end of the phrase as ``Actor.name``.

Limits (untrusted input): per article at most ``ACTOR_BUDGET_CHARS`` characters in at most
``MAX_UNITS`` sentences are searched for actors (a real article is far shorter) and at most
``MAX_LOOKUPS`` attribution phrases are looked up in the dictionary; quotes beyond that keep
their speaker words but get no actor. Everything else is linear in the text.
"""

from __future__ import annotations

import bisect
import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..actors import ActorDictionary, ActorSpan, ArticleCoref, resolve_actor
from ..errors import DataFileError
from ..model import Actor

if TYPE_CHECKING:
    from .quotes import RawQuote

Span = tuple[int, int]
Result = tuple[str | None, Actor | None]

ACTOR_BUDGET_CHARS = 60_000  # reporting text searched for actors per article
MAX_UNITS = 1_000  # sentences searched for actors per article
MAX_LOOKUPS = 1_000  # dictionary look-ups of attribution phrases per article
_WINDOW = 300  # characters searched on either side of a quotation
_REACH = 600  # characters before a verb or phrase searched for its subject
_PERSON_KINDS = frozenset({"person", "surname"})
_ORG_KINDS = frozenset({"igo", "org"})
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_LEAD = re.compile(r"[\s,;:\u2014\u2013-]*")
_BAD_FIRST = frozenset({
    "is", "was", "were", "are", "be", "and", "but", "or", "which", "that", "who", "as", "so",
    "because", "if", "when", "while", "to", "in", "on", "at", "of", "for", "with", "from", "by",
    "than", "then", "not", "has", "have", "had", "will", "would", "can", "could",
})
_SENTENCE_END = re.compile(
    r"[!?;]|\b[a-z]{3,}\.(?:\s|$)|\b(?!(?:Prof|Sept|Corp|Capt|Dept|Lieut)\.)\w{4,}\.(?:\s|$)")
_PHRASE_STOP = re.compile(
    r"[,.;:!?()]|\s(?:in|on|at|during|after|before|while|when|who|which|adding|to|from)\s")
_CLAUSE = re.compile(
    r";|:|,\s+(?:and|but|while|whereas|although|though)\b|\b[a-z]{2,}\.\s+(?=[A-Z])")
_RELATIVE = re.compile(r",\s*(?:who|which|whose|whom)\b[^,;]*(?:,|$)|\([^)]*\)")
_NAME_RUN = re.compile(r"((?:[A-Z][\w'’.-]*\s+)+[A-Z][\w'’-]+)\s*$")
_ALPHA = re.compile(r"[^\W\d_]+")
_MARKS = "\"'\u201c\u201d\u201e\u201f\u00ab\u00bb\u2018\u2019\u201a\u201b\u2039\u203a"


# --- lexicon -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lexicon:
    finite: frozenset[str]
    inverted: frozenset[str]  # finite forms that may stand before their subject
    participle: frozenset[str]
    source: re.Pattern[str]  # anchored: "according to" standing first
    source_before: re.Pattern[str]  # "according to X," ending a text
    institutions: frozenset[str]
    pronouns: frozenset[str]
    pronoun: re.Pattern[str]

    def verbs(self, text: str, lo: int, hi: int, *, finite: bool = False) -> list[Span]:
        """The reporting verbs (finite ones only, or also participles) in text[lo:hi]."""
        out: list[Span] = []
        for m in _ALPHA.finditer(text, lo, hi):
            word = m.group().casefold()
            if (word in self.finite or (not finite and word in self.participle)) and not (
                    (m.start() > 0 and text[m.start() - 1].isalpha())
                    or (m.end() < len(text) and text[m.end()].isalpha())):
                out.append((m.start(), m.end()))
        return out


def lexicon_path() -> Path:
    return Path(str(resources.files("flashpoint.context") / "data" / "attribution.toml"))


@functools.cache
def load_lexicon(path: str | None = None) -> Lexicon:
    """The attribution lexicon (cached); raises ``DataFileError`` naming file, entry and field."""
    where = path or str(lexicon_path())
    try:
        data = tomllib.loads(Path(where).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DataFileError(where, f"cannot read the attribution lexicon ({exc})",
                            "restore the file or fix its TOML syntax") from exc

    def words(table: str, key: str) -> list[str]:
        section: Any = data.get(table)
        value = section.get(key) if isinstance(section, dict) else None
        if not isinstance(value, list) or not value or not all(
                isinstance(v, str) and _WORD.search(v) for v in value):
            raise DataFileError(where, "must be a non-empty list of words", entry=table,
                                field=key)
        return [" ".join(v.casefold().split()) for v in value]

    def alternation(items: list[str]) -> str:
        ordered = sorted(set(items), key=lambda w: (-len(w), w))
        return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ordered)

    def single(table: str, key: str) -> frozenset[str]:
        found = words(table, key)
        for w in found:
            if not _ALPHA.fullmatch(w):
                raise DataFileError(where, f"{w!r} is not a single word", "write one word",
                                    entry=table, field=key)
        return frozenset(found)

    source, pronouns = words("phrases", "source"), words("nouns", "pronoun")
    flags = re.IGNORECASE
    return Lexicon(
        finite=single("verbs", "finite"),
        inverted=single("verbs", "inverted"),
        participle=single("verbs", "participle"),
        source=re.compile(rf"(?:{alternation(source)})\b", flags),
        source_before=re.compile(rf"\b(?:{alternation(source)})\s+([^,;:.]{{1,100}}?)\s*,?\s*$",
                                 flags),
        institutions=frozenset(words("nouns", "institution")),
        pronouns=frozenset(pronouns),
        pronoun=re.compile(rf"\b(?:{alternation(pronouns)})\b", flags),
    )


# --- attribution plans (text only) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Plan:
    """One way to find a quotation's speaker: ``phrase`` (the words at start:end name it),
    ``verb`` (the subject of the reporting verb at start:end), ``first`` (the first person of
    the unit before ``start``) or ``continue`` (the previous quote's speaker)."""

    kind: str
    unit: int = -1
    start: int = 0
    end: int = 0
    participle: bool = False
    resume: int = 0  # phrase plans: where the attribution ends (for continuation checks)


@dataclass
class _Planner:
    text: str
    masked: str
    raws: Sequence[RawQuote]
    units: Sequence[Span]
    lex: Lexicon
    starts: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.starts = [u[0] for u in self.units]

    def unit(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def bounds(self, u: int) -> Span:
        return self.units[u] if u >= 0 else (0, 0)

    def plans(self, i: int, previous: list[Plan]) -> list[Plan]:
        raw = self.raws[i]
        out: list[Plan] = []
        after = self.after(i)
        if raw.partial:
            verb = self.last_verb(max(self.bounds(self.unit(raw.open))[0], raw.open - _WINDOW),
                                  raw.open)
            if verb is not None:
                out.append(verb)
            if after is not None:
                out.append(after)
            out.append(Plan("first", self.unit(raw.open), raw.open))
            return out
        if raw.resumed:
            out.append(Plan("continue"))
        before = self.before(i)
        # "said: “….” She added …": a quotation closed by a full stop is attributed before it
        for plan in ((before, after) if self.stopped(raw) else (after, before)):
            if plan is not None:
                out.append(plan)
        if i > 0 and self.continues(i, previous):
            out.append(Plan("continue"))
        preceding = self.preceding(i)
        if preceding is not None:
            out.append(preceding)
        return out

    def after(self, i: int) -> Plan | None:
        """Rule 1: an attribution right after the quotation."""
        raw = self.raws[i]
        if raw.close is None:
            return None
        limit = min(len(self.text), raw.after + _WINDOW)
        if i + 1 < len(self.raws):
            limit = min(limit, self.raws[i + 1].open)
        first = raw.after + len(_LEAD.match(self.masked, raw.after, limit).group())  # type: ignore[union-attr]
        if first >= limit or "\n\n" in self.text[raw.after:first]:
            return None
        u = self.unit(first)
        limit = min(limit, self.bounds(u)[1]) if u >= 0 else limit
        window = self.masked[first:limit]
        loose = not self.stopped(raw)  # "…,” he said" rather than "….” He said"
        head = self.lex.source.match(window)
        head_end = head.end() if head is not None else -1
        word = _ALPHA.match(window)
        if head is None and word is not None and word.group().casefold() in self.lex.inverted:
            head_end = word.end()
        if head_end >= 0:  # "according to Kirby" / "said the minister"
            phrase = window[head_end:]
            stop = _PHRASE_STOP.search(phrase)
            phrase = phrase[:stop.start()] if stop else phrase
            start = first + head_end + (len(phrase) - len(phrase.lstrip()))
            end = start + len(phrase.strip())
            if 0 < len(_WORD.findall(phrase)) <= 12 and (loose or self.short(end, limit)):
                return Plan("phrase", u, start, end, resume=end)
            return None
        verbs = self.lex.verbs(window, 0, len(window), finite=True)
        if not verbs:
            return None
        phrase = window[:verbs[0][0]].rstrip(" ,")
        n = _WORD.findall(phrase)
        if not 0 < len(n) <= 12 or n[0].casefold() in _BAD_FIRST or _SENTENCE_END.search(phrase):
            return None
        if not loose and not self.short(first + verbs[0][1], limit):
            return None
        return Plan("phrase", u, first, first + len(phrase), resume=first + verbs[0][1])

    def stopped(self, raw: RawQuote) -> bool:
        """The quotation ends with a full stop (or an ellipsis) inside its marks."""
        close = raw.close if raw.close is not None else raw.end
        return self.text[raw.start:close].rstrip()[-1:] in (".", "\u2026")

    def short(self, pos: int, limit: int) -> bool:
        return len(_WORD.findall(self.masked, pos, limit)) <= 8

    def before(self, i: int) -> Plan | None:
        """Rule 2: an attribution right before the quotation."""
        raw = self.raws[i]
        u = self.unit(raw.open)
        lo = max(self.bounds(u)[0], raw.open - _WINDOW,
                 self.raws[i - 1].after if i > 0 else 0)
        window = self.masked[lo:raw.open]
        m = self.lex.source_before.search(window)
        if m is not None:
            return Plan("phrase", u, lo + m.start(1), lo + m.end(1))
        verbs = self.lex.verbs(window, 0, len(window))
        if not verbs:
            return None
        tail = window[verbs[-1][1]:].strip()
        if (tail and tail[-1] not in ":,\u2014\u2013-") or len(_WORD.findall(tail)) > 8:
            return None
        return self.verb_plan(u, lo + verbs[-1][0], lo + verbs[-1][1])

    def verb_plan(self, u: int, start: int, end: int) -> Plan:
        participle = self.masked[start:end].casefold() in self.lex.participle
        return Plan("verb", u, start, end, participle=participle)

    def last_verb(self, lo: int, hi: int) -> Plan | None:
        verbs = self.lex.verbs(self.masked, lo, hi)
        if not verbs:
            return None
        return self.verb_plan(self.unit(verbs[-1][0]), *verbs[-1])

    def continues(self, i: int, previous: list[Plan]) -> bool:
        """Rule 3: the quotation directly follows the previous one."""
        raw, prev = self.raws[i], self.raws[i - 1]
        if prev.paragraph == raw.paragraph - 1 and prev.close is None:
            return not self.masked[self.para_start(raw.open):raw.open].strip()
        if prev.paragraph != raw.paragraph:
            return False
        resume = prev.after
        for plan in previous:
            if plan.kind == "phrase" and plan.start >= prev.after:
                resume = max(resume, plan.resume)
        if self.lex.verbs(self.masked, resume, raw.open):
            return False
        return self.unit(raw.start) <= self.unit(resume) + 1

    def para_start(self, pos: int) -> int:
        found = self.text.rfind("\n\n", max(0, pos - _WINDOW), pos)
        return found + 2 if found >= 0 else max(0, pos - _WINDOW)

    def preceding(self, i: int) -> Plan | None:
        """Rule 4: the subject of the preceding sentence's last reporting verb."""
        raw = self.raws[i]
        u = self.unit(raw.start)
        if u < 1 or self.masked[self.bounds(u)[0]:raw.open].strip(" " + _MARKS):
            return None
        lo, hi = self.bounds(u - 1)
        gap = self.text[hi:self.bounds(u)[0]]
        if "\n\n" in gap and not self.masked[lo:hi].rstrip().endswith(":"):
            return None
        return self.last_verb(max(lo, hi - _WINDOW), hi)


# --- resolution (walks the sentences with coreference) -------------------------------------------


@dataclass(frozen=True, slots=True)
class _Cand:
    start: int  # absolute offsets
    end: int
    text: str
    kind: str  # person | pronoun | other
    actor: Actor | None


@dataclass
class _Memory:
    """Actors named so far (outside quotes), for roles without a country and institutions."""

    by_role: dict[str, Actor] = field(default_factory=dict)
    country: Actor | None = None
    org: Actor | None = None

    def observe(self, spans: Sequence[ActorSpan]) -> None:
        for s in spans:
            if s.locative:
                continue
            if s.actor.country:
                self.country = s.actor
                if s.actor.role:
                    self.by_role[s.actor.role] = s.actor
            if s.kind in _ORG_KINDS or s.actor.group:
                self.org = s.actor


def attribute(text: str, masked: str, raws: Sequence[RawQuote], units: Sequence[Span],
              dictionary: ActorDictionary, when: date | None) -> list[Result]:
    """(speaker words, speaker) of each quotation (see the module docstring)."""
    lex = load_lexicon()
    planner = _Planner(text, masked, raws, units, lex)
    plans: list[list[Plan]] = []
    for i in range(len(raws)):
        plans.append(planner.plans(i, plans[-1] if plans else []))
    hosts: dict[int, list[tuple[int, int]]] = {}
    for qi, qplans in enumerate(plans):
        for pi, plan in enumerate(qplans):
            if plan.kind != "continue" and plan.unit >= 0:
                hosts.setdefault(plan.unit, []).append((qi, pi))
    walker = _Walker(text, masked, units, dictionary, when, lex)
    found: dict[tuple[int, int], Result | None] = {}
    for u in range(len(units)):
        needs = hosts.get(u)
        walker.enter(u, bool(needs))
        for qi, pi in needs or ():
            found[(qi, pi)] = walker.resolve(plans[qi][pi])
        walker.leave()
    out: list[Result] = []
    for qi, qplans in enumerate(plans):
        result: Result = (None, None)
        for pi, plan in enumerate(qplans):
            if plan.kind == "continue":
                got = out[qi - 1] if qi > 0 else None
            else:
                got = found.get((qi, pi))
            if got is not None and (got[0] is not None or got[1] is not None):
                result = got
                break
        out.append(result)
    return out


class _Walker:
    def __init__(self, text: str, masked: str, units: Sequence[Span],
                 dictionary: ActorDictionary, when: date | None, lex: Lexicon) -> None:
        self.text, self.masked, self.units = text, masked, units
        self.dictionary, self.when, self.lex = dictionary, when, lex
        self.coref = ArticleCoref(dictionary, date=when)
        self.memory = _Memory()
        self.budget = ACTOR_BUDGET_CHARS
        self.units_left = MAX_UNITS
        self.unit = -1
        self.spans: list[ActorSpan] = []
        self.snapshot: dict[str, Actor | None] = {}
        self.snapshot_at = -1  # ``observed`` when the snapshot was taken
        self.observed = 0  # actor spans observed so far
        self.lookups = MAX_LOOKUPS
        self.cands: list[_Cand] | None = None
        self.cand_starts: list[int] | None = None

    def enter(self, u: int, needed: bool) -> None:
        self.unit, self.cands, self.cand_starts = u, None, None
        lo, hi = self.units[u]
        segment = self.masked[lo:hi]
        if needed and self.lex.pronoun.search(segment) and self.snapshot_at != self.observed:
            self.snapshot = {p: self.coref.resolve_pronoun(p) for p in self.lex.pronouns}
            self.snapshot_at = self.observed
        self.spans = []
        if hi - lo <= self.budget and self.units_left > 0 and _WORD.search(segment):
            self.budget -= hi - lo
            self.units_left -= 1
            self.spans = self.coref.actors_in(segment)
            self.observed += len(self.spans)

    def leave(self) -> None:
        self.memory.observe(self.spans)

    # -- candidates --------------------------------------------------------------------------

    def candidates(self) -> list[_Cand]:
        if self.cands is not None:
            return self.cands
        lo, hi = self.units[self.unit]
        segment = self.masked[lo:hi]
        hidden = [(lo + m.start(), lo + m.end()) for m in _RELATIVE.finditer(segment)]
        out = [_Cand(lo + s.start, lo + s.end, s.text,
                     "person" if s.kind in _PERSON_KINDS else "other", s.actor)
               for s in self.spans if not s.locative]
        for m in self.lex.pronoun.finditer(segment):
            opening = not segment[:m.start()].strip(" ,\t\n" + _MARKS)
            following = segment[m.end():m.end() + 40].split()[:3]
            if opening or any(w.strip(",.").casefold() in self.lex.finite for w in following):
                out.append(_Cand(lo + m.start(), lo + m.end(), m.group(), "pronoun", None))
        out = [c for c in out if not any(a <= c.start < b for a, b in hidden)]
        out.sort(key=lambda c: c.start)
        self.cands = out
        return out

    def near(self, pos: int) -> list[_Cand]:
        """The candidates of the current unit that start within ``_REACH`` before ``pos``."""
        cands = self.candidates()
        if self.cand_starts is None:
            self.cand_starts = [c.start for c in cands]
        lo = bisect.bisect_left(self.cand_starts, pos - _REACH)
        return cands[lo:bisect.bisect_left(self.cand_starts, pos)]

    # -- plans -------------------------------------------------------------------------------

    def resolve(self, plan: Plan) -> Result | None:
        if plan.kind == "phrase":
            return self.phrase(plan.start, plan.end)
        cands = [c for c in self.near(plan.start) if c.end <= plan.start]
        if plan.kind == "first":
            people = [c for c in cands if c.kind != "other"]
            return self.finish(people[0]) if people else None
        people = [c for c in cands if c.kind != "other"]
        if plan.participle:  # the main clause's subject: the sentence's first person or actor
            for group in (people, cands):
                if group:
                    return self.finish(group[0])
            return None
        lo = self.units[self.unit][0]
        lo = max(lo, plan.start - _REACH)
        boundaries = [m.end() for m in _CLAUSE.finditer(self.masked, lo, plan.start)]
        clause = [c for c in cands if c.end > (boundaries[-1] if boundaries else lo)]
        for group in ([c for c in clause if c.kind != "other"], clause, people):
            if group:
                return self.finish(group[-1])
        return None

    def phrase(self, start: int, end: int) -> Result:
        words = self.text[start:end].strip(" ,")
        inside = [c for c in self.near(end) if start <= c.start and c.end <= end]
        people = [c for c in inside if c.kind == "person"]
        if people or (inside and words.casefold() not in self.lex.pronouns):
            chosen = (people or inside)[0]
            return self.finish(chosen, _segment(words, chosen.text))
        if words.casefold() in self.lex.pronouns:
            return self.finish(_Cand(start, end, words, "pronoun", None))
        if self.lookups <= 0:
            return words, None
        self.lookups -= 1
        match = resolve_actor(words, self.dictionary, date=self.when)
        actor = match.actor if match is not None else self.coref.resolve_anaphor(words)
        if actor is None:
            head = words.casefold().split()
            if len(head) >= 2 and head[0] == "the" and " ".join(head[1:]) in \
                    self.lex.institutions:
                actor = self.memory.org
        if actor is None:
            return words, None
        return self.finish(_Cand(start, end, words, "other", actor), words)

    def finish(self, cand: _Cand, words: str | None = None) -> Result:
        words = words or cand.text
        actor = cand.actor if cand.kind != "pronoun" else self.pronoun(cand)
        if actor is None:
            return words, None
        if actor.country is None and actor.group is None and actor.role:
            country = self.country_for(actor.role, cand.start)
            if country is not None:
                actor = replace(actor, country=country, code=country + actor.code)
        if actor.name is None:
            name = _NAME_RUN.search(words)
            covered = [c for c in self.near(cand.end) if c.kind != "pronoun"]
            if name is not None and not any(
                    c.text in name.group(1) or name.group(1) in c.text for c in covered):
                actor = replace(actor, name=name.group(1))
        return words, replace(actor, text=words, span=None)

    def pronoun(self, cand: _Cand) -> Actor | None:
        word = cand.text.casefold()
        if word in {"he", "she"}:
            for c in reversed(self.near(cand.start)):
                if c.end <= cand.start and c.kind == "person" and c.actor is not None \
                        and self.gender_ok(c.actor, word):
                    return c.actor
        return self.snapshot.get(word)

    def gender_ok(self, actor: Actor, word: str) -> bool:
        person = self.dictionary.person(actor.name) if actor.name else None
        gender = person.gender if person is not None else None
        return gender is None or gender == ("m" if word == "he" else "f")

    def country_for(self, role: str, before: int) -> str | None:
        here = [c.actor for c in self.near(before)
                if c.end <= before and c.actor is not None and c.actor.country]
        same = [a for a in here if a.role == role]
        for actor in (same[-1] if same else None, self.memory.by_role.get(role),
                      here[-1] if here else None, self.memory.country):
            if actor is not None and actor.country:
                return actor.country
        return None


def _segment(words: str, name: str) -> str:
    """The comma-separated part of an attribution that holds ``name`` ("John Kirby" of "John
    Kirby, the National Security Council spokesman")."""
    for part in words.split(","):
        if name in part:
            return part.strip()
    return words
