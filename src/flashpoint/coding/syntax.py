"""Small helpers over a spaCy dependency parse shared by the coder's modules."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

SUBJ = {"nsubj", "nsubjpass", "csubj"}
OBJ = {"dobj", "obj"}
COMP = {"xcomp", "ccomp", "pcomp"}
LIGHT_PREPS = {"in", "into", "for"}


def lemma(tok: Token) -> str:
    return tok.lemma_.lower()


def children(tok: Token, deps: set[str]) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def with_conjuncts(tok: Token) -> list[Token]:
    """A head and the heads coordinated with it (``Serbia and Russia``)."""
    out = [tok]
    for c in tok.children:
        if c.dep_ == "conj" and c.pos_ in {"NOUN", "PROPN", "PRON"}:
            out.extend(with_conjuncts(c))
    return out


def first_conjunct(noun: Token) -> Token:
    """"artillery, mortar and rocket fire": the conjunct that holds the phrase's role."""
    for _ in range(8):
        if noun.dep_ != "conj" or noun.head is noun or noun.head.pos_ not in {"NOUN", "PROPN"}:
            break
        noun = noun.head
    return noun


def governor(noun: Token) -> int | None:
    """The verb a nominal trigger is the object of (directly or through a preposition)."""
    noun = first_conjunct(noun)
    head = noun.head
    if noun.dep_ in OBJ | {"attr", "nsubjpass"} and head.pos_ in {"VERB", "AUX"}:
        return int(head.i)
    if (noun.dep_ == "pobj" and head.dep_ == "prep" and lemma(head) in LIGHT_PREPS
            and head.head.pos_ in {"VERB", "AUX"}):
        return int(head.head.i)
    return None
