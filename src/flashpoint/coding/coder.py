"""The event coder: article → mentions (who did what to whom, when, with evidence).

Pipeline per article (pure and deterministic):
1. split sentences on the fast path; find candidates (a trigger word form and an actor);
2. parse the candidates with the full spaCy pipeline;
3. ``frames``: trigger → rule → candidate source/target heads;
4. resolve heads to actors (dictionary, then in-article coreference);
5. negation/hypothetical → ``plover_mode``; event date and background from ``dates``;
6. CAMEO code → Goldstein, QuadClass, PentaClass, PLOVER from the CAMEO table.

``confidence`` (0–1) is the product of documented factors (see ``_confidence``): how the source
was found (explicit subject 1.0, inherited 0.85, noun modifier 0.8), whether both actors resolved
from the dictionary, whether a target was found when the rule wants one, and the rule's
specificity.  It ranks mentions; it is not a calibrated probability.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..context.quotes import speaker_at
from ..context.tone import sentence_tone
from ..ids import short_id
from ..model import Actor, Article, Mention, Quote, Sentence, actor_key
from .cameo import CameoTable
from .dates import EventDate, date_of, find_date_expressions, resolve_event_date
from .frames import Frame, frames, is_dateline
from .lexicon import Lexicon
from .magnitude import magnitude
from .modality import INTENTS, REFUSALS, SPEECH, THREATS, past_plan, restate
from .resolve import ActorResolver, ArticleActors
from .syntax import with_conjuncts

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

CODER_VERSION = "fp-coder-0.3"
_ANNOUNCING = SPEECH | {"announce", "vow", "pledge", "promise", "confirm", "predict",
                        "expect", "believe", "think", "fear"}
_COOPERATIVE = {"01", "02", "03", "04", "05", "06", "07", "08", "09"}
_FORECASTERS = {"analyst", "expert", "observer", "commentator", "economist", "forecaster",
                "critic", "researcher", "scientist", "pundit", "poll", "survey", "study",
                "model", "projection", "forecast"}
_DOMESTIC_ROOTS = {"14", "17"}
_MUTUAL_ROOTS = {"03", "04", "05", "06", "08", "19"}
# Visiting, hosting and mediating are done by the parties together to a third one.
_ONE_WAY_CODES = {"042", "043", "045"}
# Targets taken from where the act happened: a country may act within itself.
_PLACE_VIAS = {"local-place", "place", "setting", "domestic"}
# Material acts are directed at the place they happen: without a named target, the country of
# the place the sentence names ("imposed a curfew in Cizre" → TUR), else the country the article
# is set in ("NATO ready to reinforce KFOR" in a story set in Kosovo → KSV).
_PLACE_TARGET_ROOTS = {"07", "14", "15", "17", "18", "19", "20"}
_PLACE_TARGET_CODES = {"0334", "0332", "0312", "0874", "0873", "081", "0811", "0812", "0813",
                       "0814"}
_STOP_DEPS = {"relcl", "acl", "appos", "conj", "cc", "punct", "advcl", "parataxis"}
_KEEP_PREPS = {"of"}
_PRONOUNS = {"he", "she", "him", "her", "they", "them", "it", "we", "i"}
_QUOTE_CHARS = "\"“”«»„"


@dataclass(frozen=True, slots=True)
class CoderContext:
    lexicon: Lexicon
    table: CameoTable
    resolver: ActorResolver


def np_span(tok: Token) -> tuple[int, int]:
    """Token index range [start, end) of the noun phrase headed by ``tok``."""
    keep = [tok]
    stack = [c for c in tok.children if c.dep_ not in _STOP_DEPS]
    while stack:
        c = stack.pop()
        if c.dep_ == "prep" and c.lower_ not in _KEEP_PREPS and c.head is tok:
            continue
        keep.append(c)
        stack.extend(x for x in c.children if x.dep_ not in _STOP_DEPS)
    idx = sorted(t.i for t in keep)
    start, end = idx[0], idx[-1] + 1
    # Trim to the contiguous block around the head.
    while start < tok.i and tok.doc[start].is_punct:
        start += 1
    return start, end


def has_trigger(tokens: Sequence[str], lexicon: Lexicon) -> bool:
    return any(t in lexicon.surface_forms for t in tokens)


class _ArticleCoder:
    """Codes one article; holds per-article state (coreference) only while it runs."""

    def __init__(self, article: Article, ctx: CoderContext, actors: ArticleActors,
                 quotes: Sequence[Quote] = ()) -> None:
        self.article = article
        self.ctx = ctx
        self.actors = actors
        self.quotes = quotes
        self.enrich = True
        self.anchor: str | None = None  # the article's news day (see ``news_day``)
        self.previous: str = ""
        self._prev_key = ""
        self._prev_date: EventDate | None = None
        # speaker of the quotation covering a position of the current sentence (set by code())
        self.quote_speaker: Callable[[int], Actor | None] | None = None

    def news_day(self, sentences: Sequence[Sentence]) -> str | None:
        """The day most acts of the article happened: the most often named day 0–2 days before
        publication ("on Friday" in a Saturday paper), else None (the publication day)."""
        pub = self.article.published.date() if self.article.published else None
        if pub is None:
            return None
        days: dict[str, int] = {}
        for s in sentences:
            for expr in find_date_expressions(s.text):
                if expr.precision != "day":
                    continue
                d = date_of(expr, pub)
                if d is not None and 0 <= (pub - d).days <= 2:
                    days[d.isoformat()] = days.get(d.isoformat(), 0) + 1
        if not days:
            return None
        return sorted(days.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]

    def date_for(self, sent: Sentence, trigger: Token, tspan: tuple[int, int]) -> EventDate:
        pub = self.article.published
        if self.previous and self._prev_key != self.previous:
            self._prev_key = self.previous
            self._prev_date = resolve_event_date(self.previous, pub)
        prev = self._prev_date if self.previous else None
        lo, hi = _date_scope(trigger)
        scope = sent.text[lo:hi]
        for _ in range(3):
            when = resolve_event_date(scope, pub, trigger=(tspan[0] - lo, tspan[1] - lo),
                                      previous=prev)
            if when.span is None or not _in_other_clause(trigger, when.span[0] + lo):
                break
            # "shot down a bomber, the first loss since the invasion began in February 2022":
            # the date belongs to another clause's verb; look again without it
            a, b = when.span
            scope = scope[:a] + " " * (b - a) + scope[b:]
        if when.span is not None:
            when = EventDate(when.date, when.precision, when.background, when.cue,
                             (when.span[0] + lo, when.span[1] + lo), when.future)
        if when.span is None and self.anchor:
            # No date in the sentence: the article's news day; a recap of an undated act
            # ("in the wake of the mobilisation") is known only to the week.
            when = EventDate(self.anchor, "week" if when.background else "day", when.background,
                             when.cue, None)
        if (when.precision == "day" and trigger.tag_ == "VBN"
                and any(c.dep_ == "aux" and c.lower_ == "had" for c in trigger.children)):
            # Past perfect: the act came before the time the sentence speaks of.
            when = EventDate(when.date, "week", when.background, when.cue, when.span)
        return when

    def actor_for(self, tok: Token, doc: Doc
                  ) -> tuple[Actor, tuple[int, int]] | None:
        if tok.pos_ == "PRON":
            if tok.lower_ not in _PRONOUNS:
                return None
            speaker = self._reported_speaker(tok, doc)
            if speaker is not None:
                return speaker
            actor = self.actors.pronoun(tok.lower_, tok.idx)
            return (actor, (tok.idx, tok.idx + len(tok.text))) if actor else None
        start, end = np_span(tok)
        span: Span = doc[start:end]
        head = (tok.idx, tok.idx + len(tok.text))
        actor = self.actors.actor_at(span.start_char, span.end_char, head, span.text)
        if actor is None:
            for ap in (c for c in tok.children if c.dep_ == "appos"):
                s2, e2 = np_span(ap)
                sp = doc[s2:e2]
                actor = self.actors.actor_at(sp.start_char, sp.end_char,
                                             (ap.idx, ap.idx + len(ap.text)), sp.text)
                if actor is not None:
                    break
        if actor is None:
            return None
        if not _informative(actor):
            # A nameless group takes the country of an actor its whole phrase names: "workers
            # affiliated with the Serbian union" (not of a place: "peacekeepers in Iraq").
            right = tok.right_edge
            country = self.actors.country_within(tok.left_edge.idx, right.idx + len(right.text))
            if country is not None:
                actor = replace(actor, country=country, code=country + actor.code)
        return actor, actor.span or (span.start_char, span.end_char)

    def own_word(self, trigger: Token, doc: Doc, source: Actor, *, hostile: bool) -> bool:
        """Whether an act announced for the future is the source's own word: not when the
        clause is a forecast ("analysts said Russia would attack"), nor, for a hostile act,
        when another country reports it ("Ukraine says Russia will strike again": a claim,
        not Russia's threat).  A cooperative plan may be told by its partner ("Fischer will
        visit Albania, the Albanian embassy said"), and an unnamed speaker ("diplomatic
        sources said") reports the actor's plan."""
        tok, depth = trigger, 0
        while tok.dep_ != "ccomp" and tok.head is not tok and depth < 4:
            tok, depth = tok.head, depth + 1
        if tok.dep_ != "ccomp" or tok.head.lemma_.lower() not in _ANNOUNCING:
            return True
        if any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in tok.children):
            return True  # "Iran said it would …": the speaker's own plan
        for subj in (c for c in tok.head.children if c.dep_ == "nsubj" and not is_dateline(c)):
            if subj.pos_ == "PRON":
                return True
            if subj.lemma_.lower() in _FORECASTERS:
                return False
            got = self.actor_for(subj, doc)
            if got is None:
                return True
            speaker = got[0]
            if not hostile:
                return True
            if speaker.country and source.country:
                return speaker.country == source.country
            return _part_of(speaker.code, source.code)  # "Kurti said the group planned to"
        return True

    def official(self, actor: Actor) -> bool:
        """A state speaking as such: its government, an IGO, or the country by its name
        ("China", "the United States"), not its people ("Palestinians", "Kenyans")."""
        if actor.role == "GOV" or (actor.group is not None and actor.code.startswith("IGO")):
            return True
        country = self.ctx.resolver.dictionary.countries.get(actor.country or "")
        if country is None or actor.role is not None:
            return False
        text = actor.text.casefold().removeprefix("the ").strip()
        return text in {n.casefold() for n in (country.name, *country.aliases)}

    def _reported_speaker(self, tok: Token, doc: Doc) -> tuple[Actor, tuple[int, int]] | None:
        """"Japan said it had halted aid": a pronoun subject of reported speech is the speaker;
        "we"/"our" inside a quotation is its speaker."""
        if tok.lower_ in {"we", "i", "our", "us"} and self.quote_speaker is not None:
            actor = self.quote_speaker(tok.idx)
            if actor is not None:
                return actor, (tok.idx, tok.idx + len(tok.text))
        clause = tok.head
        if tok.dep_ not in {"nsubj", "nsubjpass"} or clause.dep_ != "ccomp":
            return None
        subj = _speech_subject(tok)
        return self.actor_for(subj, doc) if subj is not None else None

    def coordinated(self, tok: Token, actor: Actor
                    ) -> list[tuple[Actor, tuple[int, int]]]:
        """The other parties of a phrase whose country modifiers are coordinated: "Thai and
        Cambodian troops", "US and British warplanes", "the leaders of India and Pakistan".
        Each coordinated country gives the phrase's actor with that country (same role)."""
        country = actor.country
        if not country or not actor.code.startswith(country):
            return []
        members: list[Token] = []
        for c in tok.children:
            if c.dep_ in {"amod", "nmod", "compound"}:
                members = [c, *(x for x in c.children if x.dep_ == "conj")]
            elif c.dep_ == "prep" and c.lower_ == "of":
                for obj in (g for g in c.children if g.dep_ == "pobj"):
                    members = [obj, *(x for x in obj.children if x.dep_ == "conj")]
            if len(members) > 1:
                break
        if len(members) < 2:
            return []
        # "Israeli and Hamas negotiators": the role belongs to the named group, not to the
        # other party, which is the plain country
        suffix = "" if actor.name else actor.code[len(country):]
        found: list[tuple[Actor, tuple[int, int]]] = []
        seen = {country}
        for m in members:
            span = (m.idx, m.idx + len(m.text))
            named = self.actors.actor_at(span[0], span[1], span, m.text)
            if named is None or not named.country or named.country in seen:
                continue
            if named.code != named.country:
                return []  # "US and Hamas officials": not a plain country adjective
            seen.add(named.country)
            found.append((named if actor.name else
                          replace(actor, text=m.text, country=named.country,
                                  code=named.country + suffix, span=span), span))
        return found

    def actors_for(self, heads: Iterable[tuple[Token, str]], doc: Doc, exclude: str | None = None,
                   informative: bool = False
                   ) -> tuple[list[tuple[Actor, tuple[int, int]]], str]:
        """The actors of the first candidate head that resolves (``exclude``: the source's code;
        a part of the source does not count — "NATO … bolster KFOR" looks further).
        ``informative``: a head naming a country or organisation wins over an earlier nameless
        group ("deployed peacekeepers to Iraq": Iraq, not the peacekeepers)."""
        first: tuple[list[tuple[Actor, tuple[int, int]]], str] = ([], "")
        for head, via in heads:
            found: list[tuple[Actor, tuple[int, int]]] = []
            toks = list(with_conjuncts(head))
            if len(toks) == 1 and head.lower_ in {"they", "we"}:
                # "Lithuania, Latvia and Estonia said they would …": every speaker
                speakers = _speech_subject(head)
                if speakers is not None and len(list(with_conjuncts(speakers))) > 1:
                    toks = list(with_conjuncts(speakers))
            for tok in toks:
                got = self.actor_for(tok, doc)
                if got is None or (exclude and _part_of(got[0].code, exclude)):
                    continue
                if not _informative(got[0]) and tok.text.islower() and any(
                        a.role == got[0].role and _informative(a) for a, _ in found):
                    continue  # "Serbian troops, artillery and armour": one Serbian force
                if via == "modifier" and not (_informative(got[0]) or got[0].name):
                    continue  # "a missile attack", "a general strike": a kind, not a doer
                found.append(got)
                found.extend(o for o in self.coordinated(tok, got[0])
                             if not (exclude and _part_of(o[0].code, exclude)))
            if found and (not informative or any(_informative(a) for a, _ in found)):
                return found, via
            if found and not first[0]:
                first = (found, via)
        if not first[0] and exclude is not None:
            # "an investigation into crimes committed by Croat forces": no party is named
            # but the doer of the act the phrase is about.
            for head, _ in heads:
                for doer in _doers(head):
                    got = self.actor_for(doer, doc)
                    if got is not None and not _part_of(got[0].code, exclude):
                        return [got], "doer"
        return first

    def code(self, sentences: Sequence[Sentence], docs: dict[int, Doc]) -> list[Mention]:
        mentions: list[Mention] = []
        # One mention per act: two triggers coding the same act on the same day ("agreed to
        # resume talks": agree + resume) give one mention, the first.
        seen: set[tuple[int, str, str, str, str | None, str | None]] = set()
        self.anchor = self.news_day(sentences)
        for sent in sentences:
            doc = docs.get(sent.index)
            self.actors.enter(sent.index, parse=doc is not None)
            previous, self.previous = self.previous, sent.text
            if doc is None:
                continue
            self.previous = previous
            self.quote_speaker = (
                (lambda pos, start=sent.start: speaker_at(self.quotes, start + pos))
                if self.quotes else None)
            found = frames(doc, self.ctx.lexicon)
            coded: dict[int, list[Mention]] = {}
            main_act = False
            for n, frame in sorted(enumerate(found), key=lambda nf: nf[1].secondary):
                if frame.secondary and main_act:
                    break  # the main clause reports the act; the rest is background
                coded[n] = self.mentions_of(frame, sent, doc)
                main_act = main_act or (not frame.secondary
                                        and any(not m.negated for m in coded[n]))
            for n in range(len(found)):
                for m in coded.get(n, []):
                    key = (sent.index, m.source.code, m.target.code if m.target else "",
                           m.cameo, m.event_date, m.plover_mode)
                    if key not in seen:
                        seen.add(key)
                        mentions.append(m)
            self.previous = sent.text
        return mentions

    def mentions_of(self, frame: Frame, sent: Sentence, doc: Doc) -> list[Mention]:
        sources, via = self.actors_for(frame.sources, doc)
        if not sources:
            return []
        skey = actor_key(sources[0][0])
        targets, tvia = self.actors_for(frame.targets, doc, exclude=sources[0][0].code,
                                        informative=True)
        wants_target = any(s.kind != "none" for s in frame.rule.target)
        # "Israel and Hamas signed a truce in Cairo": with a compound source an act that can be
        # mutual is between them; the place is where it happened, not a party to it.
        # Only acts that can be done with one another are mutual (consult, cooperate, agree,
        # fight): "Belgrade and Moscow refused to recognise Kosovo" is no refusal of each other.
        can_be_mutual = frame.rule.cameo[:2] in _MUTUAL_ROOTS \
            and frame.rule.cameo not in _ONE_WAY_CODES
        mutual = len(sources) > 1 and (
            via == "between" or any(s.kind == "recip" for s in frame.rule.target)
            or (can_be_mutual and (frame.rule.target_required or any(
                s.preps & {"with", "between"} for s in frame.rule.target))))
        if via == "between":
            targets = []  # the parties named by "between" act on each other
        if mutual and (not targets or tvia.startswith("fallback") or tvia == "doer"):
            targets = []  # a guessed target (not the rule's own slot) loses to the mutual reading
        elif wants_target and (not targets or not _informative(targets[0][0])):
            # "refused to deploy peacekeepers in Iraq", "threatened to impose a curfew in
            # Algiers": the place the act's own phrase names, over a nameless group.
            trig = frame.trigger
            local = self.actors.place_actor((trig.left_edge.idx, trig.right_edge.idx
                                             + len(trig.right_edge.text)))
            if local is not None:
                targets, tvia = [(local, local.span or (0, 0))], "local-place"
        if not targets and not mutual and (frame.rule.cameo[:2] in _PLACE_TARGET_ROOTS
                            or frame.rule.cameo in _PLACE_TARGET_CODES):
            place = self.actors.place_actor()
            if place is not None:
                targets, tvia = [(place, place.span or (0, 0))], "place"
            else:
                setting = self.actors.setting_actor()
                if setting is not None and actor_key(setting) != skey:
                    targets, tvia = [(setting, (0, 0))], "setting"
        if not targets and frame.rule.cameo[:2] in _DOMESTIC_ROOTS and sources[0][0].country:
            # Protest and coercion with no one named are domestic: aimed at (or by) the
            # source's own state ("Egyptian demonstrators rioted" → EGY→EGY).
            own = sources[0][0].country
            targets, tvia = [(Actor(text=own, code=own, country=own), (0, 0))], "domestic"
        pairs: list[tuple[tuple[Actor, tuple[int, int]], tuple[Actor, tuple[int, int]] | None]]
        if targets:
            pairs = [(s, t) for s in sources for t in targets]
        elif mutual:
            # "Obama and Putin met in Geneva": each acts on the other.
            pairs = [(a, b) for a in sources for b in sources if a is not b]
        elif frame.rule.target_required:
            return []
        else:
            pairs = [(s, None) for s in sources]
        out = []
        for (src, sspan), tgt in pairs:
            if tgt is not None and _same_actor(src, tgt[0]) and tvia not in _PLACE_VIAS:
                continue  # X → X, unless the target is where a domestic act happened
            out.append(self.build(frame, sent, doc, src, sspan, tgt, via, tvia, wants_target))
        return out

    def build(self, frame: Frame, sent: Sentence, doc: Doc, src: Actor, sspan: tuple[int, int],
              tgt: tuple[Actor, tuple[int, int]] | None, via: str, tvia: str,
              wants_target: bool) -> Mention:
        code, rule = frame.rule.cameo, frame.rule.rule
        negated = frame.negated
        hypothetical = frame.hypothetical
        if frame.refusal and code[:2] in {"03", "04", "05", "06", "07", "08"}:
            # "will not lift the embargo": a refusal is an act (CAMEO 12x), not a non-event.
            code = restate(REFUSALS, code, "120")
            rule, negated = rule + "+refusal", False
        elif frame.intent and not self.own_word(frame.trigger, doc, src,
                                                hostile=code[:2] not in _COOPERATIVE):
            pass  # "analysts said Russia would attack": a forecast, not Russia's intention
        elif frame.intent and code[:2] in {"04", "05", "06", "07", "08"}:
            # "will support", "pledged to send aid": a stated intention (CAMEO 03x) happened.
            code = restate(INTENTS, code, "030")
            rule, hypothetical = rule + "+intent", False
        elif frame.intent and not negated and code[:2] in {"14", "16", "17", "18", "19", "20"} \
                and not past_plan(frame.trigger):
            code = restate(THREATS, code, THREATS[code[:2]])
            rule, hypothetical = rule + "+threat", False
        if code[:2] == "14" and frame.rule.lemma == "protest" and self.official(src):
            # "Iran protested the strikes": a state's protest is an official complaint (114),
            # not a demonstration.
            code, rule = "114", rule + "+official"
        entry = self.ctx.table.get(code)
        trig = frame.trigger
        tspan = (trig.idx, trig.idx + len(trig.text))
        when = self.date_for(sent, trig, tspan)
        mode = (frame.rule.mode if code == frame.rule.cameo else None) or entry.plover_mode
        if negated:
            mode = "negated"
        elif hypothetical:
            mode = "hypothetical"
        target = tgt[0] if tgt else None
        source = _with_span(src, sspan)
        if target is not None and tgt is not None:
            target = _with_span(target, tgt[1])
        mid = short_id(self.article.article_id, self.article.content_sha, sent.index, tspan[0],
                       source.code, target.code if target else "", code)
        return Mention(
            mention_id=mid, article_id=self.article.article_id, sentence_index=sent.index,
            sentence=sent.text, source=source, target=target, cameo=entry.code,
            cameo_root=entry.root, quad_class=entry.quad_class, penta_class=entry.penta_class,
            goldstein=entry.goldstein, plover=entry.plover, plover_mode=mode,
            event_date=when.date, date_precision=when.precision, background=when.background,
            trigger_span=tspan, magnitude=magnitude(sent.text),
            tone=sentence_tone(sent.text) if self.enrich else None,
            confidence=_confidence(frame, via, src, target, wants_target),
            rule=rule, coder_version=CODER_VERSION,
            negated=negated or hypothetical,
        )


def _with_span(actor: Actor, span: tuple[int, int]) -> Actor:
    return replace(actor, span=span)


def _in_other_clause(trigger: Token, char: int) -> bool:
    """Whether the word at ``char`` sits in a clause of its own that does not contain
    ``trigger`` and does not modify the trigger's clause (a relative clause, or an adverbial
    clause of something else: "the first loss since the invasion began in February 2022")."""
    doc = trigger.doc
    word = next((t for t in doc if t.idx <= char < t.idx + len(t.text)), None)
    if word is None:
        return False
    own = {trigger.i} | {a.i for a in trigger.ancestors}
    node = word
    for _ in range(40):
        if node.i in own:
            return False
        if node.pos_ in {"VERB", "AUX"} and (node.dep_ in {"relcl", "acl"} or (
                node.dep_ == "advcl" and node.head.i not in own)):
            # (an adverbial clause of the act's own clause dates it: "When the bombing
            # stopped in June 1999, Serbian forces withdrew")
            return True
        if node.head is node:
            return False
        node = node.head
    return False


def _date_scope(trigger: Token) -> tuple[int, int]:
    """Character range of the sentence whose dates can apply to ``trigger``.

    An act in a relative clause takes its dates from the phrase the clause modifies ("last
    weekend's clashes, which began when gunmen ambushed …"), not from the main clause ("Kosovo
    declared independence in 2008, a move that Belgrade has refused to recognise")."""
    node = trigger
    for _ in range(12):
        if node.dep_ == "relcl":
            head = node.head
            return head.left_edge.idx, head.right_edge.idx + len(head.right_edge.text)
        if node.head is node:
            break
        node = node.head
    doc = trigger.doc
    return 0, len(doc.text)


def _speech_subject(pronoun: Token) -> Token | None:
    """The named speaker a pronoun subject of reported speech stands for ("Japan said it …")."""
    clause = pronoun.head
    if pronoun.dep_ not in {"nsubj", "nsubjpass"} or clause.dep_ != "ccomp":
        return None
    return next((c for c in clause.head.children if c.dep_ == "nsubj"
                 and not is_dateline(c) and c.pos_ != "PRON"), None)


def _doers(noun: Token) -> list[Token]:
    """Who did the act a noun names: its "by" phrase, or the agent of a participle describing
    it ("crimes committed by Croat forces", "abuses by the police")."""
    if noun.pos_ not in {"NOUN", "PROPN"}:
        return []
    out = [g for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"
           for g in c.children if g.dep_ == "pobj"]
    for acl in (c for c in noun.children if c.dep_ == "acl" and c.tag_ == "VBN"):
        out += [g for a in acl.children if a.dep_ == "agent"
                for g in a.children if g.dep_ == "pobj"]
    return out


def _part_of(code: str, source: str) -> bool:
    """``code`` is the source itself or one of its parts (SRB / SRBMIL, NATO / NATO's force)."""
    return code.startswith(source) or source.startswith(code)


def _informative(actor: Actor) -> bool:
    """An actor that names a country or an organisation, not just a kind of people."""
    return bool(actor.country or actor.group)


def _same_actor(a: Actor, b: Actor) -> bool:
    return a.code == b.code or (a.name is not None and a.name == b.name)


def _confidence(frame: Frame, via: str, src: Actor, tgt: Actor | None, wants_target: bool
                ) -> float:
    score = {"subj": 1.0, "agent": 1.0, "poss": 0.95, "by": 0.95, "controller": 0.9,
             "relcl": 0.85, "inherited": 0.85, "modifier": 0.8}.get(via, 0.8)
    if frame.trigger.pos_ not in {"VERB", "AUX"}:
        score *= 0.9
    if src.country is None and src.group is None:
        score *= 0.8
    if wants_target and tgt is None:
        score *= 0.85
    score *= 0.9 + 0.05 * min(2, frame.rule.specificity)
    return round(min(score, 1.0), 3)


def in_quote(text: str, pos: int) -> bool:
    """Whether character ``pos`` of ``text`` lies inside a quotation."""
    opened = 0
    for ch in text[:pos]:
        if ch in "“«„":
            opened += 1
        elif ch in "”»" and opened:
            opened -= 1
        elif ch == '"':
            opened = 0 if opened else 1
    return opened > 0


_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
