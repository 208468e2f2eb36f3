"""Ingest the bundled sample corpus into a store (what `make run` does).

HTML pages, the RSS feed, the WARC archive and the JSONL file carry their own dates and outlet
names. Crawler-saved plain text does not: for those files we pass the date and outlet listed in
expected/articles.toml, as a user would with
`flashpoint ingest FILE --published DATE --source NAME`.

    .venv/bin/python examples/ingest_sample.py [--db flashpoint.duckdb]
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import flashpoint
from flashpoint.cli import parse_when
from flashpoint.model import IngestReport

CORPUS = Path(__file__).resolve().parent / "corpus"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="flashpoint.duckdb")
    args = ap.parse_args()
    expected = tomllib.loads((CORPUS / "expected" / "articles.toml").read_text("utf-8"))
    opts = flashpoint.Options.load(db=args.db)
    reports: list[IngestReport] = []
    with flashpoint.open_store(args.db, opts) as store:
        dated = [str(CORPUS / sub) for sub in ("html", "rss", "warc", "jsonl")]
        reports.append(flashpoint.ingest(dated, store=store, options=opts))
        for entry in expected["article"]:
            if entry["format"] != "txt":
                continue
            reports.append(flashpoint.ingest(
                [str(CORPUS / entry["file"])], store=store, options=opts,
                published=parse_when(entry.get("published_override"), "published"),
                source=entry["source"]))
    total = {k: sum(getattr(r, k) for r in reports)
             for k in ("read", "new", "updated", "duplicate", "near_duplicate")}
    rejected = [rej for r in reports for rej in r.rejected]
    for rej in rejected:
        print(f"rejected: {rej.origin}: {rej.reason} — {rej.detail}")
    print(IngestReport(**total, rejected=tuple(rejected)).summary())
    return 1 if rejected else 0


if __name__ == "__main__":
    raise SystemExit(main())
