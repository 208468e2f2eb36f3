from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

import flashpoint
from flashpoint.dedup import StoryIndex, shingles, signature, similarity
from flashpoint.errors import ConfigError
from flashpoint.options import Options

VOCAB = [f"{c}{v}{n}" for c in "bdfgklmnprst" for v in "aeiou" for n in ("n", "r", "s", "x")]


def synthetic(seed: int, n: int = 150) -> str:
    rng = random.Random(seed)
    sentences = []
    for _ in range(n // 10):
        sentence = " ".join(rng.choice(VOCAB) for _ in range(10))
        sentences.append(sentence.capitalize() + ".")
    return " ".join(sentences)


BASE = synthetic(1)
OPTS = Options()


def test_signature_shape_and_identity() -> None:
    sig = signature(BASE, OPTS)
    assert isinstance(sig, bytes)
    assert len(sig) == 4 * OPTS.minhash_perm
    assert signature(BASE, OPTS) == sig
    assert similarity(sig, sig) == 1.0
    wider = signature(BASE, OPTS.replace(minhash_perm=128))
    assert len(wider) == 512


def test_normalisation_makes_typography_irrelevant() -> None:
    fancy = BASE.replace(".", ".\u201d\u2014 ").upper()
    assert similarity(signature(BASE, OPTS), signature(fancy, OPTS)) == 1.0


def test_light_edit_and_syndicated_copy_reach_threshold() -> None:
    words = BASE.split()
    words[40] = "zzedited"
    edited = " ".join(words)
    syndicated = "By Staff Writers (Wire) - " + BASE + " Additional reporting by a correspondent."
    sig = signature(BASE, OPTS)
    assert similarity(sig, signature(edited, OPTS)) >= OPTS.near_duplicate_threshold
    assert similarity(sig, signature(syndicated, OPTS)) >= OPTS.near_duplicate_threshold


def test_unrelated_text_is_low() -> None:
    assert similarity(signature(BASE, OPTS), signature(synthetic(2), OPTS)) < 0.2


def test_shingles_of_short_and_empty_text() -> None:
    assert shingles("One two", 4) == ["one two"]
    assert shingles("   ", 4) == []
    assert shingles("a b c d e", 4) == ["a b c d", "b c d e"]


def test_similarity_rejects_mismatched_sizes() -> None:
    with pytest.raises(ConfigError, match="minhash_perm"):
        similarity(signature(BASE, OPTS), signature(BASE, OPTS.replace(minhash_perm=32)))
    with pytest.raises(ConfigError):
        similarity(b"abc", b"abc")


def test_signature_is_deterministic_across_processes() -> None:
    src = str(Path(flashpoint.__file__).resolve().parents[1])
    code = (
        "import sys; from flashpoint.dedup import signature; from flashpoint.options import "
        "Options; sys.stdout.write(signature(sys.stdin.read(), Options()).hex())"
    )
    env = {**os.environ, "PYTHONPATH": src, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], input=BASE, capture_output=True,
                         text=True, env=env, check=True, timeout=60)
    assert out.stdout == signature(BASE, OPTS).hex()


def test_story_index_query_orders_and_filters() -> None:
    index = StoryIndex(OPTS)
    words = BASE.split()
    near = " ".join(words[:-3])
    index.add("b-copy", signature(BASE, OPTS))
    index.add("a-copy", signature(BASE, OPTS))
    index.add("near", signature(near, OPTS))
    index.add("other", signature(synthetic(3), OPTS))
    assert len(index) == 4
    found = index.query(signature(BASE, OPTS))
    ids = [i for i, _ in found]
    assert ids[:2] == ["a-copy", "b-copy"]  # equal similarity: tie broken by id
    assert "near" in ids and "other" not in ids
    assert all(sim >= OPTS.near_duplicate_threshold for _, sim in found)
    assert [s for _, s in found] == sorted((s for _, s in found), reverse=True)


def test_story_index_replace_and_remove() -> None:
    index = StoryIndex(OPTS)
    index.add("x", signature(BASE, OPTS))
    index.add("x", signature(synthetic(4), OPTS))  # replaces, no duplicate key error
    assert len(index) == 1
    assert index.query(signature(BASE, OPTS)) == []
    index.remove("x")
    index.remove("missing")
    assert len(index) == 0 and "x" not in index
    with pytest.raises(ConfigError):
        index.add("y", signature(BASE, OPTS.replace(minhash_perm=32)))
