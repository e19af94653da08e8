"""Progress-assessment benchmark (issue 3).

1. The pure engine, ``methods.progress.assess_frame``: 3,000 regions × 100 indicators ×
   20 years (6,000,000 observations) and one target per series (300,000 targets, every
   comparator and change type), for each method. Goal: under 2 s.
2. Group values, ``methods.aggregate.aggregate_groups``: 30 groups of 100 regions over the
   same observations (half the indicators summed, half population-weighted).
3. The whole command on the embedded YRD default (SQLite, fresh data directory):
   ``deltawatch progress`` as its own process — read, aggregate, assess, store, print.

Seconds are the best of ``--repeat`` runs (in-process steps) after one warm-up; peak memory
is the max RSS of the process at the end of the step.

    .venv/bin/python benchmarks/bench_progress.py [--regions 3000 --indicators 100 --years 20]

Prints a table and writes it to benchmarks/results/progress.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from timing import best_of

from deltawatch.methods.aggregate import aggregate_groups
from deltawatch.methods.progress import assess_frame

ROOT = Path(__file__).resolve().parents[1]
DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))
GOAL_SECONDS = 2.0


def synthetic(regions: int, indicators: int, years: int, seed: int = 0):
    """Observations with a trend and noise; one target per series, of every kind."""
    rng = np.random.default_rng(seed)
    n_series = regions * indicators
    codes = np.array([f"i{k:03d}" for k in range(indicators)])
    year = np.arange(2006, 2006 + years)
    base = rng.lognormal(3, 1, n_series)
    growth = rng.normal(0.03, 0.04, n_series)
    trend = (1 + growth[:, None]) ** (year - year[0])[None, :]
    values = base[:, None] * trend * rng.normal(1, 0.02, (n_series, years))
    values[rng.random(values.shape) < 0.03] = np.nan  # gaps
    observations = pd.DataFrame({
        "region_code": np.repeat(np.arange(100000, 100000 + regions), indicators * years),
        "indicator": pd.Categorical.from_codes(np.tile(np.repeat(np.arange(indicators), years), regions), codes),
        "year": np.tile(year, n_series),
        "value": values.ravel(),
    })
    kinds = rng.choice(["ge", "le", "eq", "gt", "lt", "approx", "range", "increase", "decrease", "growth"], n_series)
    level = base * rng.uniform(0.5, 3.0, n_series)
    targets = pd.DataFrame({
        "target_id": np.arange(n_series),
        "region_code": np.repeat(np.arange(100000, 100000 + regions), indicators),
        "indicator": np.tile(codes, regions),
        "comparator": np.where(np.isin(kinds, ["increase", "decrease", "growth"]), "ge", kinds),
        "value": np.select([kinds == "increase", kinds == "decrease", kinds == "growth"], [20.0, 10.0, 5.0], level),
        "low": np.where(kinds == "range", level * 0.9, np.nan),
        "high": np.where(kinds == "range", level * 1.1, np.nan),
        "tolerance": np.nan,
        "target_year": 2030,
        "change_type": np.select([kinds == "increase", kinds == "decrease", kinds == "growth"],
                                 ["increase", "decrease", "annual_growth"], "level"),
        "baseline_year": np.where(np.isin(kinds, ["increase", "decrease"]), 2015.0, np.nan),
        "is_numeric": True,
    })
    catalogue = pd.DataFrame({"code": codes, "direction": rng.choice([1, -1], indicators),
                              "is_rate": np.arange(indicators) % 10 == 9, "lower_bound": 0.0, "upper_bound": np.nan,
                              "aggregation": np.where(np.arange(indicators) % 2 == 0, "sum", "weighted_mean"),
                              "weight": codes[0], "formula": None})
    return observations, targets, catalogue


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def command_on_default() -> tuple[float, float, float]:
    """Seconds of `deltawatch init` (not reported) then `deltawatch progress`, and its peak MiB."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "DELTAWATCH_HOME": home, "DELTAWATCH_ADMIN_PASSWORD": "bench"}
        env.pop("DATABASE_URL", None)
        subprocess.run([DELTAWATCH, "init"], env=env, check=True, capture_output=True)
        rows = []
        for _ in range(2):  # first run stores everything, the second also compares and logs
            with tempfile.TemporaryFile() as out:
                start = time.perf_counter()
                process = subprocess.Popen([DELTAWATCH, "progress", "--untargeted"], env=env, stdout=out,
                                           stderr=subprocess.STDOUT)
                _, status, usage = os.wait4(process.pid, 0)
                rows.append((time.perf_counter() - start, usage.ru_maxrss / 1024))
                if os.waitstatus_to_exitcode(status):
                    out.seek(0)
                    sys.exit(out.read().decode(errors="replace"))
        return rows[0][0], rows[1][0], max(r[1] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--regions", type=int, default=3000)
    parser.add_argument("--indicators", type=int, default=100)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "progress.md"))
    args = parser.parse_args()

    # the command first: a child forked from a process holding the synthetic data would count
    # that memory in its own peak
    first, again, mib = command_on_default()
    observations, targets, catalogue = synthetic(args.regions, args.indicators, args.years)
    size = f"{len(observations):,} obs, {len(targets):,} targets"
    rows = []
    for method in ("opensdg", "unsd", "escap"):
        seconds = best_of(args.repeat, lambda: assess_frame(observations, targets, catalogue, method=method))
        rows.append((f"assess_frame, method {method}", size, seconds, f"{seconds / GOAL_SECONDS:.2f}", peak_mib()))

    members = pd.DataFrame({"group_code": np.repeat([f"g{k:02d}" for k in range(30)], 100),
                            "region_code": 100000 + np.arange(3000) % args.regions})
    seconds = best_of(args.repeat, lambda: aggregate_groups(observations, members, catalogue))
    rows.append(("aggregate_groups, 30 groups × 100 members", f"{len(observations):,} obs", seconds, "", peak_mib()))

    rows.append(("`deltawatch progress --untargeted` on the YRD default (SQLite), first run", "", first, "", mib))
    rows.append(("`deltawatch progress --untargeted` again (compare, log changes)", "", again, "", mib))

    lines = [
        f"# Progress benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})",
        "",
        f"Goal (issue 3): every target of {args.regions:,} regions × {args.indicators} indicators × {args.years} years "
        f"assessed in under {GOAL_SECONDS:g} s. Seconds: best of {args.repeat} after a warm-up; "
        "ratio = seconds / goal; peak MiB: max RSS of the process so far.",
        "",
        "| what | size | seconds | ratio to goal | peak MiB |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [f"| {what} | {size} | {seconds:.2f} | {ratio} | {mib:.0f} |" for what, size, seconds, ratio, mib in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
