"""Syntactic frames: from a parsed sentence to (trigger, rule, source heads, target heads).

Works on spaCy ``Token``s from the English dependency parser (ClearNLP labels).  No actor
resolution here: this module finds *where* the source and target are; the coder resolves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .lexicon import BLOCK, Lexicon, Rule
from .modality import (
    HOSTILE_MATERIAL,
    IRREALIS,
    SPEECH,
    attempted,
    is_hypothetical,
    is_negated,
    states_intent,
    states_refusal,
)
from .syntax import (
    COMP,
    LIGHT_PREPS,
    OBJ,
    SUBJ,
    children,
    first_conjunct,
    governor,
    lemma,
    with_conjuncts,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

INHERIT_SUBJECT = {"xcomp", "advcl", "conj", "pcomp"}


@dataclass(frozen=True, slots=True)
class Frame:
    trigger: Token
    rule: Rule
    sources: tuple[tuple[Token, str], ...]  # candidate source heads with how they were found
    targets: tuple[tuple[Token, str], ...]  # candidate target heads, in order of preference
    negated: bool
    hypothetical: bool
    passive: bool
    refusal: bool = False  # a negated cooperative act stated as a refusal ("will not lift")
    intent: bool = False  # a stated intention ("will support", "pledged to send", "agreed to")
    secondary: bool = False  # background or descriptive act (see ``is_secondary``)


_TIME_WORDS = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "today", "tonight", "weekend", "morning", "evening", "night",
    "afternoon", "day", "week", "month", "year", "time", "occasion", "anniversary"})


def is_time(tok: Token) -> bool:
    """A date or time phrase head ("on Tuesday", "on 3 May"): not a participant."""
    return tok.lower_ in _TIME_WORDS or (tok.like_num and tok.pos_ != "PROPN")


def _prep_objects(tok: Token, preps: Iterable[str] | None = None) -> Iterator[Token]:
    wanted = None if preps is None else set(preps)
    for c in tok.children:
        if c.dep_ in {"prep", "agent", "dative"} and (wanted is None or lemma(c) in wanted):
            for gc in c.children:
                if gc.dep_ in {"pobj", "pcomp"} and not is_time(gc):
                    yield gc


_DEEP_THROUGH = {"dobj", "obj", "conj", "amod", "advmod", "npadvmod", "acomp", "prep", "pobj",
                 "appos", "compound", "nmod", "xcomp"}
# Where a target is looked for when the rule's own slots find none.
FALLBACK_PREPS = frozenset({"against", "on", "with", "to", "at", "toward", "towards", "into",
                            "over", "from", "upon"})


def deep_prep_objects(tok: Token, preps: frozenset[str], depth: int = 4) -> Iterator[Token]:
    """Objects of the prepositions ``preps`` anywhere in ``tok``'s phrase, not in other clauses:
    "deployed tanks and artillery units close to the Kosovo frontier" (to → frontier),
    "request assistance against X's plans from the United States" (from → States)."""
    stack = [(c, 1) for c in tok.children if c.dep_ in _DEEP_THROUGH]
    while stack:
        node, d = stack.pop(0)
        if node.dep_ in {"prep", "agent"} and lemma(node) in preps:
            yield from (g for g in node.children if g.dep_ == "pobj")
        if d < depth:
            stack.extend((c, d + 1) for c in node.children if c.dep_ in _DEEP_THROUGH)


# Nouns that measure or package what the act is about: the "of" object is the real object.
MEASURES = frozenset({"batch", "tonne", "ton", "shipment", "consignment", "package", "round",
                      "wave", "series", "set", "number", "lot", "delivery", "supply", "load",
                      "team", "contingent", "truckload", "planeload", "convoy", "kind", "type",
                      "range", "dozen", "hundred", "thousand", "million", "percent", "%",
                      "part", "portion", "share", "half", "bulk", "rest", "remainder",
                      "majority", "some", "most", "all", "many", "sale", "transfer",
                      "export", "purchase"})


def _constraint_values(tok: Token, key: str) -> set[str]:
    """The lemmas a rule constraint of kind ``key`` can see around ``tok``."""
    vals: set[str] = set()
    if key == "obj":
        objs = OBJ | {"attr", "oprd"} | ({"nsubjpass"} if is_passive(tok) else set())
        for o in children(tok, objs):
            vals |= {lemma(x) for x in with_conjuncts(o)}
            # "called the attackers terrorists": the second noun hangs on the first
            vals |= {lemma(x) for x in o.children if x.dep_ in {"appos", "oprd", "attr"}}
            if lemma(o) in MEASURES:  # "a new round of sanctions", "200 tonnes of aid"
                vals |= {lemma(x) for x in _prep_objects(o, {"of"})}
        for o in _prep_objects(tok, {"of", "over", "about", "on", "for", "to", "against"}):
            vals.add(lemma(o))
        for c in tok.children:
            # "accept refugees fleeing the war" parsed as a clause: its subject is the object
            if c.dep_ == "ccomp" and c.tag_ == "VBG" and c.i > tok.i:
                vals |= {lemma(x) for x in c.children if x.dep_ == "nsubj" and x.i > tok.i}
    elif key == "comp":
        for c in children(tok, COMP | OBJ | {"acl", "advcl"}):
            vals.add(lemma(c))
            vals |= {lemma(x) for x in c.children if x.dep_ in {"compound", "conj"}}
        for o in _prep_objects(tok):
            vals.add(lemma(o))
            vals |= {lemma(x) for x in o.children if x.dep_ in {"compound", "amod"}}
    elif key == "prep":
        vals = {lemma(c) for c in tok.children if c.dep_ in {"prep", "agent", "dative"}
                and not any(is_time(g) for g in c.children if g.dep_ == "pobj")}
    elif key == "prt":
        vals = {lemma(c) for c in tok.children if c.dep_ == "prt"}
    elif key == "mod":
        # a verb's bare-noun modifier: "test" in "test-fired"
        deps = {"compound", "amod", "nmod"} | ({"npadvmod"} if tok.pos_ == "VERB" else set())
        vals = {lemma(c) for c in tok.children if c.dep_ in deps}
    elif key == "subj":
        vals = {lemma(c) for c in tok.children if c.dep_ in SUBJ}
    return vals


def match_rule(tok: Token, lexicon: Lexicon) -> Rule | None:
    """The most specific rule whose lemma, part of speech and constraints fit ``tok``."""
    best: Rule | None = None
    for rule in lexicon.candidates(lemma(tok), tok.pos_):
        fits = all(_constraint_values(tok, k) & v for k, v in rule.requires.items())
        if fits and (best is None or rule.specificity > best.specificity):
            best = rule
    return best


def is_passive(tok: Token) -> bool:
    """A passive verb, or a passive participle modifying a noun ("men killed by police")."""
    if tok.dep_ == "acl" and tok.tag_ == "VBN":
        return True
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in tok.children)


# Acts whose patient in an agentless passive is also their doer: "Serbian units were deployed
# near the boundary" — the units' own side moved them.
SELF_PASSIVE = {"deploy", "mobilize", "mobilise", "station", "move", "mass", "send",
                "withdraw", "pull", "reduce", "position", "redeploy", "amass", "reinforce"}


def verb_subjects(verb: Token, depth: int = 0) -> list[tuple[Token, str]]:
    """Who performs ``verb``: its subject, the agent of a passive, or an inherited subject."""
    if depth > 4:
        return []
    if is_passive(verb):
        agents = [(o, "agent") for o in _prep_objects(verb, {"by"})]
        if not agents and lemma(verb) in SELF_PASSIVE:
            agents = [(s, "self-passive") for s in children(verb, {"nsubjpass"})]
        if not agents:
            agents = _instrument_agents(verb)
        return agents
    subs = [(s, "subj") for s in children(verb, {"nsubj", "csubj"}) if not is_dateline(s)]
    if subs:
        return subs
    if verb.dep_ in {"relcl", "acl"} and verb.head.pos_ in {"NOUN", "PROPN"}:
        return [(verb.head, "relcl")]
    if verb.dep_ in INHERIT_SUBJECT and verb.head is not verb:
        head = verb.head
        if head.dep_ == "prep" and head.head is not head:  # "accused X of supporting"
            head = head.head
        if head.pos_ == "ADJ" and head.dep_ in {"acomp", "oprd"} and head.head is not head:
            head = head.head  # "Iraq is prepared to impose": the subject of "is"
        if verb.dep_ == "xcomp" and lemma(head) in {"say", "report", "state", "tell"}:
            return []  # "fighting that residents said killed 40": the speakers did not kill
        inherited = [(s, "inherited") for s, _ in verb_subjects(head, depth + 1)]
        if verb.dep_ == "xcomp" and head.pos_ == "VERB" and lemma(head) not in PURPOSE_VERBS:
            # "urged Serbia to withdraw": the object of the control verb acts.  Outside the
            # verbs of wanting and asking the infinitive may be a purpose ("used tear gas to
            # disperse"): the subject acts when the object names no one.
            objs = children(head, OBJ)
            if objs:
                controller = [(objs[0], "controller")]
                return controller if lemma(head) in IRREALIS else controller + inherited
        return inherited
    return []


def is_dateline(tok: Token) -> bool:
    """"KHARTOUM, March 12 (Nile Wire) - Sudan's army said": the parser may take the dateline
    for a second subject; it is where the story was filed."""
    nxt = tok.i + 1
    return (tok.i < 4 and nxt < len(tok.doc) and tok.doc[nxt].text in {",", "-", "—", "–", "("}
            and all(t.is_upper or t.is_punct for t in tok.doc[:nxt]))


# Verbs whose infinitive with an object is the subject's purpose, not the object's act:
# "Iran summoned Pakistan's envoy to protest", "Blinken phoned Vucic to discuss".
PURPOSE_VERBS = frozenset({"summon", "use", "employ", "convene", "visit", "meet", "phone",
                           "telephone", "contact", "host", "receive", "recall"})


# Nominal attacks that name their doer: "killed in an Israeli raid", "wounded in a Russian
# missile attack", "died during a rebel assault".
INSTRUMENT_ACTS = {"raid", "attack", "strike", "airstrike", "bombing", "shelling", "offensive",
                   "assault", "ambush", "crackdown", "bombardment", "barrage", "incursion",
                   "operation", "fire", "gunfire", "onslaught"}


def _instrument_agents(verb: Token) -> list[tuple[Token, str]]:
    """The doer of the attack a passive act happened in: its owner, its "by" phrase or a
    proper/adjectival modifier ("Israeli" in "killed in an Israeli raid")."""
    out: list[tuple[Token, str]] = []
    for act in _prep_objects(verb, {"in", "during"}):
        if lemma(act) not in INSTRUMENT_ACTS:
            continue
        out += [(c, "instrument") for c in act.children if c.dep_ == "poss"]
        out += [(o, "instrument") for o in _prep_objects(act, {"by"})]
        out += [(c, "instrument") for c in act.children
                if c.dep_ in {"compound", "amod", "nmod"} and c.pos_ in {"PROPN", "ADJ"}]
    return out


# Verbs whose subject undergoes, watches, reports or answers the act named by their object:
# "thousands fled the fighting", "residents witnessed the attack", "Kosovo will answer this
# attack", "Washington had seen a concentration of Serbian troops".
UNDERGO = frozenset({"flee", "escape", "survive", "witness", "fear", "see", "hear", "watch",
                     "report", "describe", "document", "film", "suffer", "endure", "avoid",
                     "evade", "mourn", "remember", "recall", "experience", "answer", "avenge",
                     "punish", "prevent", "repel", "repulse", "counter", "monitor", "observe",
                     "note", "notice"})


def noun_sources(noun: Token) -> list[tuple[Token, str]]:
    """Who performs a nominal act (``NATO's offer``, ``an attack by X``, ``held talks``)."""
    out: list[tuple[Token, str]] = []
    out += [(c, "poss") for c in noun.children if c.dep_ == "poss"]
    out += [(o, "by") for o in _prep_objects(noun, {"by", "from"})]
    out += [(c, "modifier") for c in noun.children
            if c.dep_ in {"compound", "amod", "nmod"} and c.pos_ in {"PROPN", "ADJ", "NOUN"}]
    first = first_conjunct(noun)
    head = first.head
    if first.dep_ in OBJ | {"attr", "nsubjpass"} and head.pos_ in {"VERB", "AUX"} \
            and lemma(head) not in UNDERGO:
        out += verb_subjects(head)
    elif first.dep_ == "pobj" and head.dep_ == "prep" and lemma(head) in LIGHT_PREPS:
        verb = head.head
        if verb.pos_ in {"VERB", "AUX"}:
            out += verb_subjects(verb)
    if not out:
        # "talks between Israel and Hamas", "clashes between Armenian and Azerbaijani troops":
        # the parties of a mutual act (the coder pairs them with each other).
        out += [(o, "between") for o in _prep_objects(noun, {"between"})]
    return out


_CULPABLE = frozenset({"responsible", "guilty", "culpable"})


def _culprits(tok: Token) -> list[tuple[Token, str]]:
    """Who is said to have done an act by being "responsible for" or "guilty of" it: "the LRA
    is responsible for mass killings", "both parties were guilty of violating the ceasefire"."""
    first = first_conjunct(tok)
    prep = first.head
    if first.dep_ not in {"pobj", "pcomp"} or prep.dep_ != "prep" or \
            lemma(prep) not in {"for", "of"}:
        return []
    adj = prep.head
    if lemma(adj) not in _CULPABLE:
        return []
    if adj.dep_ in {"acomp", "oprd"} and adj.head.pos_ in {"VERB", "AUX"}:
        return [(s, "culprit") for s, _ in verb_subjects(adj.head)]
    if adj.dep_ == "amod" and adj.head.pos_ in {"NOUN", "PROPN"}:
        return [(adj.head, "culprit")]  # "leaders responsible for mass killings"
    return []


# Roots of material acts (CAMEO 06-08 and 14-20 but 16): done to someone, not said about them.
_MATERIAL_ROOTS = frozenset({"06", "07", "08", "14", "15", "17", "18", "19", "20"})


def targets_for(tok: Token, rule: Rule, passive: bool) -> list[tuple[Token, str]]:
    out: list[tuple[Token, str]] = []
    if passive and not (lemma(tok) in SELF_PASSIVE and not list(_prep_objects(tok, {"by"}))):
        out += [(s, "patient") for s in children(tok, {"nsubjpass"})]
        if tok.dep_ == "acl" and tok.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            out.append((tok.head, "patient"))  # "the three men killed by police"
    for slot in rule.target:
        if slot.kind == "dobj":
            out += [(o, "dobj") for o in children(tok, OBJ)]
        elif slot.kind == "prep":
            out += [(o, "prep") for o in _prep_objects(tok, slot.preps)]
            out += [(o, "deep-prep") for o in deep_prep_objects(tok, slot.preps)
                    if all(o is not x for x, _ in out)]
        elif slot.kind == "comp_obj":
            for c in children(tok, COMP | {"acl"}):
                out += [(o, "comp_obj") for o in children(c, OBJ)]
        elif slot.kind == "comp_subj":
            for c in children(tok, COMP):
                out += [(s, "comp_subj") for s in children(c, SUBJ)]
        elif slot.kind == "dative":
            out += [(o, "dative") for o in children(tok, {"dative"})]
            out += [(o, "dative") for o in _prep_objects(tok, {"to"})]
        elif slot.kind == "poss":
            out += [(c, "poss") for c in tok.children if c.dep_ == "poss"]
    if all(s.kind != "none" for s in rule.target):
        # Fallbacks: the object (or its owner: "rejected a U.S. request"), then any phrase
        # introduced by a directional preposition.
        out += [(o, "fallback-dobj") for o in children(tok, OBJ)]
        for c in children(tok, {"xcomp"}):  # "threatened to attack Y", "vowed to punish Y"
            out += [(o, "fallback-comp") for o in children(c, OBJ)]
        if rule.cameo[:2] not in _MATERIAL_ROOTS:
            # "demanded that the US cancel the visit" (a material act has no such clause:
            # "Washington called …, NATO reinforced KFOR" is a misparse, not a target)
            for c in children(tok, {"ccomp"}):
                out += [(s, "fallback-comp-subj") for s in children(c, {"nsubj", "nsubjpass"})
                        if s.pos_ != "PRON"]
        out += [(o, "fallback-prep") for o in deep_prep_objects(tok, FALLBACK_PREPS)
                if all(o is not x for x, _ in out)]
        out += [(o, "fallback-deep") for o in _chain_participants(tok)
                if all(o is not x for x, _ in out)]
        if rule.cameo[:2] == "13":
            # "threatened to strike unless Israel withdrew": the threat is aimed at the one
            # whose act would avert it.
            heads = [tok] + [c for c in tok.children if c.dep_ == "xcomp"]
            out += [(s, "condition") for h in heads for c in h.children if c.dep_ == "advcl"
                    and any(m.dep_ == "mark" and lemma(m) in {"if", "unless"}
                            for m in c.children)
                    for s in children(c, {"nsubj"}) if s.pos_ != "PRON"]
    return out


def _chain_participants(tok: Token, depth: int = 3) -> Iterator[Token]:
    """Objects and prepositional participants of the acts a trigger's complement chain
    describes: "willing to send material to help defend Saudi Arabia", "agreed to lift
    embargoes on sales to Iran"."""
    level = [c for c in tok.children if c.dep_ in {"xcomp", "ccomp"}]
    for _ in range(depth):
        nxt: list[Token] = []
        for verb in level:
            yield from children(verb, OBJ)
            yield from deep_prep_objects(verb, FALLBACK_PREPS)
            nxt += [c for c in verb.children if c.dep_ in {"xcomp", "ccomp"}
                    or (c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to"
                                                  for a in c.children))]
        level = nxt


def frames(doc: Doc, lexicon: Lexicon) -> list[Frame]:
    """Every trigger in ``doc`` with its rule and candidate source/target heads."""
    out: list[Frame] = []
    matched = {}
    for tok in doc:
        if tok.pos_ in {"VERB", "NOUN", "AUX", "PROPN", "ADJ"}:
            rule = match_rule(tok, lexicon)
            if rule is not None:
                matched[tok.i] = rule
    for i, rule in matched.items():
        tok = doc[i]
        if rule.cameo == BLOCK:
            continue  # an everyday sense: no act here, and its object is suppressed below
        if tok.dep_ == "acl" and tok.tag_ == "VBN" and rule.cameo[:2] in {"15", "08"}:
            continue  # "troops stationed near the border": a description, not an act
        if (tok.pos_ == "VERB" and "obj" not in rule.requires
                and any(c.dep_ == "oprd" and c.pos_ in {"NOUN", "PROPN"}
                        for c in tok.children)):
            continue  # "called it a fabrication": naming the object, not acting on it
        if tok.pos_ in {"NOUN", "PROPN"} and governor(tok) in matched:
            continue  # "imposed sanctions", "launched an attack": the verb's rule codes the act
        if _purpose_of_protest(tok, matched):
            continue  # "staged demonstrations to demand reforms": one protest, not a demand too
        passive = tok.pos_ == "VERB" and is_passive(tok)
        if tok.pos_ in {"VERB", "AUX"}:
            sources = verb_subjects(tok)
        elif tok.pos_ == "ADJ" and tok.dep_ in {"acomp", "oprd", "xcomp"}:
            sources = verb_subjects(tok.head)  # "France is willing to provide aid"
        else:
            sources = noun_sources(tok)
            if rule.cameo[:2] == "15":
                # "a concentration of Serbian troops", "the deployment of NATO forces"
                sources = sources + [(o, "of") for o in _prep_objects(tok, {"of"})]
        sources = _culprits(tok) + sources  # "X is responsible for the attack": X first
        targets = targets_for(tok, rule, passive)
        if any(slot.kind == "giver" for slot in rule.target):
            # "Ukraine received jets from Denmark": Denmark gives, Ukraine receives.
            givers = [(o, "giver") for o in _prep_objects(tok, {"from"})] or [
                (o, "giver") for o in deep_prep_objects(tok, frozenset({"from"}))]
            if not givers:
                continue  # no giver named: nothing to code
            sources, targets = givers, [(s, "receiver") for s, _ in sources]
        determiners = {lemma(c) for c in tok.children if c.dep_ == "det"} \
            if tok.pos_ in {"NOUN", "PROPN"} else set()
        negated = is_negated(tok) or "no" in determiners  # "no attack took place"
        # "any threat", "any attack": no act in particular
        hypothetical = not negated and (is_hypothetical(tok) or "any" in determiners)
        if hypothetical and rule.cameo[:2] in HOSTILE_MATERIAL and attempted(tok):
            hypothetical = False  # "tried to hack", "an attempt to assassinate": it was made
        out.append(Frame(tok, rule, tuple(sources), tuple(targets), negated, hypothetical,
                         passive, refusal=negated and states_refusal(tok),
                         intent=hypothetical and states_intent(tok), secondary=is_secondary(tok)))
    out.extend(_modal_demands(doc, matched, lexicon))
    return _merge_tolls(out)


def _merge_tolls(found: list[Frame]) -> list[Frame]:
    """"A Russian missile strike killed 12 people and wounded 60": one act, the strike; the
    killing and wounding are its toll.  The verbs' frames are dropped and their objects become
    further target candidates of the strike (the victims when the strike names no target)."""
    nouns = {f.trigger.i: n for n, f in enumerate(found)
             if f.trigger.pos_ in {"NOUN", "PROPN"} and f.rule.cameo[:2] in HOSTILE_MATERIAL
             and not (f.negated or f.hypothetical)}
    if not nouns:
        return found
    out = list(found)
    dropped: set[int] = set()
    for n, f in enumerate(found):
        if f.trigger.pos_ != "VERB" or f.rule.cameo[:2] not in HOSTILE_MATERIAL:
            continue
        verb = f.trigger
        while verb.dep_ == "conj" and verb.head is not verb and not any(
                c.dep_ == "nsubj" for c in verb.children):
            verb = verb.head  # "killed 12 and wounded 60"
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None or first_conjunct(subject).i not in nouns:
            continue
        k = nouns[first_conjunct(subject).i]
        # the verb's subject phrase may name the doer the noun alone does not ("a roadside
        # bombing near Samarra"), and its object the victims
        out[k] = replace(out[k], sources=out[k].sources + f.sources,
                         targets=out[k].targets + f.targets)
        dropped.add(n)
    return [f for n, f in enumerate(out) if n not in dropped]


# Prepositions whose nominal object is the occasion or reason of the reported act, not a new act:
# "complained over air raids", "in retaliation for an attack", "after protests by X".
_BACKGROUND_PREPS = frozenset({"over", "for", "after", "since", "following", "despite", "about",
                               "against", "of", "amid", "during", "before", "because",
                               "in", "at", "to", "from", "by", "with", "on", "regarding",
                               "concerning"})


def is_secondary(tok: Token) -> bool:
    """An act that elaborates or explains the sentence's main act rather than reporting a new
    one: inside a relative clause or a participle describing a participant ("men who had killed
    a police officer", "inspectors probing sites"), an adverbial clause ("after a jet shot
    down", "killing 20 people", "to show their disapproval"), a complement of a noun ("an
    admission that forces murdered"), or a nominal act under a preposition ("complained over
    two air raids").  The coder drops these when the sentence's main clause has a coded act."""
    node = tok
    first = first_conjunct(tok)  # "concerns regarding the casualties and the attack"
    if tok.pos_ in {"NOUN", "PROPN"} and first.dep_ == "pobj" and first.head.dep_ == "prep":
        prep = first.head
        word = prep.lower_ if prep.lower_ in _BACKGROUND_PREPS else lemma(prep)
        if word in _BACKGROUND_PREPS and not (
                word in LIGHT_PREPS and prep.head.pos_ in {"VERB", "AUX"}):
            return True
    for _ in range(12):
        head = node.head
        if head is node:
            return False
        if node.dep_ in {"relcl", "acl", "advcl"}:
            return True
        if node.dep_ == "ccomp" and head.pos_ in {"NOUN", "PROPN"}:
            return True
        if node.dep_ == "pcomp" and lemma(head) in _BACKGROUND_PREPS - LIGHT_PREPS:
            return True
        node = head
    return False


def _purpose_of_protest(tok: Token, matched: dict[int, Rule]) -> bool:
    head = tok.head
    if tok.dep_ not in {"advcl", "xcomp", "acl", "relcl"} or head is tok:
        return False
    rule = matched.get(head.i)
    return rule is not None and rule.cameo[:2] == "14"


_MODAL_DEMAND = Rule(rule="demand.modal", lemma="must", pos="ANY", cameo="100", requires={},
                     target=(), note="X said Y must/should do Z")


def _modal_demands(doc: Doc, matched: dict[int, Rule], lexicon: Lexicon) -> list[Frame]:
    """"Serbia must withdraw, the minister said": a demand from the speaker on Y."""
    out = []
    for tok in doc:
        if tok.dep_ != "ccomp" or tok.pos_ not in {"VERB", "AUX"} or tok.head is tok:
            continue
        if not any(c.dep_ == "aux" and c.lower_ in {"must", "should"} for c in tok.children):
            continue
        speech = tok.head
        if lemma(speech) not in SPEECH:
            continue
        subjects = children(tok, {"nsubj"})
        if not subjects:
            continue
        out.append(Frame(tok, _MODAL_DEMAND, tuple(verb_subjects(speech)),
                         tuple((s, "modal-subject") for s in subjects), False, False, False))
    return out

