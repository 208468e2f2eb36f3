"""The parse path: numpy ops, the fp_attributes component and the scoped BLAS thread limit."""

from __future__ import annotations

import pytest

from flashpoint.nlp import MODEL_NAME, full_pipeline, parse, split_sentences

SENTENCES = [
    "Serbia has deployed troops and tanks near the border with Kosovo, officials said.",
    "The United States urged Belgrade to withdraw its forces from the boundary line.",
    "Kosovo's prime minister accused Serbia of backing the gunmen who attacked police.",
    "NATO said on Friday it was ready to reinforce its peacekeeping mission.",
    "Two policemen were wounded when the convoy was ambushed by unknown attackers.",
    "Protesters gathered outside parliament, demanding that the government resign.",
    "",
]


def test_parse_sets_pos_and_lemma_from_tags() -> None:
    doc = parse([SENTENCES[0]])[0]
    by_word = {t.text: t for t in doc}
    assert (by_word["deployed"].lemma_, by_word["deployed"].pos_) == ("deploy", "VERB")
    assert by_word["has"].pos_ == "AUX"
    assert (by_word["troops"].lemma_, by_word["troops"].pos_) == ("troop", "NOUN")
    assert by_word["Serbia"].pos_ == "PROPN"
    assert by_word["said"].lemma_ == "say"


def test_attributes_are_stable_across_calls() -> None:
    """The component caches per (word, tag, dependency): a second pass gives the same answer."""
    first = [[(t.lemma_, t.pos_) for t in d] for d in parse(SENTENCES)]
    second = [[(t.lemma_, t.pos_) for t in d] for d in parse(list(reversed(SENTENCES)))]
    assert first == list(reversed(second))
    assert first[-1] == []  # an empty sentence parses to an empty doc


def test_numpy_ops_parse_like_the_default_ops() -> None:
    """The coder's pipeline runs on numpy's BLAS; its parses must equal the model's own."""
    spacy = pytest.importorskip("spacy")
    reference = spacy.load(MODEL_NAME, exclude=["senter", "ner", "attribute_ruler",
                                                "lemmatizer"])
    assert full_pipeline().get_pipe("tok2vec").model.ops.use_blis is False
    ours = [[(t.tag_, t.dep_, t.head.i) for t in d] for d in parse(SENTENCES)]
    theirs = [[(t.tag_, t.dep_, t.head.i) for t in d] for d in reference.pipe(SENTENCES)]
    assert ours == theirs


def test_blas_thread_limit_is_scoped() -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    before = [p["num_threads"] for p in threadpoolctl.threadpool_info()]
    parse(SENTENCES[:2])
    assert [p["num_threads"] for p in threadpoolctl.threadpool_info()] == before


def test_split_sentences_offsets_point_into_the_text() -> None:
    text = "Serbia mobilised. Kosovo protested!\n\nNATO offered help."
    sents = split_sentences(text)
    assert [s.text for s in sents] == ["Serbia mobilised.", "Kosovo protested!",
                                       "NATO offered help."]
    assert all(text[s.start:s.end] == s.text for s in sents)
    assert [s.paragraph for s in sents] == [0, 0, 1]


@pytest.mark.parametrize("word,lemma", [
    ("retook", "retake"), ("rebuilt", "rebuild"), ("outspent", "outspend"),
    ("rested", "rest"), ("refused", "refuse"), ("withdrew", "withdraw"),
])
def test_prefixed_irregular_verbs(word: str, lemma: str) -> None:
    """Issue 3: "retook" must reach the lexicon's "retake" rule."""
    from flashpoint.lemmas import verb_lemma

    assert verb_lemma(word) == lemma
