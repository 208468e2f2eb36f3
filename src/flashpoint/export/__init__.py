"""Standard exports of coded events (issue 7, part 3).

- ``arrow``: the Arrow schemas of the event, mention and article records (shared with the batch
  runners in ``flashpoint.scale``) and the record <-> table converters.
- ``reading``: events from the store (paged, with the filters of ``flashpoint events``), their
  mentions and articles.
- ``gdelt``: GDELT 2.0 event and mentions TSV.
- ``formats``: PLOVER/POLECAT-style JSON; the flat event record as JSONL, CSV, Parquet (zstd).
- ``panel``: the dyad-day panel (every dyad x every day, zero-filled, coverage flag).
- ``codebook``: the short codebook written beside every file export.
- ``run``: one export, file or stream (what ``flashpoint export`` calls).

Importing this package is cheap: submodules are imported by their users.
"""

from __future__ import annotations

FORMATS = ("gdelt", "gdelt-mentions", "plover", "jsonl", "csv", "parquet", "panel")

__all__ = ["FORMATS"]
