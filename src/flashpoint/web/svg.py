"""Inline SVG charts of the dashboard, built in Python (no chart library, no script).

Every function returns ``markupsafe.Markup``: numbers are formatted by us and every piece of
text (actor keys, place names, tooltips) goes through ``escape``, so a hostile place name or
actor code cannot inject markup.  Colours live in ``static/style.css`` (classes ``q1``..``q4``,
``nocover``, ``alert-esc``…); only geometry is written here.  Links are SVG ``<a href>``, so the
charts work without JavaScript and under a CSP without inline scripts or styles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from ..model import Alert
from ..trends.series import DyadDay
from .assets import Country

QUAD_NAMES = ("verbal cooperation", "material cooperation", "verbal conflict",
              "material conflict")


def _n(value: float) -> str:
    """A compact number for SVG attributes."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def sparkline(values: Sequence[float], *, width: int = 120, height: int = 24,
              label: str = "") -> Markup:
    """A small bar sparkline of non-negative ``values`` (the last 30 days of conflict)."""
    top = max(values, default=0.0)
    n = max(len(values), 1)
    step = width / n
    bars = []
    for i, v in enumerate(values):
        if v <= 0 or top <= 0:
            continue
        h = max(1.0, (height - 2) * v / top)
        bars.append(f'<rect class="spark-bar" x="{_n(i * step)}" y="{_n(height - h)}" '
                    f'width="{_n(max(step - 1, 1))}" height="{_n(h)}"/>')
    title = escape(label)
    return Markup(
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{title}"><title>{title}</title>'
        f'<line class="spark-base" x1="0" y1="{height - 0.5}" x2="{width}" '
        f'y2="{height - 0.5}"/>{"".join(bars)}</svg>')


@dataclass(frozen=True, slots=True)
class Timeline:
    """Layout constants of the dyad timeline."""

    width: float = 1100.0  # the days share this width …
    min_day: float = 4.0  # … each between these widths
    max_day: float = 48.0
    bar_height: float = 160.0  # area of the stacked bars
    marker_band: float = 18.0  # alert markers above the bars
    axis_band: float = 34.0  # date labels below
    left: float = 40.0
    right: float = 44.0


def timeline(days: Sequence[DyadDay], alerts: Sequence[Alert],
             day_href: Callable[[date], str], *, selected: date | None = None,
             layout: Timeline = Timeline()) -> Markup:
    """The dyad timeline: per day a stacked QuadClass bar (a link to the day), a hatched
    background on days without coverage, the Goldstein sum as a line on its own scale (right
    axis) and alert markers (▲ escalation, ▼ de-escalation) above the day."""
    lay = layout
    n = max(len(days), 1)
    dw = min(lay.max_day, max(lay.min_day, lay.width / n))
    width = lay.left + n * dw + lay.right
    top = lay.marker_band
    base = top + lay.bar_height
    height = base + lay.axis_band
    most = max((d.events for d in days), default=0) or 1
    g_abs = max((abs(d.goldstein_sum) for d in days), default=0.0) or 1.0
    g_mid = top + lay.bar_height / 2

    def gy(v: float) -> float:
        return g_mid - (lay.bar_height / 2 - 4) * v / g_abs

    parts: list[str] = [
        f'<svg class="timeline" viewBox="0 0 {_n(width)} {_n(height)}" width="{_n(width)}" '
        f'height="{_n(height)}" role="img" aria-label="daily events by QuadClass">'
        f'<title>daily events by QuadClass, Goldstein sum and alerts</title>',
        f'<text class="axis-label" x="2" y="{_n(top + 10)}">{most}</text>',
        f'<text class="axis-label" x="2" y="{_n(base)}">0</text>',
        f'<text class="axis-label g-label" x="{_n(width - lay.right + 4)}" '
        f'y="{_n(gy(g_abs) + 10)}">{_n(g_abs)}</text>',
        f'<text class="axis-label g-label" x="{_n(width - lay.right + 4)}" '
        f'y="{_n(gy(-g_abs))}">{_n(-g_abs)}</text>',
        f'<line class="axis" x1="{_n(lay.left)}" y1="{_n(base)}" '
        f'x2="{_n(width - lay.right)}" y2="{_n(base)}"/>',
        f'<line class="g-zero" x1="{_n(lay.left)}" y1="{_n(g_mid)}" '
        f'x2="{_n(width - lay.right)}" y2="{_n(g_mid)}"/>',
    ]
    marks: dict[date, list[Alert]] = {}
    for a in alerts:
        try:
            marks.setdefault(date.fromisoformat(a.day), []).append(a)
        except ValueError:
            continue
    points: list[str] = []
    last_label = -1e9
    for i, d in enumerate(days):
        x = lay.left + i * dw
        cls = "day" + ("" if d.covered else " nocover") + (" selected" if d.day == selected
                                                          else "")
        tip = _day_tip(d)
        parts.append(f'<a class="day-link" href="{escape(day_href(d.day))}" '
                     f'data-day="{d.day.isoformat()}"><title>{escape(tip)}</title>'
                     f'<rect class="{cls}" x="{_n(x)}" y="{_n(top)}" '
                     f'width="{_n(dw)}" height="{_n(lay.bar_height)}"/>')
        y = base
        for q in range(4):
            if d.quad[q] <= 0:
                continue
            h = lay.bar_height * d.quad[q] / most
            y -= h
            gap = min(2.0, dw / 6)
            parts.append(f'<rect class="bar q{q + 1}" x="{_n(x + gap)}" y="{_n(y)}" '
                         f'width="{_n(dw - 2 * gap)}" height="{_n(h)}"/>')
        parts.append("</a>")
        points.append(f"{_n(x + dw / 2)},{_n(gy(d.goldstein_sum))}")
        if (d.day.day == 1 or i == 0 or d.day.weekday() == 0) and x - last_label >= 44:
            last_label = x
            parts.append(f'<text class="axis-label" x="{_n(x + 1)}" y="{_n(base + 14)}">'
                         f'{d.day.strftime("%d %b")}</text>')
        for k, a in enumerate(marks.get(d.day, [])):
            esc = a.direction == "escalation"
            cx = x + dw / 2
            cy = top - 4 - k * 7 if esc else top - 10 - k * 7
            tri = (f"{_n(cx - 5)},{_n(cy)} {_n(cx + 5)},{_n(cy)} {_n(cx)},{_n(cy - 8)}" if esc
                   else f"{_n(cx - 5)},{_n(cy - 8)} {_n(cx + 5)},{_n(cy - 8)} {_n(cx)},{_n(cy)}")
            label = (f"{a.direction} alert ({a.channel}), score {a.score:.2f}, "
                     f"{a.num_sources} source(s)")
            parts.append(f'<polygon class="alert-marker {"alert-esc" if esc else "alert-deesc"}"'
                         f' points="{tri}"><title>{escape(label)}</title></polygon>')
    if len(points) > 1:
        # The line passes over the day links: it must not take their clicks (each day's
        # tooltip gives its Goldstein sum).
        parts.append(f'<polyline class="goldstein" pointer-events="none" '
                     f'points="{" ".join(points)}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _day_tip(d: DyadDay) -> str:
    if not d.covered and not d.events:
        return f"{d.day.isoformat()}: no coverage of either actor"
    quads = ", ".join(f"{name} {c}" for name, c in zip(QUAD_NAMES, d.quad, strict=True) if c)
    return (f"{d.day.isoformat()}: {d.events} event(s)" + (f" ({quads})" if quads else "")
            + f", Goldstein {d.goldstein_sum:+.1f}" + ("" if d.covered else ", no coverage"))


@dataclass(frozen=True, slots=True)
class MapPoint:
    """Events at one location."""

    lat: float
    lon: float
    place: str
    country: str | None
    events: int
    href: str


def view_box(points: Sequence[MapPoint], *, world: bool = False,
             min_span: float = 20.0, pad: float = 4.0) -> tuple[float, float, float, float]:
    """The ``viewBox`` (x, y, w, h in degrees, y = -lat) that frames ``points`` (whole world
    when ``world`` or when there are none); at least ``min_span`` degrees wide."""
    if world or not points:
        return (-180.0, -90.0, 360.0, 180.0)
    lons = [p.lon for p in points]
    lats = [-p.lat for p in points]
    x0, x1 = min(lons) - pad, max(lons) + pad
    y0, y1 = min(lats) - pad, max(lats) + pad
    w = max(x1 - x0, min_span)
    h = max(y1 - y0, min_span / 2)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    x0 = max(-180.0, cx - w / 2)
    y0 = max(-90.0, cy - h / 2)
    return (x0, y0, min(w, 180.0 - x0), min(h, 90.0 - y0))


def world_map(points: Sequence[MapPoint], countries: Sequence[Country] | None, *,
              world: bool = False) -> Markup:
    """Country outlines (when installed) and one circle per location, its area proportional
    to the number of events there; each circle links to the events at that place."""
    x, y, w, h = view_box(points, world=world)
    r_max = 0.025 * w  # circle radii scale with the zoom
    most = max((p.events for p in points), default=1) or 1
    parts = [f'<svg class="map" viewBox="{_n(x)} {_n(y)} {_n(w)} {_n(h)}" '
             f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="event map">'
             f'<title>events by location</title>'
             '<rect class="sea" x="-540" y="-270" width="1080" height="540"/>']
    for c in countries or ():
        parts.append(f'<path class="country" d="{c.path}"><title>{escape(c.name)}</title>'
                     f'</path>')
    for p in sorted(points, key=lambda p: -p.events):  # big circles first, small on top
        r = max(0.15, (p.events / most) ** 0.5) * r_max  # area proportional to events
        label = f"{p.place}" + (f" ({p.country})" if p.country else "") + f": {p.events} event(s)"
        parts.append(f'<a href="{escape(p.href)}"><circle class="point" cx="{_n(p.lon)}" '
                     f'cy="{_n(-p.lat)}" r="{r:.3f}" data-events="{p.events}">'
                     f'<title>{escape(label)}</title></circle></a>')
    parts.append("</svg>")
    return Markup("".join(parts))
