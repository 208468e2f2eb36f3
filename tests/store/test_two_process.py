"""Two processes on one store: a child owner that keeps writing and is SIGKILLed, and this
process reading (and writing) through it, then taking over after the kill."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import ModuleType

import flashpoint
from flashpoint.options import Options
from flashpoint.store import LocalStore, RemoteStore, open_store

CHILD = '''
import random, sys, time
from flashpoint import ids
from flashpoint.dedup import signature
from flashpoint.model import Article
from flashpoint.options import Options

VOCAB = [f"{c}{v}{e}" for c in "bcdfghklmnprstvz" for v in "aeiou" for e in "lnrs"]
PER_BATCH = 20


def make(text, url, source):
    canonical = ids.canonical_url(url)
    return Article(article_id=ids.article_id(canonical, text), content_sha=ids.content_sha(text),
                   title=text[:24], text=text, origin=url, url=url, canonical_url=canonical,
                   source=source, raw=text.encode())


def batch(k, tag="child"):
    """PER_BATCH distinct articles, then an exact copy of the first one from another outlet."""
    opts = Options()
    arts = []
    for i in range(PER_BATCH):
        rng = random.Random(f"{tag}-{k}-{i}")
        text = " ".join(rng.choice(VOCAB) for _ in range(150))
        arts.append(make(text, f"https://src{i % 4}.example/{tag}/{k}/{i}", f"Src{i % 4}"))
    arts.append(make(arts[0].text, f"https://mirror.example/{tag}/{k}", "Mirror"))
    return [(a, signature(a.text, opts)) for a in arts]


if __name__ == "__main__":
    from flashpoint.store import open_store

    store = open_store(sys.argv[1], Options())
    print("OWNER" if store.is_owner else "CLIENT", flush=True)
    for k in range(100000):
        store.add_articles(batch(k))
        print(f"DONE {k}", flush=True)
        time.sleep(0.02)
'''


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("fp_store_child", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_child_owner_writes_while_we_read_then_dies(tmp_path: Path) -> None:
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    child_mod = _load(script)
    db = tmp_path / "shared.duckdb"
    src = str(Path(flashpoint.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(script), str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(
        line.strip() for line in iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    opts = Options()
    try:
        deadline = time.monotonic() + 30
        while not any(line.startswith("DONE") for line in lines):
            assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "child never wrote"
            time.sleep(0.05)
        assert lines[0] == "OWNER"

        client = open_store(db, opts)
        assert isinstance(client, RemoteStore) and not client.is_owner
        counts: list[int] = []
        ours = child_mod.batch(0, tag="parent")
        written = False
        until = time.monotonic() + 2.5
        while time.monotonic() < until:
            stats = client.stats()
            counts.append(stats["articles"])
            assert stats["versions"] == stats["articles"]
            assert len(client.articles(limit=5)) == 5
            if not written and len(counts) > 3:
                statuses = [o.status for o in client.add_articles(ours)]
                assert statuses == ["new"] * 20 + ["duplicate"]
                written = True
            time.sleep(0.02)
        assert written and len(counts) > 10
        assert counts == sorted(counts) and counts[-1] > counts[0]  # we saw the store grow

        os.kill(proc.pid, signal.SIGKILL)  # mid-write, most likely
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        reader.join(5)
    done = [int(line.split()[1]) for line in lines if line.startswith("DONE")]
    last = max(done)
    per = child_mod.PER_BATCH

    with open_store(db, opts) as fresh:  # the kill left no stale lock; the WAL is recovered
        assert isinstance(fresh, LocalStore)
        stats = fresh.stats()
        assert stats["articles"] >= per * (last + 1) + per
        for k in range(last + 2):  # the batches the child committed, and the one in flight
            outcomes = fresh.add_articles(child_mod.batch(k))
            if k <= last:
                assert {o.status for o in outcomes} == {"duplicate"}
        after = fresh.stats()
        assert after["articles"] == after["versions"] == per * (last + 2) + per
        # the old client finds the new owner (this process) on its next call
        assert client.stats()["articles"] == after["articles"]
        assert not client.is_owner
        client.close()
