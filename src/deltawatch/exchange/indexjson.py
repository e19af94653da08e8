"""A stored index run as one JSON document another tool can read.

``deltawatch index build … --out x.json`` writes the scores of a build just made (records of
one table); this is the stored run as a whole — what ``indices.IndexRun`` keeps::

    {"format": "deltawatch-index-run", "format_version": 1,
     "run": {"id", "kind", "name", "started_at", "spec_digest", "data_hash", "data_source",
             "data_vintage", "years", "target", "runs", "seed", "is_published", "summary"},
     "spec": {…},               # the engine's spec dict: IndexSpec.from_dict(spec) rebuilds it
     "scores": [{"unit", "unit_name", "year", "node", "level", "score", "rank"}, …],
     "rank_intervals": [{"unit", "unit_name", "nominal", "mean", "median", "q05", "q95"}, …],
     "sensitivity": [{"factor", "s1", "s1_conf", "st", "st_conf"}, …]}

Flat lists of records (``pandas.json_normalize`` or R's ``jsonlite::fromJSON`` read them as
tables); a score or rank the engine could not compute is ``null``; numbers are written with
Python's repr, so they read back as the same floats. ``spec_digest`` is the SHA-256 of the
spec's canonical JSON, so a reader can check the spec it holds is the one that ran.
"""

from __future__ import annotations

import json

FORMAT = "deltawatch-index-run"
FORMAT_VERSION = 1


def run_document(run) -> dict:
    """The JSON-ready document of an ``IndexRun``."""
    names = {}

    def unit_name(row):
        return names.setdefault(row.region_id, row.region.name_zh) if row.region_id else None

    scores = run.scores.select_related("region").order_by("node", "year", "rank", "unit_code")
    intervals = run.intervals.select_related("region").order_by("nominal_rank", "unit_code")
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "run": {"id": run.id, "kind": run.kind, "name": run.name, "started_at": run.started_at.isoformat(),
                "spec_digest": run.spec_digest, "data_hash": run.data_hash, "data_source": run.data_source,
                "data_vintage": run.data_vintage, "years": run.years, "target": run.target, "runs": run.runs,
                "seed": run.seed, "is_published": run.is_published, "summary": run.summary},
        "spec": run.spec,
        "scores": [{"unit": s.unit_code, "unit_name": unit_name(s), "year": s.year, "node": s.node,
                    "level": s.level, "score": s.score, "rank": s.rank} for s in scores],
        "rank_intervals": [{"unit": i.unit_code, "unit_name": unit_name(i), "nominal": i.nominal_rank,
                            "mean": i.mean_rank, "median": i.median_rank, "q05": i.q05_rank, "q95": i.q95_rank}
                           for i in intervals],
        "sensitivity": [{"factor": s.factor, "s1": s.s1, "s1_conf": s.s1_conf, "st": s.st, "st_conf": s.st_conf}
                        for s in run.sensitivities.order_by("-st", "factor")],
    }


def run_json(run) -> str:
    """:func:`run_document` as JSON text (UTF-8 Chinese kept as it is; NaN never written)."""
    return json.dumps(run_document(run), ensure_ascii=False, indent=1, allow_nan=False)
