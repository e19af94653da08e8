"""Performance assessment (issue 15): 2,900 counties, 60 indicators, 1,000 uncertainty runs —
goal under 10 s for the whole assessment. Pure methods (no database): the steps an assessment
run takes after reading its data.

1. the indicator-level component: the composite index of 60 indicators in 6 pillars (min–max,
   arithmetic means) built for the 2,900 counties (``methods.index.build``);
2. the scheme: three components (that index, a progress score, a task score) combined with
   rank intervals from 1,000 runs of the engine's uncertainty analysis, ranks within peer
   groups, grades (``methods.assessment.assess``);
3. peer groups: Ward clustering of 6 standardised indicators, k from 2 to 6 by silhouette;
4. 对照学习: one county's gaps to three benchmarks on the 60 indicators over 10 years.

Also timed, for reference (not part of an assessment run): the index engine's own uncertainty
analysis of the 60-indicator index, 1,000 runs — what propagating the indicator level's own
choices would cost. Writes benchmarks/results/assessment.md.

    .venv/bin/python benchmarks/bench_assessment.py [--note "what else ran"]
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from deltawatch.methods.assessment import assess, benchmark_gaps, cluster_peer_groups
from deltawatch.methods.index import build, load_spec
from deltawatch.methods.index.uncertainty import uncertainty

UNITS, INDICATORS, PILLARS, RUNS = 2900, 60, 6, 1000
GOAL_SECONDS = 10.0


def index_spec():
    nodes = [{"code": "Level"}] + [{"code": f"P{p}", "parent": "Level", "weight": 1} for p in range(PILLARS)]
    nodes += [{"code": f"x{i:02d}", "parent": f"P{i % PILLARS}", "direction": 1 if i % 5 else -1, "weight": 1}
              for i in range(INDICATORS)]
    return load_spec({"nodes": nodes, "pipeline": [{"step": "normalise", "method": "minmax"}, {"step": "aggregate"}]})


def county_data(rng) -> pd.DataFrame:
    """Lognormal indicators with a shared development factor (correlated, as real ones are)."""
    level = rng.normal(size=(UNITS, 1))
    values = np.exp(0.6 * level + rng.normal(scale=0.5, size=(UNITS, INDICATORS)))
    values[rng.random(values.shape) < 0.02] = np.nan  # 2 % missing
    frame = pd.DataFrame(values, columns=[f"x{i:02d}" for i in range(INDICATORS)])
    frame.insert(0, "unit_code", [f"C{u:04d}" for u in range(UNITS)])
    return frame


def timed(label: str, size: str, rows: list, function):
    start = time.perf_counter()
    value = function()
    rows.append((label, size, time.perf_counter() - start))
    return value


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--note", default="", help="what else ran on the machine")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(20261201)
    data = county_data(rng)
    spec = index_spec()
    rows: list = []
    start = time.perf_counter()
    result = timed("1. indicator level: index build", f"{UNITS:,} × {INDICATORS}", rows, lambda: build(spec, data))
    level = result.scores["Level"]
    level.index = level.index.astype(str)
    components = pd.DataFrame({"level": level.to_numpy(), "progress": rng.uniform(20, 90, UNITS),
                               "tasks": np.where(rng.random(UNITS) < 0.3, np.nan, rng.uniform(0, 100, UNITS))},
                              index=data["unit_code"])
    groups = pd.Series(rng.choice(["市辖区", "县级市", "县"], UNITS), index=components.index)
    bonus = pd.Series(rng.choice([0.0, 1.0, -2.0], UNITS, p=[0.9, 0.07, 0.03]), index=components.index)
    outcome = timed("2. scheme: 3 components, intervals, group ranks, grades", f"{UNITS:,} units × {RUNS:,} runs",
                    rows, lambda: assess(components, {"level": 0.5, "progress": 0.3, "tasks": 0.2}, bonus=bonus,
                                         groups=groups, runs=RUNS, seed=1))
    features = data.set_index("unit_code")[[f"x{i:02d}" for i in range(6)]]
    timed("3. peer groups: Ward, k = 2…6 by silhouette", f"{UNITS:,} × 6", rows,
          lambda: cluster_peer_groups(features, method="ward", k_range=(2, 6)))
    years = np.arange(2014, 2024)
    panel = pd.DataFrame([(u, f"x{i:02d}", y, v) for u in ["C0000", "C0001", "C0002", "C0003"]
                          for i in range(INDICATORS) for y, v in zip(years, rng.uniform(50, 150, len(years)))],
                         columns=["unit_code", "indicator", "year", "value"])
    directions = {f"x{i:02d}": (1 if i % 5 else -1) for i in range(INDICATORS)}
    timed("4. 对照学习: gaps of one county to 3 benchmarks", f"{INDICATORS} indicators × 10 years", rows,
          lambda: benchmark_gaps(panel, "C0000", ["C0001", "C0002", "C0003"], directions, year=2023))
    total = time.perf_counter() - start
    ref_rows: list = []
    timed("reference: the 60-indicator index's own uncertainty analysis", f"{UNITS:,} × {INDICATORS} × {RUNS:,} runs",
          ref_rows, lambda: uncertainty(spec, data, runs=RUNS, seed=1))
    lines = [f"# Performance assessment benchmark ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"{platform.machine()}, Python {platform.python_version()})", "",
             (f"Synthetic counties (lognormal indicators sharing one development factor, 2 % missing; 30 % of the "
              f"counties without a task score). Goal: the assessment (steps 1–4) under {GOAL_SECONDS:g} s. "
              "One run of `.venv/bin/python benchmarks/bench_assessment.py`."), ""]
    if args.note:
        lines += [f"Also running: {args.note}", ""]
    lines += ["| what | size | seconds |", "|---|---|---:|"]
    lines += [f"| {label} | {size} | {seconds:.2f} |" for label, size, seconds in rows]
    lines += [f"| **assessment, steps 1–4** | | **{total:.2f}** |"]
    lines += [f"| {label} | {size} | {seconds:.2f} |" for label, size, seconds in ref_rows]
    lines += ["", f"Goal {'met' if total < GOAL_SECONDS else 'NOT met'}. Scored units: "
              f"{int(outcome.table['score'].notna().sum()):,}; runs failed: {len(outcome.failures)}.", ""]
    text = "\n".join(lines)
    print(text)
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "assessment.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
