"""Paths, globs, directories, formats, size limits and capped gzip decompression.

Nothing here reads a whole file without checking its size first, and nothing decompresses without a
cap: ``CappedGzipReader`` stops at ``Options.max_decompressed_bytes`` (gzip bombs) and notices a
truncated or corrupt stream instead of raising.
"""

from __future__ import annotations

import glob
import io
import os
import zlib
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from ..model import Rejection
from ..options import Options

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class Format(StrEnum):
    TEXT = "text"
    HTML = "html"
    JSONL = "jsonl"
    FEED = "feed"
    WARC = "warc"


EXTENSIONS: dict[str, Format] = {
    ".txt": Format.TEXT, ".text": Format.TEXT,
    ".html": Format.HTML, ".htm": Format.HTML, ".xhtml": Format.HTML,
    ".jsonl": Format.JSONL, ".ndjson": Format.JSONL,
    ".xml": Format.FEED, ".rss": Format.FEED, ".atom": Format.FEED, ".feed": Format.FEED,
    ".warc": Format.WARC,
}
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 2048
_GLOB_CHARS = frozenset("*?[")
_READ_CHUNK = 64 * 1024


def format_of(path: str | os.PathLike[str]) -> tuple[Format | None, bool]:
    """The format a name announces and whether it ends in ``.gz``: ``a.warc.gz`` -> (WARC, True).

    ``None`` means the extension is unknown and the content must be sniffed.
    """
    name = os.fspath(path).lower()
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    return EXTENSIONS.get(os.path.splitext(name)[1]), gz


def is_known(path: str | os.PathLike[str]) -> bool:
    """True when a directory walk should pick the file up (a known extension, maybe ``.gz``)."""
    return format_of(path)[0] is not None


def sniff(prefix: bytes) -> Format:
    """Guess the format of a document from its first bytes."""
    head = prefix[:SNIFF_BYTES]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip().lower()
    if head.startswith(b"warc/1."):
        return Format.WARC
    xml_start = head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf"))
    if xml_start and any(tag in head for tag in (b"<rss", b"<feed", b"<rdf")):
        return Format.FEED
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]:
        return Format.HTML
    if head.startswith(b"{"):
        return Format.JSONL
    return Format.TEXT


def is_glob(spec: str) -> bool:
    return any(c in _GLOB_CHARS for c in spec)


def expand(spec: str) -> Iterator[Path | Rejection]:
    """The files a path, directory or glob names, sorted; a ``Rejection`` when there are none.

    Directories are walked recursively; only files with a known extension are taken, hidden files
    and directories (names starting with ``.``) are skipped, symbolic links to directories are not
    followed.  A glob's matches may be files or directories.
    """
    if not spec.strip():
        yield Rejection(spec, "not-found", "an empty path was given — give a file, directory, "
                        "glob, URL or - for standard input")
        return
    path = Path(os.path.expanduser(spec))
    if not path.exists() and is_glob(spec):
        matches = sorted(glob.glob(os.path.expanduser(spec), recursive=True))
        if not matches:
            yield Rejection(
                spec, "no-match",
                f"{spec}: the pattern matches no file — check the pattern and quote it so the "
                "shell does not expand it",
            )
            return
        for match in matches:
            yield from expand_path(Path(match))
        return
    yield from expand_path(path)


def expand_path(path: Path) -> Iterator[Path | Rejection]:
    if path.is_dir():
        found = walk(path)
        if not found:
            yield Rejection(
                str(path), "no-articles",
                f"{path}: the directory has no file with a known extension ("
                + " ".join(sorted(EXTENSIONS)) + ", also .gz) — point at the right directory "
                "or rename the files",
            )
        yield from found
    elif path.exists():
        yield path
    else:
        yield Rejection(
            str(path), "not-found",
            f"{path}: no such file or directory — check the path",
        )


def walk(root: Path) -> list[Path]:
    """Files under ``root`` with known extensions, sorted by their path (deterministic order)."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if not name.startswith(".") and is_known(name):
                found.append(Path(dirpath) / name)
    return sorted(found, key=lambda p: p.parts)


def size_rejection(path: Path, options: Options) -> Rejection | None:
    """``too-large`` when the file on disk exceeds ``max_file_bytes``; ``empty`` when it is 0."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return unreadable(path, exc)
    if size > options.max_file_bytes:
        return Rejection(
            str(path), "too-large",
            f"{path}: the file has {size} bytes, more than max_file_bytes="
            f"{options.max_file_bytes} — split it or raise max_file_bytes",
        )
    if size == 0:
        return Rejection(str(path), "empty", f"{path}: the file is empty — nothing to read")
    return None


def unreadable(path: Path | str, exc: OSError) -> Rejection:
    return Rejection(
        str(path), "unreadable",
        f"{path}: cannot be read ({exc.strerror or exc}) — check that it exists and that you "
        "have permission to read it",
    )


def read_prefix(path: Path, size: int = SNIFF_BYTES) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


class DecompressionLimit(Exception):
    """Raised inside ``read_all`` when the decompressed data passes the cap."""


class CappedGzipReader(io.RawIOBase):
    """A read-only stream of the decompressed bytes of a gzip file (all its members).

    Reading stops (returns ``b""``) when the data runs out or is damaged (``truncated`` is set) or
    when the output reaches ``cap`` bytes and there is more (``too_large`` is set).  With
    ``per_member=True`` the cap applies to each gzip member (WARC files compress every record as
    its own member), otherwise to the whole output.  Input that does not start with the gzip
    magic is passed through unchanged.  ``cap_text`` names the cap in messages (default
    ``max_decompressed_bytes=<cap>``).
    """

    def __init__(
        self, raw: BinaryIO, cap: int, *, per_member: bool = False, cap_text: str | None = None
    ) -> None:
        super().__init__()
        self._cap_text = cap_text or f"max_decompressed_bytes={cap}"
        self._raw = raw
        self._cap = cap
        self._per_member = per_member
        self._pending = b""
        self._plain = False
        self._count = 0  # output bytes counted against the cap
        self._pos = 0  # output bytes delivered
        self._done = False
        self.truncated = False
        self.too_large = False
        self.detail = ""
        first = raw.read(2)
        self._pending = first
        if not first.startswith(GZIP_MAGIC):
            self._plain = True
        self._decomp: zlib._Decompress | None = None if self._plain else self._new()

    @staticmethod
    def _new() -> zlib._Decompress:
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if (whence == 0 and offset == self._pos) or (whence == 1 and offset == 0):
            return self._pos
        raise OSError("CappedGzipReader cannot seek")

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._read(len(view))
        view[: len(data)] = data
        return len(data)

    def _read(self, want: int) -> bytes:
        if self._plain:
            out = self._pending[:want]
            self._pending = self._pending[len(out):]
            if len(out) < want:
                out += self._raw.read(want - len(out))
            self._pos += len(out)
            return out
        buffer = bytearray()
        while len(buffer) < want and not self._done:
            buffer += self._step(want - len(buffer))
        self._pos += len(buffer)
        return bytes(buffer)

    def _step(self, want: int) -> bytes:
        """Decompress up to ``want`` bytes; sets the flags and ``_done`` at the end."""
        decomp = self._decomp
        assert decomp is not None
        if decomp.eof:
            rest = decomp.unused_data or self._raw.read(_READ_CHUNK)
            rest = rest.lstrip(b"\x00")  # zero padding after the last member is common
            while not rest:
                more = self._raw.read(_READ_CHUNK)
                if not more:
                    self._done = True
                    return b""
                rest = more.lstrip(b"\x00")
            decomp = self._decomp = self._new()
            if self._per_member:
                self._count = 0
            self._pending = rest
        data = self._pending or decomp.unconsumed_tail
        self._pending = b""
        if not data:
            data = self._raw.read(_READ_CHUNK)
            if not data:
                self._fail_truncated("the compressed data ends in the middle of a gzip member")
                return b""
        try:
            chunk = decomp.decompress(data, min(want, _READ_CHUNK))
        except zlib.error as exc:
            self._fail_truncated(f"the compressed data is damaged ({exc})")
            return b""
        if decomp.unconsumed_tail:
            self._pending = decomp.unconsumed_tail
        self._count += len(chunk)
        if self._count > self._cap:
            self.too_large = True
            self.detail = (
                f"decompresses to more than {self._cap_text} bytes"
                + (" in one gzip member" if self._per_member else "")
            )
            self._done = True
            return chunk[: len(chunk) - (self._count - self._cap)]  # up to the cap, no more
        return chunk

    def _fail_truncated(self, detail: str) -> None:
        self.truncated = True
        self.detail = detail
        self._done = True


def read_all(path: Path, options: Options) -> bytes:
    """The bytes of a file, decompressed when it is gzip, never more than the caps allow.

    Raises ``DecompressionLimit`` (too large) or ``EOFError`` (truncated) with a detail message.
    The caller has checked the on-disk size against ``max_file_bytes``.
    """
    with path.open("rb") as handle:
        if format_of(path)[1] or read_prefix(path, 2) == GZIP_MAGIC:
            reader = CappedGzipReader(handle, options.max_decompressed_bytes)
            parts: list[bytes] = []
            while chunk := reader.read(_READ_CHUNK):
                parts.append(chunk)
            if reader.too_large:
                raise DecompressionLimit(reader.detail)
            if reader.truncated:
                raise EOFError(reader.detail)
            return b"".join(parts)
        return handle.read(options.max_file_bytes + 1)
