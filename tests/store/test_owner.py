"""Owner and client in one process: the lock file, the RPC endpoint, handover, concurrency."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from flashpoint.errors import NotFoundError, StoreError
from flashpoint.model import Article
from flashpoint.options import Options
from flashpoint.store import LocalStore, RemoteStore, Store, open_store, owner, writer

Pair = Callable[[Article], tuple[Article, bytes]]
Make = Callable[..., Article]
Text = Callable[..., str]


def _info(db_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(Path(f"{db_path}.lock").read_text())
    return data


def test_lock_file_describes_the_owner(store: Store, db_path: Path) -> None:
    lock = Path(f"{db_path}.lock")
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    info = _info(db_path)
    assert info["pid"] == os.getpid() and len(info["token"]) >= 32
    with httpx.Client(trust_env=False) as client:
        ok = client.post(f"http://127.0.0.1:{info['port']}/rpc",
                         content=b'{"method":"schema_version","kwargs":{}}',
                         headers={"Authorization": f"Bearer {info['token']}"})
    assert ok.status_code == 200 and json.loads(ok.content)["result"] >= 2


def test_rpc_endpoint_refuses_bad_requests(store: Store, db_path: Path) -> None:
    info = _info(db_path)
    url = f"http://127.0.0.1:{info['port']}"
    auth = {"Authorization": f"Bearer {info['token']}"}
    body = b'{"method":"stats","kwargs":{}}'
    with httpx.Client(base_url=url, trust_env=False) as client:
        assert client.post("/rpc", content=body).status_code == 403
        assert client.post("/rpc", content=body,
                           headers={"Authorization": "Bearer wrong"}).status_code == 403
        assert client.get("/rpc", headers=auth).status_code == 405
        assert client.post("/other", content=body, headers=auth).status_code == 404
        assert client.post("/rpc", content=b"{nope", headers=auth).status_code == 400
        closing = client.post("/rpc", content=b'{"method":"close","kwargs":{}}', headers=auth)
        assert closing.status_code == 400 and b"cannot be called" in closing.content
    too_big = owner.request_cap(Options()) + 1
    with socket.create_connection(("127.0.0.1", info["port"]), timeout=10) as sock:
        sock.sendall(f"POST /rpc HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {info['token']}"
                     f"\r\nContent-Length: {too_big}\r\n\r\n".encode())
        assert sock.recv(64).startswith(b"HTTP/1.0 413")
    assert store.stats()["articles"] == 0  # still open and serving


def test_second_open_is_a_client(store: Store, db_path: Path, opts: Options, article: Make,
                                 text_of: Text, pair: Pair) -> None:
    with open_store(db_path, opts) as client:
        assert isinstance(client, RemoteStore) and not client.is_owner
        assert client.path == store.path
        a = article(text_of(40), "https://c.example/1")
        out = client.add_articles([pair(a)])
        assert out[0].status == "new"
        assert store.get_article(a.article_id).text == a.text
        assert client.get_article(a.article_id, with_raw=True).raw == a.raw
        assert client.stories()[0].article_ids == (a.article_id,)
        run = client.start_run("ingest", {"x": 1})
        client.finish_run(run, {"new": 1})
        with pytest.raises(NotFoundError, match="not in the store"):
            client.get_article("nothing")
    assert store.stats()["runs"] == 1


def test_close_shuts_the_endpoint_and_hands_over(db_path: Path, opts: Options,
                                                 article: Make, text_of: Text,
                                                 pair: Pair) -> None:
    first = open_store(db_path, opts)
    client = open_store(db_path, opts)
    assert first.is_owner and not client.is_owner
    port = _info(db_path)["port"]
    first.add_articles([pair(article(text_of(41), "https://c.example/2"))])
    first.close()
    assert Path(f"{db_path}.lock").read_text() == ""
    with pytest.raises(httpx.ConnectError), httpx.Client(trust_env=False) as raw:
        raw.post(f"http://127.0.0.1:{port}/rpc", content=b"{}")
    # the client notices the owner is gone and becomes the owner itself
    assert client.stats()["articles"] == 1
    assert client.is_owner
    client.add_articles([pair(article(text_of(42), "https://c.example/3"))])
    client.close()
    with open_store(db_path, opts) as again:
        assert again.is_owner and again.stats()["articles"] == 2


def test_reads_are_not_blocked_by_a_write(store: Store, db_path: Path, opts: Options,
                                          article: Make, text_of: Text, pair: Pair,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_articles([pair(article(text_of(43), "https://c.example/4"))])
    inside, release = threading.Event(), threading.Event()
    real_write = writer._write

    def slow_write(con: Any, plan: Any) -> None:
        real_write(con, plan)
        inside.set()  # rows inserted, transaction still open
        assert release.wait(20)

    monkeypatch.setattr(writer, "_write", slow_write)
    result: list[Any] = []
    t = threading.Thread(target=lambda: result.append(store.add_articles(
        [pair(article(text_of(44), "https://c.example/5"))])))
    t.start()
    try:
        assert inside.wait(20)
        with open_store(db_path, opts) as client:
            assert client.stats()["articles"] == 1  # answered during the write: old snapshot
            assert len(client.articles()) == 1
        assert store.stats()["articles"] == 1
    finally:
        release.set()
        t.join(20)
    assert result and result[0][0].status == "new"
    assert store.stats()["articles"] == 2


def test_unanswering_lock_holder_times_out(db_path: Path) -> None:
    held = owner.OwnerLock.try_acquire(str(db_path))
    assert held is not None
    try:
        held.publish(owner.OwnerInfo(pid=4242, port=1, token="t"))
        assert owner.OwnerLock.try_acquire(str(db_path)) is None
        with pytest.raises(StoreError, match="process 4242, which does not answer"):
            owner.acquire(str(db_path), wait=0.3)
    finally:
        held.release()
    again = owner.acquire(str(db_path), wait=0.3)
    assert isinstance(again, owner.OwnerLock)
    again.release()


def test_closed_store_refuses_calls(db_path: Path, opts: Options) -> None:
    st = open_store(db_path, opts)
    assert isinstance(st, LocalStore)
    st.close()
    st.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        st.stats()
