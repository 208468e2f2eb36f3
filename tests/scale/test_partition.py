"""The shared partition function, the clustering stage and the manifest reader."""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pyarrow as pa
import pytest

from flashpoint.errors import InputError
from flashpoint.export.arrow import ARTICLE_SCHEMA, MENTION_SCHEMA, events_from_table
from flashpoint.options import Options
from flashpoint.scale.cluster import (
    MEMBER_SCHEMA,
    cluster_batches,
    cluster_members,
    dedupe,
    members_from,
)
from flashpoint.scale.layout import read_manifest, run_id, tally
from flashpoint.scale.partition import BatchJob, Chunk, code_warc, is_file_level
from flashpoint.scale.sample import bad_record, corpus_pages, write_garbage, write_warc

START = datetime(2023, 9, 24, 8, 0, tzinfo=UTC)
AS_OF = datetime(2024, 1, 1)


@pytest.fixture(scope="module")
def chunks(sample_corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Chunk]:
    folder = tmp_path_factory.mktemp("partition")
    pages = corpus_pages(sample_corpus / "txt", 3, start=START)
    path = folder / "three.warc.gz"
    write_warc(path, [pages[0], bad_record("https://x.example/broken", START), *pages[1:]])
    return list(code_warc(str(path), BatchJob(Options(), AS_OF, batch=2)))


def test_chunks_hold_articles_mentions_and_members(chunks: list[Chunk]) -> None:
    assert len(chunks) == 2  # 3 good records in batches of 2
    articles = pa.concat_tables([c.articles for c in chunks])
    mentions = pa.concat_tables([c.mentions for c in chunks])
    assert articles.schema.equals(ARTICLE_SCHEMA) and mentions.schema.equals(MENTION_SCHEMA)
    assert articles.num_rows == 3
    assert articles.column("story_id").to_pylist() == articles.column("article_id").to_pylist()
    assert set(articles.column("published_date").to_pylist()) == {START.date()}
    assert mentions.num_rows > 0
    members = pa.concat_tables([c.members for c in chunks])
    assert members.schema.equals(MEMBER_SCHEMA)
    negated = sum(mentions.column("negated").to_pylist())
    assert members.num_rows == mentions.num_rows - negated
    assert set(members.column("mention_id").to_pylist()) <= set(
        mentions.column("mention_id").to_pylist())
    assert sum(c.read for c in chunks) == 4


def test_bad_record_is_counted_and_the_file_goes_on(chunks: list[Chunk]) -> None:
    rejected = [r for c in chunks for r in c.rejected]
    assert [r.reason for r in rejected] == ["invalid-encoding"]
    assert rejected[0].origin.endswith("three.warc.gz#2")
    assert not is_file_level(rejected[0])
    reasons, bad = tally(rejected)
    assert reasons == {"invalid-encoding": 1} and bad == ()


def test_bad_files_never_raise(tmp_path: Path) -> None:
    job = BatchJob(Options(), AS_OF)
    garbage = tmp_path / "garbage.warc.gz"
    write_garbage(garbage)
    found = [r for p in (garbage, tmp_path / "missing.warc.gz", "s3://bucket/x.warc.gz")
             for c in code_warc(str(p), job) for r in c.rejected]
    assert [r.reason for r in found] == ["invalid-warc", "unreadable", "unsupported-path"]
    assert "data.commoncrawl.org" in found[2].detail
    assert all(is_file_level(r) for r in found)
    reasons, bad = tally(found)
    assert len(bad) == 3 and reasons["unreadable"] == 1


def test_streamed_clustering_equals_clustering_everything(chunks: list[Chunk]) -> None:
    members = members_from(pa.concat_tables([c.members for c in chunks]))
    whole = cluster_members(members)
    assert whole
    keys = ("source_key", "target_key", "cameo_root", "mention_id")
    table = pa.concat_tables([c.members for c in chunks]).sort_by(
        [(k, "ascending") for k in keys])
    streamed = events_from_table(pa.Table.from_batches(
        list(cluster_batches(table.to_batches(max_chunksize=3)))))
    assert sorted(streamed, key=lambda e: e.event_id) == whole
    # A member of the last group put first: that group comes back after others.
    assert len({m.group for m in members}) >= 2
    unsorted = pa.concat_tables([table.slice(table.num_rows - 1, 1), table])
    with pytest.raises(InputError, match="not sorted by group"):
        list(cluster_batches(unsorted.to_batches()))


def test_a_mention_seen_twice_counts_once(chunks: list[Chunk]) -> None:
    members = members_from(pa.concat_tables([c.members for c in chunks]))
    twice = dedupe([*members, *reversed(members)])
    assert twice == dedupe(members) and len(twice) == len(members)
    assert cluster_members([*members, *members]) == cluster_members(members)


def test_read_manifest(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz").write_bytes(b"")
    text = "# CC-NEWS\ncrawl-data/x/a.warc.gz\n\n/abs/b.warc.gz\nfile:///c.warc.gz\n"
    plain = tmp_path / "warc.paths"
    plain.write_text(text)
    packed = tmp_path / "warc.paths.gz"
    packed.write_bytes(gzip.compress(text.encode()))
    expected = [f"{tmp_path}/crawl-data/x/a.warc.gz", "/abs/b.warc.gz", "file:///c.warc.gz"]
    assert read_manifest(plain) == expected == read_manifest(packed)
    assert read_manifest(plain, base="/data")[0] == "/data/crawl-data/x/a.warc.gz"
    (tmp_path / "empty.paths").write_text("# nothing\n")
    with pytest.raises(InputError, match="lists no WARC files"):
        read_manifest(tmp_path / "empty.paths")
    with pytest.raises(InputError, match="cannot read the manifest"):
        read_manifest(tmp_path / "absent.paths")


def test_run_id_depends_on_manifest_and_coder_version() -> None:
    assert run_id(["a", "b"], "v1") == run_id(["a", "b"], "v1")
    assert run_id(["a", "b"], "v1") != run_id(["b", "a"], "v1")
    assert run_id(["a", "b"], "v1") != run_id(["a", "b"], "v2")


@pytest.fixture
def warc_server(sample_corpus: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A loopback HTTP server holding one WARC file (and redirecting /moved to it)."""
    path = tmp_path / "served.warc.gz"
    write_warc(path, corpus_pages(sample_corpus / "txt", 2, start=START))
    body = path.read_bytes()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/moved":
                self.send_response(302)
                self.send_header("Location", "/served.warc.gz")
                self.end_headers()
                return
            if self.path != "/served.warc.gz":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", path
    finally:
        server.shutdown()
        server.server_close()


def test_warc_over_http_is_downloaded_and_coded_like_a_local_file(
        warc_server: tuple[str, Path]) -> None:
    """Issue 7: a manifest may list http(s) URLs (Common Crawl: --base
    https://data.commoncrawl.org/); the file is streamed to a temporary file and coded."""
    base, local = warc_server
    job = BatchJob(Options(allow_private_addresses=True), AS_OF)
    local_ids = [a for c in code_warc(str(local), job)
                 for a in c.articles.column("article_id").to_pylist()]
    for url in (f"{base}/served.warc.gz", f"{base}/moved"):
        chunks = list(code_warc(url, job))
        assert [a for c in chunks for a in c.articles.column("article_id").to_pylist()] == \
            local_ids
        assert all(c.path == url for c in chunks)
    missing = [r for c in code_warc(f"{base}/nothing.warc.gz", job) for r in c.rejected]
    assert [r.reason for r in missing] == ["unreachable"] and "404" in missing[0].detail


def test_warc_download_keeps_the_address_rule_and_the_size_cap(
        warc_server: tuple[str, Path]) -> None:
    base, local = warc_server
    refused = [r for c in code_warc(f"{base}/served.warc.gz", BatchJob(Options(), AS_OF))
               for r in c.rejected]
    assert [r.reason for r in refused] == ["unreachable"]
    assert "private" in refused[0].detail or "loopback" in refused[0].detail
    small = Options(allow_private_addresses=True, max_warc_bytes=100)
    capped = [r for c in code_warc(f"{base}/served.warc.gz", BatchJob(small, AS_OF))
              for r in c.rejected]
    assert [r.reason for r in capped] == ["unreachable"]
    assert "max_warc_bytes" in capped[0].detail and local.stat().st_size > 100
