"""``flashpoint eval``: score the coder on the public development gold sets.

Datasets (JSONL files read from a dev folder — ``../shared/eval/dev`` by default, or
``$FLASHPOINT_EVAL_DIR``; never shipped with the package, their licences forbid it):

- ``conflibert``: news sentences labelled with Phoenix PentaClass 0–4. A sentence's prediction is
  the class of its most severe coded (non-negated) mention, 0 when none; severity order
  4 > 3 > 2 > 1 > 0.  Accuracy, per-class P/R/F1, confusion matrix.
- ``plover``: PLOVER gold records. Gold tuples (actor, recipient, event type) against predicted
  (source key, target key, PLOVER type); a gold record without recipient matches any predicted
  target.  Actor keys: ISO alpha-3 country, else ``IGO``/``NGO``/``IMG`` by kind (the gold set's
  own non-ISO codes).  Micro P/R/F1 and per-type P/R/F1.
- ``multirater``: sentences with 4 raters' CAMEO roots; root accuracy where raters agree.
- ``petrarch2``: behaviour records (toy dictionaries): no-event precision and event-count
  agreement on records whose actors are real countries.
- ``ngec``: actor cases: country (and role) accuracy of the actor resolver.
All figures come with 95 % bootstrap intervals (1,000 resamples, fixed seed).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .ids import content_sha, short_id
from .metrics import (
    PRF,
    accuracy,
    bootstrap,
    class_prf,
    confusion,
    micro_f1,
    per_label,
    prf_sets,
)
from .model import Actor, Article, Coded, Mention, PublishedStatus
from .model import actor_key as model_actor_key
from .options import Options

DATASET_FILES = {
    "conflibert": "conflibert_cameo_train.jsonl",
    "plover": "plover_gold_records.jsonl",
    "multirater": "cameo_multirater_setA.jsonl",
    "petrarch2": "petrarch2_behaviour_records.jsonl",
    "ngec": "ngec_actor_cases.jsonl",
}
SEVERITY = {4: 4, 3: 3, 2: 2, 1: 1, 0: 0}


def default_dev_dir() -> Path | None:
    """``$FLASHPOINT_EVAL_DIR``, else ``../shared/eval/dev`` from here or the source tree."""
    env = os.environ.get("FLASHPOINT_EVAL_DIR")
    candidates = [Path(env)] if env else []
    candidates += [Path.cwd().parent / "shared" / "eval" / "dev",
                   Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev"]
    return next((p for p in candidates if p.is_dir()), None)


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def dataset_path(name: str, dev_dir: Path | None = None) -> Path:
    if name not in DATASET_FILES:
        raise ConfigError(f"unknown dataset {name!r}",
                          "valid datasets: " + ", ".join(sorted(DATASET_FILES)), subject="eval")
    folder = dev_dir or default_dev_dir()
    if folder is None:
        raise ConfigError("the development gold sets are not on this machine",
                          "set FLASHPOINT_EVAL_DIR to the folder holding the dev JSONL files",
                          subject="eval")
    path = folder / DATASET_FILES[name]
    if not path.is_file():
        raise ConfigError(f"{path} not found", "check FLASHPOINT_EVAL_DIR", subject="eval")
    return path


def sentence_article(text: str, key: str, published: datetime | None = None) -> Article:
    return Article(article_id=short_id("eval", key), content_sha=content_sha(text), title="",
                   text=text, origin=key, published=published,
                   published_status=PublishedStatus.GIVEN if published else
                   PublishedStatus.UNKNOWN, lang="en")


Coder = Callable[[Sequence[Article]], list[Coded]]


def default_coder(options: Options) -> Coder:
    from .coding import code_articles

    def run(arts: Sequence[Article]) -> list[Coded]:
        return code_articles(arts, options)

    return run


def happened(m: Mention) -> bool:
    return not m.negated


def gold_key(actor: Actor | None) -> str | None:
    """An actor as the gold sets name it: ISO alpha-3, else IGO / NGO / IMG by kind."""
    if actor is None:
        return None
    if actor.country:
        return actor.country
    code = actor.code.upper()
    for kind in ("IGO", "NGO", "IMG"):
        if code.startswith(kind) or (actor.role or "") == kind:
            return kind
    return "IGO" if actor.group else (code[:3] or None)


@dataclass(frozen=True, slots=True)
class Report:
    dataset: str
    n: int
    figures: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "n": self.n, **self.figures,
                "generated": datetime.now(UTC).isoformat(timespec="seconds")}


def eval_conflibert(records: list[dict[str, Any]], coder: Coder) -> Report:
    coded = coder([sentence_article(r["text"], r["id"]) for r in records])
    pairs: list[tuple[int, int]] = []
    for rec, c in zip(records, coded, strict=True):
        classes = [m.penta_class for m in c.mentions if happened(m)]
        pred = max(classes, key=lambda k: SEVERITY[k]) if classes else 0
        pairs.append((int(rec["pentaclass"]), pred))
    return Report("conflibert", len(pairs), {
        "accuracy": round(accuracy(pairs), 4),
        "accuracy_ci95": bootstrap(pairs, accuracy),
        "per_class": class_prf(pairs),
        "confusion": confusion(pairs),
    })


# The PLOVER gold records use a few codes of their own: map them to ISO alpha-3 / our kinds.
GOLD_CODES = {"JAP": "JPN", "VTN": "VNM", "ITL": "ITA", "ISM": "IMG"}


def _gold_code(code: object) -> str | None:
    if code is None:
        return None
    return GOLD_CODES.get(str(code), str(code))


def _plover_gold(rec: dict[str, Any]) -> set[tuple[str, str | None, str]]:
    gold = set()
    recips = [_gold_code(r.get("code")) for r in rec.get("recipient") or []] or [None]
    for a in rec.get("actor") or []:
        for r in recips:
            gold.add((str(_gold_code(a.get("code"))), r, str(rec["event"])))
    return gold


def eval_plover(records: list[dict[str, Any]], coder: Coder) -> Report:
    coded = coder([sentence_article(r["text"], r["id"]) for r in records])
    items: list[tuple[set[Any], set[Any]]] = []
    type_items: list[tuple[set[Any], set[Any]]] = []
    for rec, c in zip(records, coded, strict=True):
        gold = _plover_gold(rec)
        pred_raw = {(gold_key(m.source), gold_key(m.target), m.plover)
                    for m in c.mentions if happened(m) and m.plover}
        # A gold tuple without recipient matches a prediction with any target.
        open_gold = {(s, t) for s, r, t in gold if r is None}
        pred = {(s, None, t) if (s, t) in open_gold else (s, r, t) for s, r, t in pred_raw}
        items.append((gold, pred))
        type_items.append(({rec["event"]}, {m.plover for m in c.mentions
                                             if happened(m) and m.plover}))
    total = PRF(0, 0, 0)
    for g, p in items:
        total = total + prf_sets(g, p)
    return Report("plover", len(items), {
        "dyad_type": total.as_dict(),
        "dyad_type_f1_ci95": bootstrap(items, micro_f1),
        "type_only": sum((prf_sets(g, p) for g, p in type_items), PRF(0, 0, 0)).as_dict(),
        "per_type": {k: v.as_dict() for k, v in per_label(items, lambda x: x[2]).items()},
    })


def eval_multirater(records: list[dict[str, Any]], coder: Coder) -> Report:
    coded = coder([sentence_article(r["text"], r["id"]) for r in records])
    pairs = []
    for rec, c in zip(records, coded, strict=True):
        gold = rec.get("action1_majority_root")
        roots = sorted({m.cameo_root for m in c.mentions if happened(m)})
        pred = roots[0] if roots else None
        if gold is not None:
            pred = gold if gold in roots else pred
        pairs.append((gold, pred))
    coded_pairs = [(g, p) for g, p in pairs if g is not None]
    return Report("multirater", len(pairs), {
        "root_accuracy_where_raters_agree": round(accuracy(coded_pairs), 4),
        "n_with_majority": len(coded_pairs),
        "ci95": bootstrap(coded_pairs, accuracy),
        "event_detection": class_prf([(g is not None, p is not None) for g, p in pairs]),
    })


def eval_petrarch2(records: list[dict[str, Any]], coder: Coder) -> Report:
    usable = [r for r in records if r.get("iso3_like_actors") or r.get("expect_no_events")]
    arts = []
    for r in usable:
        when = None
        d = str(r.get("date") or "")
        if len(d) == 8 and d.isdigit():
            when = datetime(int(d[:4]), int(d[4:6]), int(d[6:]), tzinfo=UTC)
        arts.append(sentence_article(r["text"], r["id"], when))
    coded = coder(arts)
    no_event = [(True, not any(happened(m) for m in c.mentions))
                for r, c in zip(usable, coded, strict=True) if r.get("expect_no_events")]
    counts = []
    dyads: list[tuple[set[Any], set[Any]]] = []
    for r, c in zip(usable, coded, strict=True):
        if r.get("expect_no_events"):
            continue
        got = [m for m in c.mentions if happened(m)]
        counts.append((len(r["events"]), len({(gold_key(m.source), gold_key(m.target))
                                               for m in got})))
        dyads.append(({(e["source"][:3], (e.get("target") or "")[:3] or None)
                       for e in r["events"]},
                      {(gold_key(m.source), gold_key(m.target)) for m in got}))
    return Report("petrarch2", len(usable), {
        "no_event_records": len(no_event),
        "no_event_precision": round(accuracy(no_event), 4),
        "event_count_agreement": round(accuracy(counts), 4),
        "dyad_f1": round(micro_f1(dyads), 4),
        "dyad_f1_ci95": bootstrap(dyads, micro_f1),
    })


def eval_ngec(records: list[dict[str, Any]], options: Options) -> Report:
    from .coding.resolve import ActorResolver

    resolver = ActorResolver.default(options)
    pairs_country = []
    pairs_role = []
    for rec in records:
        if rec.get("call") not in {"agent_to_code", "search_nat", "short_text_to_agent"}:
            continue
        expect = rec.get("expect") or {}
        if "country" not in expect:
            continue
        actor = resolver.resolve_text(rec["actor_text"], rec.get("context") or "")
        # NGEC names an IGO by its group code (UNO, NAT …) where a country would stand.
        country = (actor.country or actor.group or "") if actor else ""
        pairs_country.append((expect["country"], country))
        if "code_1" in expect:
            pairs_role.append((expect["code_1"] or "", (actor.role or "") if actor else ""))
    return Report("ngec", len(pairs_country), {
        "country_accuracy": round(accuracy(pairs_country), 4),
        "country_ci95": bootstrap(pairs_country, accuracy),
        "role_accuracy": round(accuracy(pairs_role), 4),
        "n_role": len(pairs_role),
    })


def run_eval(name: str, *, dev_dir: Path | None = None, options: Options | None = None,
             limit: int | None = None, coder: Coder | None = None) -> Report:
    """Score one dataset; returns a ``Report`` (``as_dict()`` for JSON)."""
    opts = options or Options()
    records = list(read_jsonl(dataset_path(name, dev_dir)))[:limit]
    if name == "ngec":
        return eval_ngec(records, opts)
    run = coder or default_coder(opts)
    scorer = {"conflibert": eval_conflibert, "plover": eval_plover,
              "multirater": eval_multirater, "petrarch2": eval_petrarch2}[name]
    return scorer(records, run)


def _seed_expectations() -> dict[str, Any]:
    import tomllib
    from importlib import resources

    text = (resources.files("flashpoint") / "data" / "seed_expectations.toml").read_text("utf-8")
    return tomllib.loads(text)


def _matches(m: Mention, exp: dict[str, Any]) -> bool:
    if model_actor_key(m.source) != exp["source"] or model_actor_key(m.target) != exp.get("target"):
        return False
    if "source_role" in exp and m.source.role != exp["source_role"]:
        return False
    if "target_role" in exp and (m.target is None or m.target.role != exp["target_role"]):
        return False
    if m.cameo_root not in exp["roots"]:
        return False
    if "date" in exp and m.event_date != exp["date"]:
        return False
    if "date_from" in exp and not (m.event_date and
                                   exp["date_from"] <= m.event_date <= exp["date_to"]):
        return False
    return not ("background" in exp and m.background != exp["background"])


def eval_seed(shared_dir: Path, options: Options) -> Report:
    """The required events of the seed article, each found (with its evidence) or missing."""
    from .clean import clean
    from .coding import code_article
    from .model import DocKind, RawDocument
    from .published import parse_published

    spec = _seed_expectations()
    path = shared_dir / spec["file"]
    if not path.is_file():
        raise ConfigError(f"{path} not found", "point --dev-dir at shared/eval/dev",
                          subject="eval seed")
    parsed = parse_published(spec["published"])
    published = parsed[0].replace(tzinfo=None) if parsed else None
    doc = RawDocument(path.read_bytes(), str(path), DocKind.TEXT)
    coded = code_article(clean(doc, options, published=published), options)
    found = {}
    for exp in spec["event"]:
        hit = next((m for m in coded.mentions if happened(m) and _matches(m, exp)), None)
        found[str(exp["id"])] = {"what": exp["what"], "found": hit is not None,
                                 "cameo": hit.cameo if hit else None,
                                 "evidence": hit.sentence if hit else None}
    # The 2008 declaration itself must not become a 2023 event (an ongoing refusal to
    # recognise it may: that stance is current).
    dated_2023_from_2008 = [
        m.mention_id for m in coded.mentions
        if m.trigger_span and "2008" in m.sentence and (m.event_date or "").startswith("2023")
        and m.sentence[m.trigger_span[0]:m.trigger_span[1]].lower().startswith(
            ("declar", "independ", "proclaim", "secede", "secession"))]
    n_found = sum(1 for v in found.values() if v["found"])
    return Report("seed", len(found), {
        "required_found": n_found, "required_total": len(found),
        "recall": round(n_found / len(found), 4) if found else 0.0,
        "independence_2008_dated_2023": len(dated_2023_from_2008),
        "mentions": len(coded.mentions), "events": found,
    })


ALL = ("conflibert", "plover", "multirater", "petrarch2", "ngec", "seed")


def run_all(dataset: str, *, dev_dir: Path | None = None, options: Options | None = None,
            limit: int | None = None) -> dict[str, Any]:
    """Reports for one dataset or ``all``, keyed by dataset name."""
    opts = options or Options()
    names = ALL if dataset == "all" else (dataset,)
    out: dict[str, Any] = {}
    for name in names:
        if name == "seed":
            folder = dev_dir or default_dev_dir()
            if folder is None:
                raise ConfigError("the shared folder is not on this machine",
                                  "set FLASHPOINT_EVAL_DIR", subject="eval seed")
            out[name] = eval_seed(folder.parent.parent, opts).as_dict()
        else:
            out[name] = run_eval(name, dev_dir=dev_dir, options=opts, limit=limit).as_dict()
    return out


def _lookup(report: dict[str, Any], dotted: str) -> float | None:
    node: Any = report
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return float(node) if isinstance(node, int | float) else None


def check_floors(reports: dict[str, Any], floors_file: Path) -> list[str]:
    """Figures below their pinned floor, as ``dataset.path: value < floor`` lines.

    The floors file is TOML: ``[dataset]`` tables of ``"dotted.path" = floor``.
    """
    import tomllib

    floors = tomllib.loads(floors_file.read_text(encoding="utf-8"))
    failures = []
    for name, table in floors.items():
        if name not in reports:
            continue
        for dotted, floor in table.items():
            value = _lookup(reports[name], dotted)
            if value is None or value < float(floor):
                failures.append(f"{name}.{dotted}: {value} < {floor}")
    return failures
