"""Ownership of a store file: the ``flock`` on ``<db>.lock`` and the owner's loopback RPC server.

The process holding the exclusive ``flock`` is the owner: it opens DuckDB and answers the other
processes over HTTP on ``127.0.0.1`` (ephemeral port), each request carrying a random token.
Port, token and pid are written to the lock file (mode 0600).  The kernel drops the ``flock``
when the owner dies, even by SIGKILL, so a lock is never stale.
"""

from __future__ import annotations

import errno
import fcntl
import hmac
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from ..errors import FlashpointError, StoreError
from ..options import MiB, Options
from . import wire

WAIT_SECONDS = 30.0  # how long open_store waits for a starting or busy owner


@dataclass(frozen=True, slots=True)
class OwnerInfo:
    pid: int
    port: int
    token: str


def lock_path(db_path: str) -> str:
    return db_path + ".lock"


def request_cap(options: Options) -> int:
    """Largest request body the owner accepts: room for one maximal article, raw bytes included."""
    return 32 * MiB + 3 * options.max_file_bytes


class OwnerLock:
    """The exclusive ``flock`` on ``<db>.lock``, held for the owner's lifetime."""

    def __init__(self, db_path: str, fd: int) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self._fd: int | None = fd

    @classmethod
    def try_acquire(cls, db_path: str) -> OwnerLock | None:
        """The lock if no other process holds it, else ``None``."""
        path = lock_path(db_path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise StoreError(
                f"cannot create the lock file {path} ({exc.strerror})",
                "make the directory writable, or choose another store with --db or FLASHPOINT_DB",
                subject=db_path,
            ) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                return None
            raise StoreError(
                f"cannot lock {path} ({exc.strerror})",
                "put the store on a local file system that supports flock",
                subject=db_path,
            ) from exc
        os.fchmod(fd, 0o600)
        os.ftruncate(fd, 0)  # whatever a dead owner left there is stale
        return cls(db_path, fd)

    def publish(self, info: OwnerInfo) -> None:
        """Write how to reach this owner into the lock file."""
        assert self._fd is not None
        data = json.dumps({"pid": info.pid, "port": info.port, "token": info.token}).encode()
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)

    def retract(self) -> None:
        """Empty the lock file so clients stop connecting (the lock itself is still held)."""
        if self._fd is not None:
            os.ftruncate(self._fd, 0)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                os.ftruncate(fd, 0)
            finally:
                os.close(fd)  # closing the descriptor drops the flock


def read_info(db_path: str) -> OwnerInfo | None:
    """The owner's address from the lock file, or ``None`` if absent or not yet written."""
    try:
        with open(lock_path(db_path), "rb") as fh:
            data = json.loads(fh.read(4096).decode("utf-8"))
        return OwnerInfo(int(data["pid"]), int(data["port"]), str(data["token"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def ping(info: OwnerInfo, timeout: float = 5.0) -> bool:
    """Whether the owner at ``info`` answers with the expected token."""
    try:
        with httpx.Client(trust_env=False, timeout=timeout) as client:
            resp = client.post(
                f"http://127.0.0.1:{info.port}/rpc", content=wire.request("ping", {}),
                headers={"Authorization": f"Bearer {info.token}"},
            )
        return resp.status_code == 200 and wire.parse_response(resp.content) == info.pid
    except (httpx.HTTPError, FlashpointError, ValueError):
        return False


def acquire(db_path: str, wait: float = WAIT_SECONDS) -> OwnerLock | OwnerInfo:
    """Become the owner of ``db_path`` or find the live owner (waiting up to ``wait`` seconds
    for an owner that is starting, closing or too busy to answer)."""
    deadline = time.monotonic() + wait
    info: OwnerInfo | None = None
    while True:
        lock = OwnerLock.try_acquire(db_path)
        if lock is not None:
            return lock
        info = read_info(db_path)
        if info is not None and ping(info):
            return info
        if time.monotonic() >= deadline:
            who = f"process {info.pid}" if info is not None else "another process"
            raise StoreError(
                f"the store is locked by {who}, which does not answer",
                "wait for it to finish, or stop it and run the command again",
                subject=db_path,
            )
        time.sleep(0.05)


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # close() waits for requests in flight

    def __init__(self, target: Any, token: str, cap: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.target = target
        self.token = token
        self.cap = cap


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 120  # seconds a client may take to send its request
    server_version = "flashpoint-store"

    def log_message(self, format: str, *args: Any) -> None:  # library code never prints
        return

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _fail(self, status: int, what: str) -> None:
        self._send(status, wire.error(StoreError(what, "check the client and retry")))

    def do_GET(self) -> None:
        self._fail(405, "only POST /rpc is served")

    def do_POST(self) -> None:
        given = self.headers.get("Authorization", "")
        expected = f"Bearer {self.server.token}"
        if not hmac.compare_digest(given.encode(), expected.encode()):
            self._fail(403, "wrong or missing token")
            return
        if self.path != "/rpc":
            self._fail(404, "only POST /rpc is served")
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            self._fail(411, "Content-Length is required")
            return
        if not 0 <= length <= self.server.cap:
            self._fail(413, f"request of {length} bytes exceeds {self.server.cap}")
            return
        body = self.rfile.read(length)
        try:
            method, kwargs = wire.parse_request(body)
        except wire.WireError as exc:
            self._fail(400, str(exc))
            return
        self._send(200, _dispatch(self.server.target, method, kwargs))


def _dispatch(target: Any, method: str, kwargs: dict[str, Any]) -> bytes:
    try:
        if method == "ping":
            return wire.result(os.getpid())
        return wire.result(getattr(target, method)(**kwargs))
    except FlashpointError as exc:
        return wire.error(exc)
    except (TypeError, wire.WireError) as exc:
        return wire.error(StoreError(f"bad call of {method} ({exc})", "check the client version"))
    except Exception as exc:  # the boundary: any failure becomes an error response
        return wire.error(StoreError(
            f"the store owner failed in {method}: {type(exc).__name__}: {exc}",
            "retry; if it persists, report it with the command that failed",
            subject=getattr(target, "path", None),
        ))


class RpcServer:
    """The owner's loopback RPC endpoint (one thread per request, reads run concurrently)."""

    def __init__(self, target: Any, options: Options) -> None:
        self.token = secrets.token_urlsafe(32)
        self._server = _Server(target, self.token, request_cap(options))
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
            name=f"flashpoint-store-rpc:{self.port}", daemon=True,
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting, wait for requests in flight, close the socket."""
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join()
        self._server.server_close()
