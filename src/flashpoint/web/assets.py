"""Offline map data for the dashboard: country outlines from npm's ``world-atlas``.

The package is third-party *data* (TopoJSON), installed by ``make`` outside the package source
(``npm install --no-save --prefix build/web world-atlas@2``) and never committed.  We look for it
in, in order:

1. the ``assets_dir`` argument (a caller's option),
2. the environment variable ``FLASHPOINT_ASSETS`` (a ``node_modules`` folder, or any folder that
   holds ``world-atlas/countries-110m.json``),
3. ``<repository>/build/web/node_modules`` (where ``make install`` puts it).

The TopoJSON is decoded here, in Python: quantised, delta-encoded arcs are turned back into
longitude/latitude rings, and each country becomes one SVG path in an equirectangular projection
(x = longitude, y = -latitude, in degrees; the page's ``viewBox`` does the scaling).  When the file
is absent, ``country_paths`` returns ``None`` and the map page says how to install it.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import DataFileError

ENV_VAR = "FLASHPOINT_ASSETS"
ATLAS_FILE = Path("world-atlas") / "countries-110m.json"
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DIR = REPO_ROOT / "build" / "web" / "node_modules"
INSTALL_HINT = (
    "install the map outlines with `make install` or "
    "`npm install --no-save --prefix build/web world-atlas@2` in the repository, "
    f"or point {ENV_VAR} at a node_modules folder holding world-atlas"
)
MAX_ATLAS_BYTES = 20 * 1024 * 1024  # countries-110m.json is ~110 kB; refuse anything absurd

Ring = list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class Country:
    """One country outline: its name, ISO numeric id (as in world-atlas) and SVG path data."""

    name: str
    iso_numeric: str
    path: str


def find_atlas(
    assets_dir: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None,
    default: Path | None = DEFAULT_DIR,
) -> Path | None:
    """The path of ``countries-110m.json``, or ``None`` when it is not installed
    (``default=None`` skips the repository's build folder)."""
    environ = os.environ if env is None else env
    candidates: list[Path] = []
    if assets_dir is not None:
        candidates.append(Path(assets_dir))
    if environ.get(ENV_VAR):
        candidates.append(Path(environ[ENV_VAR]))
    if default is not None:
        candidates.append(default)
    for base in candidates:
        for path in (base / ATLAS_FILE, base / "node_modules" / ATLAS_FILE, base):
            if path.is_file() and path.name == ATLAS_FILE.name:
                return path
    return None


def country_paths(
    assets_dir: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> tuple[Country, ...] | None:
    """Every country outline as SVG path data, or ``None`` when world-atlas is not installed.

    Raises ``DataFileError`` when the file exists but is not world-atlas TopoJSON."""
    path = find_atlas(assets_dir, env)
    if path is None:
        return None
    stat = path.stat()
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _load(path: str, mtime_ns: int, size: int) -> tuple[Country, ...]:
    """Decode one atlas file (cached per path, modification time and size)."""
    del mtime_ns  # part of the cache key only
    if size > MAX_ATLAS_BYTES:
        raise DataFileError(path, f"file is {size} bytes, larger than expected",
                            "reinstall world-atlas (countries-110m.json is about 110 kB)")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFileError(path, f"cannot read TopoJSON ({exc})",
                            "reinstall world-atlas") from exc
    return decode_countries(data, path)


def decode_countries(data: Any, where: str = "<topojson>") -> tuple[Country, ...]:
    """The ``countries`` object of a world-atlas TopoJSON document as ``Country`` records."""
    if not isinstance(data, dict) or data.get("type") != "Topology":
        raise DataFileError(where, "not a TopoJSON Topology", "reinstall world-atlas",
                            field="type")
    arcs = _decode_arcs(data, where)
    objects = data.get("objects")
    countries = objects.get("countries") if isinstance(objects, dict) else None
    if not isinstance(countries, dict) or not isinstance(countries.get("geometries"), list):
        raise DataFileError(where, "no 'countries' geometry collection",
                            "use countries-110m.json from world-atlas", field="objects")
    out: list[Country] = []
    for i, geom in enumerate(countries["geometries"]):
        if not isinstance(geom, dict):
            raise DataFileError(where, "geometry is not an object", entry=str(i))
        props = geom.get("properties") or {}
        name = str(props.get("name", "")) if isinstance(props, dict) else ""
        polygons = _polygons(geom, where, i)
        rings = [_ring(arcs, ring, where, i) for poly in polygons for ring in poly]
        d = "".join(_ring_path(r) for r in rings if len(r) > 2)
        if d:
            out.append(Country(name=name, iso_numeric=str(geom.get("id", "")), path=d))
    return tuple(out)


def _decode_arcs(data: Mapping[str, Any], where: str) -> list[Ring]:
    transform = data.get("transform")
    raw = data.get("arcs")
    if not isinstance(raw, list):
        raise DataFileError(where, "missing arcs", "reinstall world-atlas", field="arcs")
    if isinstance(transform, dict):
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    else:
        sx = sy = 1.0
        tx = ty = 0.0
    arcs: list[Ring] = []
    for n, arc in enumerate(raw):
        x = y = 0.0
        ring: Ring = []
        try:
            for point in arc:
                if transform is not None:  # quantised: positions are deltas
                    x += point[0]
                    y += point[1]
                    ring.append((x * sx + tx, y * sy + ty))
                else:
                    ring.append((float(point[0]), float(point[1])))
        except (TypeError, IndexError) as exc:
            raise DataFileError(where, f"malformed arc ({exc})", "reinstall world-atlas",
                                entry=str(n), field="arcs") from exc
        arcs.append(ring)
    return arcs


def _polygons(geom: Mapping[str, Any], where: str, index: int) -> list[list[list[int]]]:
    kind = geom.get("type")
    arcs = geom.get("arcs")
    if kind == "Polygon" and isinstance(arcs, list):
        return [arcs]
    if kind == "MultiPolygon" and isinstance(arcs, list):
        return list(arcs)
    if kind is None or arcs is None:  # world-atlas uses empty geometries for tiny islands
        return []
    raise DataFileError(where, f"unsupported geometry type {kind!r}",
                        "use countries-110m.json from world-atlas", entry=str(index),
                        field="type")


def _ring(arcs: Sequence[Ring], indices: Sequence[int], where: str, entry: int) -> Ring:
    """Join a ring's arcs; a negative index ``~i`` means arc ``i`` reversed."""
    out: Ring = []
    for k in indices:
        try:
            arc = arcs[k] if k >= 0 else arcs[~k][::-1]
        except (IndexError, TypeError) as exc:
            raise DataFileError(where, f"arc index {k!r} out of range", "reinstall world-atlas",
                                entry=str(entry), field="arcs") from exc
        out.extend(arc[1:] if out else arc)  # consecutive arcs share their end point
    return out


def _ring_path(ring: Ring) -> str:
    """SVG path data of one ring (x = lon, y = -lat); breaks at antimeridian jumps."""
    parts: list[str] = []
    prev: tuple[float, float] | None = None
    for lon, lat in ring:
        cmd = "M" if prev is None or abs(lon - prev[0]) > 180 else "L"
        parts.append(f"{cmd}{_num(lon)} {_num(-lat)}")
        prev = (lon, lat)
    return "".join(parts) + "Z"


def _num(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros (smaller pages)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
