"""Trend commands of the ``flashpoint`` CLI: dyads, timeline, alerts (issue 5).

Thin: parse arguments, call the library, print.  Registered on the ``main`` group by ``cli``.
Every command goes through the ``Store`` interface, so it works while another process writes.
``flashpoint alerts`` first brings alerts up to date when the store holds events newer than the
last trend update (the ingest hook normally does it already).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import click

from .cli import _options, boundary, db_option, main, parse_day, parse_dyad
from .errors import ConfigError
from .output import render

ALERT_COLUMNS = ["alert_id", "rev", "day", "dyad", "direction", "channel", "score", "state",
                 "num_sources", "mark", "evidence"]
DYAD_COLUMNS = ["dyad", "score", "events", "conflict", "last_day", "spark"]
TIMELINE_COLUMNS = ["day", "covered", "articles", "events", "q1", "q2", "q3", "q4",
                    "goldstein_sum", "goldstein_mean", "material_share", "alerts"]
_SPARK = " ▁▂▃▄▅▆▇█"




def sparkline(values: list[float]) -> str:
    """A text sparkline of non-negative values (blank = 0)."""
    top = max(values, default=0.0)
    if top <= 0:
        return " " * len(values)
    return "".join(_SPARK[min(8, round(8 * v / top))] for v in values)


@main.group("alerts", invoke_without_command=True)
@click.option("--since", default=None, metavar="DATE", help="Alerts from this day on.")
@click.option("--until", default=None, metavar="DATE", help="Alerts before this day.")
@click.option("--dyad", default=None, metavar="SRC:TGT", help="Directed dyad, e.g. SRB:KSV.")
@click.option("--revisions", is_flag=True, help="Every revision, not only the latest.")
@click.option("--no-refresh", is_flag=True, help="Do not update alerts from new events first.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]),
              default="table", show_default=True)
@db_option
@click.pass_context
@boundary
def alerts_cmd(ctx: click.Context, since: str | None, until: str | None, dyad: str | None,
               revisions: bool, no_refresh: bool, limit: int, fmt: str,
               db: str | None) -> None:
    """List escalation / de-escalation alerts (latest revision of each), newest first."""
    if ctx.invoked_subcommand is not None:
        ctx.obj["db"] = db
        return
    from .store import open_store
    from .trends import refresh

    opts = _options(ctx, db=db)
    with open_store(opts.db, opts) as store:
        if not no_refresh:
            refresh(store, opts)
        pair = parse_dyad(dyad) if dyad else None  # the target is required here
        rows = store.alerts(dyad=(pair[0], pair[1] or "") if pair else None,
                            since=parse_day(since, "--since"),
                            until=parse_day(until, "--until"), revisions=revisions, limit=limit)
    if fmt != "table":
        click.echo(render(rows, fmt, ALERT_COLUMNS), nl=False)
        return
    table = [{"alert_id": a.alert_id, "rev": a.revision, "day": a.day,
              "dyad": f"{a.source}:{a.target}", "direction": a.direction,
              "channel": a.channel, "score": a.score, "state": a.state,
              "num_sources": f"{a.num_sources}{' (single)' if a.single_source else ''}",
              "mark": a.mark or "",
              "evidence": a.top_events[0]["evidence"] if a.top_events else ""}
             for a in rows]
    click.echo(render(table, fmt, ALERT_COLUMNS, {"evidence": 60}), nl=False)


@alerts_cmd.command("mark")
@click.argument("alert_id")
@click.argument("verdict", type=click.Choice(["false", "confirmed", "cleared"]))
@db_option
@click.pass_context
@boundary
def alerts_mark_cmd(ctx: click.Context, alert_id: str, verdict: str, db: str | None) -> None:
    """Mark an alert false or confirmed (cleared removes the mark)."""
    from .store import open_store

    opts = _options(ctx, db=db or ctx.obj.get("db"))
    with open_store(opts.db, opts) as store:
        alert = store.mark_alert(alert_id, verdict)
    click.echo(f"{alert.alert_id}: {alert.mark or 'unmarked'}")


@main.command("dyads")
@click.option("--top", type=int, default=20, show_default=True)
@click.option("--since", default=None, metavar="DATE", help="Series start (default 90 days).")
@click.option("--actor", default=None, help="Only dyads with this actor on either side.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl"]),
              default="table", show_default=True)
@db_option
@click.pass_context
@boundary
def dyads_cmd(ctx: click.Context, top: int, since: str | None, actor: str | None, fmt: str,
              db: str | None) -> None:
    """Directed dyads ranked by current escalation score, with a sparkline of conflict."""
    from .store import open_store
    from .trends.series import load
    from .trends.signals import current_score

    opts = _options(ctx, db=db)
    start = parse_day(since, "--since")
    key = actor.upper() if actor else None
    with open_store(opts.db, opts) as store:
        rows = store.dyad_daily(actor=key, since=start)
        if start is None and rows:  # default: the 90 days up to the last event
            start = max(r["day"] for r in rows) - timedelta(days=89)
            rows = [r for r in rows if r["day"] >= start]
        series = load(store, sorted({(r["source"], r["target"]) for r in rows}), since=start)
    ranked: list[dict[str, Any]] = []
    for s in series:
        conflict = [float(d.quad[2] + d.quad[3]) for d in s.days]
        ranked.append({"dyad": f"{s.source}:{s.target}", "score": round(current_score(s), 2),
                       "events": sum(d.events for d in s.days), "conflict": int(sum(conflict)),
                       "last_day": max((d.day for d in s.days if d.events), default=None),
                       "spark": sparkline(conflict[-30:])})
    ranked.sort(key=lambda r: (-r["score"], -r["conflict"], r["dyad"]))
    click.echo(render(ranked[:top], fmt, DYAD_COLUMNS, {"spark": 30}), nl=False)


@main.command("timeline")
@click.argument("source")
@click.argument("target")
@click.option("--since", default=None, metavar="DATE")
@click.option("--until", default=None, metavar="DATE")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv", "png"]),
              default="table", show_default=True)
@click.option("--out", default=None, metavar="FILE", help="PNG file (default SRC_TGT.png).")
@db_option
@click.pass_context
@boundary
def timeline_cmd(ctx: click.Context, source: str, target: str, since: str | None,
                 until: str | None, fmt: str, out: str | None, db: str | None) -> None:
    """The daily series of one directed dyad (every calendar day, coverage marked)."""
    from .store import open_store
    from .trends.series import load

    opts = _options(ctx, db=db)
    pair = (source.upper(), target.upper())
    with open_store(opts.db, opts) as store:
        found = load(store, [pair], since=parse_day(since, "--since"),
                     until=parse_day(until, "--until"))
        alerts = store.alerts(dyad=pair, limit=1000)
    if not found:
        raise ConfigError(f"no events or coverage for {pair[0]}:{pair[1]}",
                          "check the actor keys with `flashpoint dyads`", subject="timeline")
    marks: dict[str, list[str]] = {}
    for a in alerts:
        marks.setdefault(a.day, []).append(f"{a.direction[:2]}-{a.channel[:3]}")
    rows = [{"day": d.day, "covered": d.covered, "articles": d.articles, "events": d.events,
             "q1": d.quad[0], "q2": d.quad[1], "q3": d.quad[2], "q4": d.quad[3],
             "goldstein_sum": round(d.goldstein_sum, 2),
             "goldstein_mean": round(d.goldstein_mean, 2),
             "material_share": round(d.material_share, 3), "plover": dict(d.plover),
             "alerts": ",".join(marks.get(d.day.isoformat(), []))} for d in found[0].days]
    if fmt == "png":
        from .trends.plot import timeline_png

        path = out or f"{pair[0]}_{pair[1]}.png"
        timeline_png(rows, alerts, path, title=f"{pair[0]} → {pair[1]}")
        click.echo(path)
    elif fmt == "json":
        click.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=2))
    else:
        click.echo(render(rows, fmt, TIMELINE_COLUMNS), nl=False)
