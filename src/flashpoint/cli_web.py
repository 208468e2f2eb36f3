"""``flashpoint serve``: the JSON API and the dashboard (``flashpoint.web``) under uvicorn.

Thin: parse arguments, open the store, build the app, run uvicorn.  The server opens the store
like every command: as its owner when no other process holds it (other commands then read and
ingest through it), else as a client of the owner, so it keeps serving while an ingest runs.
``--watch FEEDS`` / ``--dir DIR`` run the ``flashpoint watch`` loop in a background thread of
the server (alert lines go to stdout, progress and errors to stderr).  uvicorn handles SIGINT and
SIGTERM: requests in flight finish, the watcher ends its current step, the store is closed
and the command exits with 0.
"""

from __future__ import annotations

import ipaddress
import signal
from types import FrameType

import click

from .cli import _options, boundary, db_option, main
from .errors import ConfigError


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@main.command("serve")
@click.option("--host", default=None, metavar="HOST",
              help="Address to bind (default 127.0.0.1: this machine only).")
@click.option("--port", type=int, default=None, metavar="PORT", help="Port (default 8000).")
@click.option("--watch", "feeds_file", default=None, metavar="FEEDS",
              help="Also watch the feeds of this file (one RSS/Atom URL per line).")
@click.option("--dir", "drop_dir", default=None, metavar="DIR",
              help="Also watch this drop folder (new or changed files are ingested).")
@click.option("--interval", default="60s", show_default=True, metavar="TIME",
              help="Time between watch cycles and index/ranking refreshes: 60s, 5m, 1h.")
@click.option("--allow-private", is_flag=True,
              help="Allow watched feeds on private/loopback addresses.")
@db_option
@click.pass_context
@boundary
def serve_cmd(ctx: click.Context, host: str | None, port: int | None, feeds_file: str | None,
              drop_dir: str | None, interval: str, allow_private: bool,
              db: str | None) -> None:
    """Serve the JSON API (/api/…, OpenAPI at /docs) and the dashboard over HTTP."""
    import uvicorn

    from .store import open_store
    from .trends.watch import Watcher, parse_interval, read_feeds_file
    from .web.app import create_app

    opts = _options(ctx, db=db, host=host, port=port,
                    allow_private_addresses=True if allow_private else None)
    if not 0 < opts.port < 65536:
        raise ConfigError(f"port {opts.port} is out of range", "give a port from 1 to 65535",
                          subject="--port")
    if not _is_loopback(opts.host):
        click.echo(f"warning: serving on {opts.host}: other machines can reach the API "
                   "(no authentication for reads)", err=True)
    seconds = parse_interval(interval)
    urls = read_feeds_file(feeds_file) if feeds_file is not None else []
    with open_store(opts.db, opts) as store:
        watcher = None
        if feeds_file is not None or drop_dir is not None:
            watcher = Watcher(store, opts, feeds=urls, drop_dir=drop_dir, emit=click.echo,
                              log=lambda line: click.echo(line, err=True))
        app = create_app(opts, store=store, background=True, watcher=watcher,
                         interval=seconds)
        role = "owner" if store.is_owner else "client of the owning process"
        click.echo(f"serving {store.path} ({role}) on http://{opts.host}:{opts.port}/",
                   err=True)
        # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal with the
        # handler it found installed: make that one a no-op so the command ends normally (0).
        previous = {sig: signal.signal(sig, _ignore) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            uvicorn.run(app, host=opts.host, port=opts.port, log_level="warning",
                        server_header=False, proxy_headers=False)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if watcher is not None:
                watcher.close()
        click.echo("stopped", err=True)


def _ignore(signum: int, frame: FrameType | None) -> None:
    return
