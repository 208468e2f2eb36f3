"""The timeline picture of a dyad: stacked QuadClass bars, a Goldstein line, alert markers.

Needs matplotlib (an optional dependency): without it ``timeline_png`` raises ``ConfigError``
with the install command.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from ..errors import ConfigError
from ..model import Alert

QUAD_COLOURS = ("#4c9f70", "#a3d9a5", "#f4a261", "#c0392b")
QUAD_NAMES = ("verbal coop.", "material coop.", "verbal conflict", "material conflict")


def timeline_png(rows: Sequence[Mapping[str, Any]], alerts: Sequence[Alert], path: str,
                 *, title: str = "") -> None:
    """Write the timeline of ``rows`` (the ``flashpoint timeline`` rows) to ``path``."""
    try:
        matplotlib = importlib.import_module("matplotlib")
        matplotlib.use("Agg")
        plt: Any = importlib.import_module("matplotlib.pyplot")
    except ImportError as exc:
        raise ConfigError("the PNG timeline needs matplotlib",
                          "install it: pip install matplotlib", subject="--format png") from exc
    days: list[date] = [r["day"] for r in rows]
    fig, ax = plt.subplots(figsize=(max(6.0, len(days) * 0.25), 4.0))
    bottom = [0.0] * len(days)
    for q in range(4):
        heights = [float(r[f"q{q + 1}"]) for r in rows]
        ax.bar(days, heights, bottom=bottom, color=QUAD_COLOURS[q], label=QUAD_NAMES[q])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    for r in rows:
        if not r["covered"]:
            ax.axvspan(r["day"], r["day"], color="#dddddd", alpha=0.5, linewidth=4)
    ax.set_ylabel("events")
    ax2 = ax.twinx()
    ax2.plot(days, [float(r["goldstein_sum"]) for r in rows], color="black", linewidth=1.2,
             label="Goldstein sum")
    ax2.axhline(0.0, color="grey", linewidth=0.5)
    ax2.set_ylabel("Goldstein sum")
    top = max(bottom, default=1.0) or 1.0
    for a in alerts:
        day = date.fromisoformat(a.day)
        if days and days[0] <= day <= days[-1]:
            marker = "^" if a.direction == "escalation" else "v"
            colour = "#c0392b" if a.direction == "escalation" else "#2e86c1"
            ax.scatter([day], [top * 1.05], marker=marker, color=colour, s=60, zorder=5)
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=7)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
