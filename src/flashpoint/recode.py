"""``flashpoint recode``: code stored articles again with the current coder; report the change.

Raw bytes and clean text are kept in the store, so re-coding needs no re-fetching.  Every run
records a manifest (versions and the sha256 of lexicon, CAMEO table, dictionaries and options).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .options import Options
from .store import open_store

BATCH = 50


@dataclass(frozen=True, slots=True)
class RecodeReport:
    articles: int
    mentions_added: int
    mentions_removed: int
    events_added: int
    events_removed: int
    events_changed: int
    run_id: str

    def summary(self) -> str:
        return (f"recoded {self.articles} articles: mentions +{self.mentions_added} "
                f"-{self.mentions_removed}; events added {self.events_added}, removed "
                f"{self.events_removed}, re-coded {self.events_changed} (run {self.run_id})")


def recode(options: Options, *, since: datetime | None = None) -> RecodeReport:
    from .coding import code_articles, coder_manifest

    totals = {"articles": 0, "mentions_added": 0, "mentions_removed": 0, "events_added": 0,
              "events_removed": 0, "events_changed": 0}
    with open_store(options.db, options) as store:
        run_id = store.start_run("recode", coder_manifest(options))
        ids = store.article_ids(since=since)
        for start in range(0, len(ids), BATCH):
            arts = [store.get_article(a) for a in ids[start:start + BATCH]]
            outcome = store.add_coded(code_articles(arts, options))
            totals["articles"] += len(arts)
            totals["mentions_added"] += outcome.mentions_added
            totals["mentions_removed"] += outcome.mentions_removed
            totals["events_added"] += len(outcome.events_added)
            totals["events_removed"] += len(outcome.events_removed)
            totals["events_changed"] += len(outcome.events_changed)
        store.finish_run(run_id, dict(totals))
    return RecodeReport(run_id=run_id, **totals)
