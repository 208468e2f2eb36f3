"""Whether a coded act happened: negation, irrealis, stated intentions, refusals and threats.

Works on a trigger ``Token`` of the parse; the CAMEO tables restate an act that did not happen
as the act that did ("will not lift" → a refusal, "will support" → an intention, "will
expel" → a threat).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .syntax import COMP, governor, lemma

if TYPE_CHECKING:
    from spacy.tokens import Token

MODALS = {"may", "might", "could", "would", "should", "can", "must"}
# Speech verbs whose "Y must/should do Z" complement is a demand on Y.
SPEECH = {"say", "state", "tell", "insist", "declare", "stress", "warn", "add", "argue",
          "write", "reiterate", "emphasize", "emphasise", "maintain", "assert"}
REFUSAL_AUX = {"will", "would", "can", "could", "shall", "should", "wo", "ca"}
# Governing verbs that make their complement a wish, plan or threat, not a fact.
IRREALIS = {
    "accuse", "blame", "allege", "suspect", "charge", "claim", "threaten", "plan", "intend",
    "want", "seek", "hope", "vow", "promise", "pledge", "prepare",
    "consider", "propose", "offer", "aim", "try", "attempt", "expect", "wish", "urge", "call",
    "demand", "ask", "appeal", "warn", "push", "press", "encourage", "request", "refuse",
    "decline", "ready", "readiness", "willing", "agree", "decide", "fail", "deny", "refute",
    "reject", "oppose", "order", "tell", "allow", "permit", "persuade", "invite",
    "pressure", "pressurize", "force", "rule", "resist", "ignore", "defy", "prepared",
    "committed", "determined",
}
NEGATING = {"deny", "refute", "fail", "refuse", "decline", "reject", "dismiss", "stop", "halt",
            "cease", "end", "suspend", "abandon", "prohibit", "forbid", "ban", "block", "bar",
            "withhold", "freeze", "cancel", "postpone", "scrap"}


def no_one(subject: Token) -> bool:
    """"no one", "nobody", "no country", "none of them": a subject that denies the act."""
    return subject.lower_ in {"nobody", "none", "nothing"} or any(
        d.dep_ == "det" and d.lower_ == "no" for d in subject.children)


def is_negated(tok: Token) -> bool:
    if any(c.dep_ == "neg" for c in tok.children):
        return True
    if any(c.dep_ in {"nsubj", "nsubjpass"} and no_one(c) for c in tok.children):
        return True  # "no one in Serbia helped us"
    node = tok
    for _ in range(3):
        if node.head is node or not (node.dep_ in COMP | {"xcomp", "dobj"} or (
                node.dep_ == "acl" and node.head.pos_ in {"NOUN", "PROPN"})):
            return False  # ("blocked a decision to release aid": through the noun)
        node = node.head
        if node.dep_ == "prep":
            node = node.head
        if lemma(node) in NEGATING:
            return True
        if any(c.dep_ == "neg" for c in node.children) and node.pos_ in {"VERB", "AUX"}:
            return True
    return False


# Prepositions of time and manner: a clause under them is a circumstance, not a content.
_CIRCUMSTANTIAL = frozenset({"after", "since", "following", "despite", "while", "upon", "by",
                             "during", "amid"})


def is_hypothetical(tok: Token, depth: int = 0) -> bool:
    if any(c.dep_ == "aux" and lemma(c) in MODALS for c in tok.children):
        return True
    if any(c.dep_ == "mark" and lemma(c) in {"if", "unless", "whether", "until"}
           for c in tok.children):
        return True
    if tok.dep_ == "pcomp" and lemma(tok.head) in {"without", "before", "instead"}:
        return True
    if tok.dep_ in {"xcomp", "ccomp", "acl", "pcomp"} and tok.head is not tok and not (
            tok.dep_ == "pcomp" and lemma(tok.head) in _CIRCUMSTANTIAL):
        # (not "pushed towards Goma after seizing Sake": a time, not the content of "push")
        head = tok.head.head if tok.head.dep_ == "prep" else tok.head
        if lemma(head) in IRREALIS:
            return True
    if depth < 3 and tok.head is not tok:
        # A noun takes the status of the verb it is the object of ("agreed to stage a joint
        # exercise"); a clause the status of the clause it completes.
        gov = governor(tok) if tok.pos_ in {"NOUN", "PROPN"} else None
        if gov is not None:
            return is_hypothetical(tok.doc[gov], depth + 1)
        if tok.dep_ in {"xcomp", "advcl", "acl", "conj"} and tok.head.pos_ in {"VERB", "AUX"}:
            return is_hypothetical(tok.head, depth + 1)
    return any(c.dep_ == "aux" and lemma(c) == "will" for c in tok.children)


HOSTILE_MATERIAL = frozenset({"17", "18", "19", "20"})
_ATTEMPT = frozenset({"try", "attempt"})


def attempted(tok: Token) -> bool:
    """An attempted coercive or violent act is such an act (CAMEO codes the attempt): "tried
    to hack into", "an attempt to assassinate" — unless the attempt is itself unreal ("will
    try to storm")."""
    if tok.dep_ not in {"xcomp", "acl"} or tok.head is tok or lemma(tok.head) not in _ATTEMPT:
        return False
    head = tok.head
    return not (head.pos_ in {"VERB", "AUX"} and is_hypothetical(head))


# Governors that make their complement the subject's own stated intention (CAMEO 03x).
INTENT = {"plan", "intend", "promise", "pledge", "vow", "agree", "offer", "decide", "ready",
          "readiness", "willing", "willingness", "prepare", "aim", "commit", "undertake",
          "resolve", "hope", "want", "seek", "prepared", "committed", "determined"}


_REPORTING = SPEECH | {"announce", "vow", "pledge"}


def states_intent(tok: Token, depth: int = 0) -> bool:
    """"will support", "pledged to send", "agreed to release": the actor's own intention; a
    noun act takes the intention of the verb it is the object of ("will extend the curfew")."""
    if tok.pos_ in {"NOUN", "PROPN"} and depth < 3:
        gov = governor(tok)
        if gov is not None:
            return states_intent(tok.doc[gov], depth + 1)
    kids = list(tok.children)
    if any(c.dep_ == "mark" and lemma(c) in {"if", "unless", "whether", "until"} for c in kids):
        return False
    if any(c.dep_ == "aux" and c.lower_ in {"will", "'ll", "shall"} for c in kids):
        return True
    if tok.dep_ == "ccomp" and lemma(tok.head) in _REPORTING \
            and any(c.dep_ == "aux" and c.lower_ == "would" for c in kids) \
            and not any(c.dep_ == "aux" and lemma(c) == "have" for c in kids):
        # reported "will": "said it would expel", "warned they would strike" (not the
        # counterfactual "would have attacked")
        return True
    if tok.dep_ in {"xcomp", "acl"} and tok.head is not tok:
        head = tok.head
        if head.pos_ == "ADJ" and head.dep_ == "acomp" and any(
                c.dep_ == "aux" and lemma(c) in MODALS - {"would"} for c in head.head.children):
            return False  # "the US must be ready to mediate": a demand, not an intention
        return lemma(head) in INTENT
    return False


def states_refusal(tok: Token) -> bool:
    """"will not lift", "won't release", "cannot accept": a stated refusal, not a past fact."""
    kids = list(tok.children)
    return any(c.dep_ == "neg" for c in kids) and any(
        c.dep_ == "aux" and c.lower_ in REFUSAL_AUX for c in kids)


# A refused cooperative act → the matching CAMEO refusal (by code, 3-digit code, then root).
REFUSALS = {"081": "1241", "082": "1242", "0841": "1243", "0842": "1243", "084": "1243",
             "085": "1244", "086": "1245", "087": "1246", "0871": "1246", "0873": "1246",
             "0874": "1246", "083": "123", "04": "125", "046": "125", "045": "126",
             "07": "122", "06": "121", "057": "127"}
# A stated intention to cooperate → CAMEO 03x by what is intended.
INTENTS = {"04": "036", "045": "039", "046": "036", "05": "032", "057": "037", "06": "031",
            "061": "0311", "062": "0312", "063": "0313", "064": "0314", "07": "033",
            "071": "0331", "072": "0332", "073": "0333", "074": "0334", "08": "035",
            "081": "0351", "082": "0352", "084": "0353", "0841": "0353", "085": "0354",
            "086": "0355", "087": "0356", "0871": "0356", "0873": "0356", "0874": "0356"}
# A stated intention to act against someone is a threat (CAMEO 13x by what is threatened):
# "said they would boycott contacts" (133), "will expel the ambassador" (1313), "vowed to
# strike" (138).  Shows of force (15) stay hypothetical: announcing drills threatens no one.
THREATS = {"14": "133", "16": "131", "161": "1313", "162": "1311", "163": "1312",
            "164": "134", "165": "135", "166": "136", "17": "137", "172": "132",
            "1721": "1321", "1722": "1322", "1723": "1323", "1724": "1324", "18": "1383",
            "19": "138", "191": "1381", "192": "1382", "193": "1384", "194": "1384",
            "195": "1384", "20": "138", "204": "1385"}


# Governors of a plan held, not declared: in the past tense ("had planned to seize") they
# report an old intention, not a threat.
_MENTAL_PLANS = {"plan", "intend", "aim", "want", "seek", "hope", "prepare", "decide"}


def past_plan(trigger: Token) -> bool:
    tok = trigger
    if tok.pos_ in {"NOUN", "PROPN"} and tok.head is not tok:
        tok = tok.head
    head = tok.head
    return (tok.dep_ in {"xcomp", "acl"} and head is not tok
            and head.lemma_.lower() in _MENTAL_PLANS and head.tag_ in {"VBD", "VBN"})


def restate(table: dict[str, str], code: str, default: str) -> str:
    """The code ``table`` gives for ``code`` (by code, 3-digit code, then root)."""
    return table.get(code, table.get(code[:3], table.get(code[:2], default)))
