"""A small, fast English lemmatizer and Penn-tag → universal POS map.

The coder parses candidate sentences with the tagger and dependency parser only; spaCy's
attribute ruler, lemmatizer and entity recogniser would triple the cost of every parse.  This
module gives the two attributes the coder reads instead: ``pos_`` from the fine-grained tag, and
``lemma_`` from suffix rules plus a table of irregular forms (verbs, nouns).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, cast

import numpy
from spacy.attrs import DEP, LEMMA, ORTH, POS, TAG
from spacy.language import Language
from spacy.parts_of_speech import IDS as UNIV_POS

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from thinc.types import Ints2d

TAG_POS = {
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB",
    "MD": "AUX", "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN",
    "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "RB": "ADV", "RBR": "ADV", "RBS": "ADV",
    "WRB": "ADV", "IN": "ADP", "RP": "ADP", "CC": "CCONJ", "CD": "NUM", "DT": "DET",
    "PDT": "DET", "WDT": "DET", "PRP": "PRON", "PRP$": "PRON", "WP": "PRON", "WP$": "PRON",
    "EX": "PRON", "TO": "PART", "POS": "PART", "UH": "INTJ", "SYM": "SYM", "$": "SYM",
    ",": "PUNCT", ".": "PUNCT", ":": "PUNCT", "``": "PUNCT", "''": "PUNCT", "-LRB-": "PUNCT",
    "-RRB-": "PUNCT", "HYPH": "PUNCT", "NFP": "PUNCT", "FW": "X", "LS": "X", "ADD": "X",
    "AFX": "ADJ", "XX": "X", "_SP": "SPACE",
}
AUXILIARIES = {"be", "have", "do", "will", "shall", "may", "might", "can", "could", "would",
               "should", "must"}

_IRREGULAR_VERBS = {
    "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be", "am": "be",
    "'s": "be", "'re": "be", "has": "have", "had": "have", "having": "have", "'ve": "have",
    "did": "do", "does": "do", "done": "do", "went": "go", "gone": "go", "goes": "go",
    "held": "hold", "met": "meet", "fought": "fight", "sought": "seek", "said": "say",
    "told": "tell", "shot": "shoot", "gave": "give", "given": "give", "took": "take",
    "taken": "take", "made": "make", "sent": "send", "led": "lead", "withdrew": "withdraw",
    "withdrawn": "withdraw", "struck": "strike", "stricken": "strike", "began": "begin",
    "begun": "begin", "spoke": "speak", "spoken": "speak", "broke": "break", "broken": "break",
    "forbade": "forbid", "forbidden": "forbid", "brought": "bring", "beaten": "beat",
    "threw": "throw", "thrown": "throw", "drove": "drive", "driven": "drive", "kept": "keep",
    "left": "leave", "lost": "lose", "won": "win", "sold": "sell", "bought": "buy",
    "paid": "pay", "laid": "lay", "froze": "freeze", "frozen": "freeze", "stole": "steal",
    "stolen": "steal", "fled": "flee", "overthrew": "overthrow", "overthrown": "overthrow",
    "undertook": "undertake", "undertaken": "undertake", "blew": "blow", "blown": "blow",
    "shook": "shake", "shaken": "shake", "rose": "rise", "risen": "rise", "stood": "stand",
    "felt": "feel", "found": "find", "built": "build", "flew": "fly", "flown": "fly",
    "swore": "swear", "sworn": "swear", "wept": "weep", "bound": "bind", "misled": "mislead",
    "forgave": "forgive", "forgiven": "forgive", "ran": "run", "came": "come", "became":
    "become", "saw": "see", "seen": "see", "knew": "know", "known": "know", "wrote": "write",
    "written": "write", "got": "get", "gotten": "get", "heard": "hear", "meant": "mean",
    "understood": "understand", "chose": "choose", "chosen": "choose", "fell": "fall",
    "fallen": "fall", "hid": "hide", "hidden": "hide", "bore": "bear", "borne": "bear",
    "ate": "eat", "eaten": "eat", "drew": "draw", "drawn": "draw", "grew": "grow",
    "grown": "grow", "lent": "lend", "spent": "spend", "dealt": "deal", "sat": "sit",
    "slew": "slay", "slain": "slay", "sprang": "spring", "sprung": "spring", "wore": "wear",
    "worn": "wear", "woke": "wake", "woken": "wake", "arose": "arise", "arisen": "arise",
    "sped": "speed", "fed": "feed", "fired": "fire", "bade": "bid", "upheld": "uphold",
    "withheld": "withhold", "overran": "overrun", "overcame": "overcome", "foresaw": "foresee",
    "foreseen": "foresee", "shut": "shut", "hit": "hit", "cut": "cut", "put": "put",
    "set": "set", "let": "let", "quit": "quit", "hurt": "hurt", "spread": "spread",
    "cast": "cast", "burst": "burst", "cost": "cost", "bet": "bet", "bid": "bid",
}
_IRREGULAR_NOUNS = {
    "men": "man", "women": "woman", "children": "child", "people": "people", "police": "police",
    "gunmen": "gunman", "policemen": "policeman", "servicemen": "serviceman", "feet": "foot",
    "teeth": "tooth", "mice": "mouse", "crises": "crisis", "analyses": "analysis",
    "theses": "thesis", "data": "data", "media": "media", "criteria": "criterion",
    "talks": "talk", "news": "news", "series": "series", "species": "species",
    "headquarters": "headquarters", "arms": "arms", "forces": "force", "troops": "troop",
    "sanctions": "sanction", "relations": "relation", "negotiations": "negotiation",
    "lives": "life", "wives": "wife", "knives": "knife", "thieves": "thief",
}
_VOWELS = frozenset("aeiou")
_VERB_PREFIXES = ("re", "over", "under", "out", "mis", "fore")


def _candidates(w: str) -> list[str]:
    out: list[str] = []
    for suffix in ("ing", "ed", "es", "s", "d"):
        if w.endswith(suffix) and len(w) > len(suffix) + 1:
            stem = w[: -len(suffix)]
            out += [stem, stem + "e"]
            if len(stem) > 2 and stem[-1] == stem[-2]:
                out.append(stem[:-1])  # stopped → stop
            if stem.endswith("i"):
                out.append(stem[:-1] + "y")  # carried → carry
    return out


def verb_lemma(word: str, known: frozenset[str] = frozenset()) -> str:
    """The lemma of a verb form: irregular table, then the first candidate stem that is a known
    lemma (the lexicon's words), else a plain suffix rule."""
    w = word.lower()
    if w in _IRREGULAR_VERBS:
        return _IRREGULAR_VERBS[w]
    for prefix in _VERB_PREFIXES:  # "retook" → "retake", "rebuilt" → "rebuild"
        rest = w[len(prefix):]
        if w.startswith(prefix) and rest in _IRREGULAR_VERBS and len(rest) > 2:
            return prefix + _IRREGULAR_VERBS[rest]
    cands = _candidates(w)
    for c in cands:
        if c in known:
            return c
    if w.endswith("ied") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith("eed"):
        return w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) > len(suffix) + 2:
            stem = w[: -len(suffix)]
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
                return stem[:-1]
            if stem.endswith(("iv", "at", "ut", "iz", "is", "us", "uc", "rg", "dg", "as", "ur")):
                return stem + "e"  # arrived → arrive, contributed → contribute
            return stem
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes", "oes")) and len(w) > 4:
        return w[:-2]
    if w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        return w[:-1]
    return w


def noun_lemma(word: str) -> str:
    w = word.lower()
    if w in _IRREGULAR_NOUNS:
        return _IRREGULAR_NOUNS[w]
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")) and len(w) > 4:
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3:
        return w[:-1]
    return w


def lemma_of(word: str, tag: str, known: frozenset[str] = frozenset()) -> str:
    if tag.startswith("VB"):
        return verb_lemma(word, known)
    if tag in {"NNS", "NNPS"}:
        return noun_lemma(word) if tag == "NNS" else word
    if tag in {"NNP"}:
        return word
    if tag == "MD":
        return word.lower()
    return word.lower()


@functools.cache
def known_lemmas() -> frozenset[str]:
    """Words the coder looks up by lemma: trigger lemmas and constraint values."""
    from .coding.lexicon import load_lexicon

    lex = load_lexicon()
    words = set(lex.by_lemma)
    for rule in lex.rules:
        for values in rule.requires.values():
            words |= values
    return frozenset(words)


class FpAttributes:
    """Pipeline component: ``pos_`` from the tag and ``lemma_`` from the rules above.

    Works on the doc's attribute arrays (no Token objects) and keeps a bounded per-instance
    cache of (word, tag, auxiliary dependency) → (POS id, lemma hash): news repeats its words.
    """

    MAX_CACHE = 200_000

    def __init__(self) -> None:
        self._cache: dict[tuple[int, int, bool], tuple[int, int]] = {}
        self._aux_deps: frozenset[int] = frozenset()

    def _compute(self, doc: Doc, orth: int, tag: int, aux: bool) -> tuple[int, int]:
        strings = doc.vocab.strings
        tag_s = strings[tag] if tag else ""
        pos = TAG_POS.get(tag_s, "X")
        lemma = lemma_of(strings[orth], tag_s, known_lemmas())
        if pos == "VERB" and (aux or lemma in {"will", "would"}):
            pos = "AUX"
        return UNIV_POS[pos], strings.add(lemma)

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        if not self._aux_deps:
            self._aux_deps = frozenset(doc.vocab.strings.add(d) for d in ("aux", "auxpass"))
        if len(self._cache) > self.MAX_CACHE:
            self._cache.clear()
        cache, aux_deps = self._cache, self._aux_deps
        rows = doc.to_array([ORTH, TAG, DEP]).tolist()
        out = numpy.empty((len(rows), 2), dtype="uint64")
        for i, (orth, tag, dep) in enumerate(rows):
            key = (orth, tag, dep in aux_deps)
            hit = cache.get(key)
            if hit is None:
                hit = cache[key] = self._compute(doc, *key)
            out[i] = hit
        doc.from_array([POS, LEMMA], cast("Ints2d", out))
        return doc


@Language.factory("fp_attributes")
def fp_attributes(nlp: Language, name: str) -> FpAttributes:
    """Set ``pos_`` and ``lemma_`` (see FpAttributes)."""
    return FpAttributes()
