"""Near-duplicate detection: MinHash signatures over word shingles and an LSH story index.

``signature`` is pure and deterministic across processes (datasketch's SHA-1 based hash and a
fixed permutation seed), so worker processes compute it and the store owner only compares.
A signature travels as bytes: the little-endian ``uint32`` array of the MinHash values
(``4 * options.minhash_perm`` bytes).

``StoryIndex`` is the in-memory LSH the store owner keeps for the dedup window; ``query`` returns
only candidates whose estimated Jaccard similarity reaches ``near_duplicate_threshold``.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import numpy.typing as npt
from datasketch import LeanMinHash, MinHash, MinHashLSH

from .errors import ConfigError
from .ids import normalise_text
from .options import Options

SEED = 1
SCHEME = "affine32"
_WORD = re.compile(r"\w+")

Sig = npt.NDArray[np.uint32]


@functools.cache
def _permutations(num_perm: int) -> npt.NDArray[np.uint32]:
    """The permutation parameters for ``num_perm`` (generated once per process)."""
    perms: npt.NDArray[np.uint32] = MinHash(num_perm=num_perm, seed=SEED).permutations
    return perms


def shingles(text: str, size: int) -> list[str]:
    """Word ``size``-grams of the normalised text (one shingle of all words if shorter)."""
    words = _WORD.findall(normalise_text(text))
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i:i + size]) for i in range(len(words) - size + 1)]


def signature(text: str, options: Options) -> bytes:
    """MinHash signature of ``text`` as ``4 * options.minhash_perm`` little-endian bytes."""
    mh = MinHash(
        num_perm=options.minhash_perm,
        seed=SEED,
        permutations=_permutations(options.minhash_perm),
        scheme=SCHEME,
    )
    mh.update_batch([s.encode("utf-8") for s in set(shingles(text, options.shingle_words))])
    return np.asarray(mh.hashvalues, dtype="<u4").tobytes()


def to_array(sig: bytes) -> Sig:
    """The MinHash values of a signature (checks the length is a whole number of values)."""
    if not sig or len(sig) % 4:
        raise ConfigError(
            f"a MinHash signature of {len(sig)} bytes is not a whole number of 32-bit values",
            "compute signatures with flashpoint.dedup.signature",
            subject="signature",
        )
    return np.frombuffer(sig, dtype="<u4").astype(np.uint32)


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the texts behind two signatures (0.0 … 1.0)."""
    va, vb = to_array(a), to_array(b)
    if va.shape != vb.shape:
        raise ConfigError(
            f"signatures of different sizes ({va.size} and {vb.size} permutations) "
            "cannot be compared",
            "compute both with the same minhash_perm option",
            subject="minhash_perm",
        )
    return float(np.count_nonzero(va == vb)) / float(va.size)


class StoryIndex:
    """LSH index of article signatures; ``query`` finds near-duplicates of a signature."""

    def __init__(self, options: Options) -> None:
        self._perm = options.minhash_perm
        self._threshold = options.near_duplicate_threshold
        self._lsh = MinHashLSH(threshold=self._threshold, num_perm=self._perm)
        self._sigs: dict[str, Sig] = {}

    def _lean(self, sig: bytes) -> tuple[Sig, LeanMinHash]:
        values = to_array(sig)
        if values.size != self._perm:
            raise ConfigError(
                f"a signature of {values.size} permutations does not fit an index of {self._perm}",
                "recompute the signature with the current minhash_perm option",
                subject="minhash_perm",
            )
        return values, LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME)

    def add(self, article_id: str, sig: bytes) -> None:
        """Index ``sig`` under ``article_id`` (replacing an earlier signature of that id)."""
        values, lean = self._lean(sig)
        if article_id in self._sigs:
            self.remove(article_id)
        self._lsh.insert(article_id, lean, check_duplication=False)
        self._sigs[article_id] = values

    def remove(self, article_id: str) -> None:
        """Forget ``article_id`` (no error if it is not indexed)."""
        if self._sigs.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def query(self, sig: bytes) -> list[tuple[str, float]]:
        """Indexed ids with similarity >= threshold, best first, ties broken by id."""
        values, lean = self._lean(sig)
        found: list[tuple[str, float]] = []
        for key in self._lsh.query(lean):
            other = self._sigs[str(key)]
            sim = float(np.count_nonzero(values == other)) / float(values.size)
            if sim >= self._threshold:
                found.append((str(key), sim))
        found.sort(key=lambda item: (-item[1], item[0]))
        return found

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def __len__(self) -> int:
        return len(self._sigs)
