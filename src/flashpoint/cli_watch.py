"""``flashpoint watch``: poll feeds and a drop folder, ingest what is new, report alerts.

Thin: parse arguments, build a ``Watcher`` (``flashpoint.trends.watch``), run it.  SIGTERM and
SIGINT ask the watcher to stop: the current step finishes, the store is closed, exit code 0.
Alert lines go to stdout; progress and errors of single feeds or files go to stderr.
"""

from __future__ import annotations

import signal
from types import FrameType

import click

from .cli import _options, boundary, db_option, main
from .errors import ConfigError


@main.command("watch")
@click.option("--feeds", "feeds_file", default=None, metavar="FILE",
              help="Feeds file: one RSS/Atom URL per line, # comments.")
@click.option("--dir", "drop_dir", default=None, metavar="DIR",
              help="Drop folder: new or changed files in it are ingested.")
@click.option("--interval", default="60s", show_default=True, metavar="TIME",
              help="Time between polls: 60s, 5m, 1h.")
@click.option("--watchlist", default=None, metavar="FILE",
              help="Watch list (TOML/JSON: dyads, actors, countries, min_score).")
@click.option("--alert-log", default=None, metavar="FILE",
              help="Append each reported alert as one JSON line to FILE.")
@click.option("--webhook", default=None, metavar="URL",
              help="POST each reported alert as JSON to URL (3 tries).")
@click.option("--allow-private", is_flag=True,
              help="Allow feeds and webhooks on private/loopback addresses.")
@click.option("--once", is_flag=True, help="Run one cycle and exit (for cron and tests).")
@click.option("--replay", is_flag=True,
              help="On a first run, report the alerts already in the store too.")
@db_option
@click.pass_context
@boundary
def watch_cmd(ctx: click.Context, feeds_file: str | None, drop_dir: str | None, interval: str,
              watchlist: str | None, alert_log: str | None, webhook: str | None,
              allow_private: bool, once: bool, replay: bool, db: str | None) -> None:
    """Watch feeds and/or a drop folder; ingest new articles and print new alerts."""
    from .store import open_store
    from .trends.watch import Watcher, WebhookSender, parse_interval, read_feeds_file
    from .trends.watchlist import WatchList, load_watchlist

    if feeds_file is None and drop_dir is None:
        raise ConfigError("nothing to watch", "give --feeds FILE and/or --dir DIR",
                          subject="watch")
    opts = _options(ctx, db=db, allow_private_addresses=True if allow_private else None)
    seconds = parse_interval(interval)
    urls = read_feeds_file(feeds_file) if feeds_file is not None else []
    wanted = load_watchlist(watchlist) if watchlist is not None else WatchList()
    sender = WebhookSender(webhook, opts) if webhook is not None else None
    with open_store(opts.db, opts) as store:
        watcher = Watcher(store, opts, feeds=urls, drop_dir=drop_dir, watchlist=wanted,
                          alert_log=alert_log, webhook=sender, emit=click.echo,
                          log=lambda line: click.echo(line, err=True), replay=replay)

        def _stop(signum: int, _frame: FrameType | None) -> None:
            click.echo(f"{signal.Signals(signum).name}: stopping after this step", err=True)
            watcher.stop()

        previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            watcher.run(seconds, once=once)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            watcher.close()
