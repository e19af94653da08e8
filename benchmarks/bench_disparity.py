"""Disparity benchmark: ``methods.disparity`` on a county-level panel.

A synthetic panel of 2,900 county-level units × 30 years (87,000 rows): lognormal values
(GDP per head with a province effect, a unit effect and a yearly trend), lognormal populations,
1 % of the values and 1 % of the populations missing, and 31 province-like groups of unequal
size (one of them a single unit, as Shanghai among provinces). Timed:

* ``disparity_panel`` with every statistic (CV, Theil T and L, Gini — plain and
  population-weighted — and the Dagum decomposition), weights and groups. Goal: under 5 s.
* one year of each single-year function on the same 2,900 units;
* ``spatial_gini`` with 99 permutations on a 50 × 58 rook lattice (2,900 units).

Seconds are the best of ``--repeat`` runs after a warm-up; peak MiB = the largest memory the
run itself allocated (tracemalloc, in a separate traced run so tracing does not slow the timing).

    .venv/bin/python benchmarks/bench_disparity.py

Prints a table and writes it to benchmarks/results/disparity.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from timing import best_of, peak_mib

from deltawatch.methods.disparity import STATISTICS, dagum, disparity_panel, gini, spatial_gini, theil

ROOT = Path(__file__).resolve().parents[1]
GOAL_SECONDS = 5.0


def synthetic(units: int = 2900, years: int = 30, groups: int = 31, seed: int = 0) -> pd.DataFrame:
    """Long panel ``unit, year, province, gdp_per_head, population``."""
    rng = np.random.default_rng(seed)
    # unequal group sizes: one single-unit group, the rest proportional to lognormal draws
    raw = rng.lognormal(0, 0.8, groups - 1)
    sizes = np.floor(raw / raw.sum() * (units - 1)).astype(int) + 1
    sizes[np.argmax(sizes)] += units - 1 - sizes.sum()
    sizes = np.concatenate(([1], sizes))
    province = np.repeat(np.arange(groups), sizes)
    names = np.array([f"省{k:02d}" for k in range(groups)], dtype=object)
    level = rng.normal(0, 0.5, groups)[province] + rng.normal(0, 0.6, units)
    growth = rng.normal(0.06, 0.02, units)
    year = np.arange(1995, 1995 + years)
    log_value = 9 + level[:, None] + growth[:, None] * (year - year[0])[None, :] + rng.normal(0, 0.05, (units, years))
    population = rng.lognormal(3.5, 0.7, units)[:, None] * (1.005 ** (year - year[0]))[None, :]
    value = np.exp(log_value)
    value[rng.random(value.shape) < 0.01] = np.nan
    population[rng.random(population.shape) < 0.01] = np.nan
    return pd.DataFrame({
        "unit": np.repeat(np.array([f"c{u:04d}" for u in range(units)], dtype=object), years),
        "year": np.tile(year, units),
        "province": np.repeat(names[province], years),
        "gdp_per_head": value.ravel(),
        "population": population.ravel(),
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "disparity.md"))
    args = parser.parse_args()

    from libpysal.weights import lat2W

    frame = synthetic()
    n_units, n_years, n_groups = frame["unit"].nunique(), frame["year"].nunique(), frame["province"].nunique()
    one = frame[(frame["year"] == frame["year"].max())].dropna()
    y, w, g = one["gdp_per_head"].to_numpy(), one["population"].to_numpy(), one["province"].to_numpy()
    lattice = lat2W(50, 58)
    lattice_y = frame[frame["year"] == frame["year"].max()]["gdp_per_head"].fillna(1.0).to_numpy()

    def panel():
        return disparity_panel(frame, value="gdp_per_head", weight="population", group="province",
                               statistics=STATISTICS)

    panel_size = f"{n_units:,} units × {n_years} years, {n_groups} groups"
    one_size = f"{len(y):,} units, {n_groups} groups"
    cases = [
        # what, size, function, goal seconds, repeat
        ("disparity_panel, all 9 statistics (weights, groups, Dagum)", panel_size, panel, GOAL_SECONDS, args.repeat),
        ("gini, plain and weighted, one year", one_size, lambda: (gini(y), gini(y, w)), None, args.repeat),
        ("theil T, weighted, by group, one year", one_size, lambda: theil(y, w, g), None, args.repeat),
        ("dagum, one year", one_size, lambda: dagum(y, g), None, args.repeat),
        ("spatial_gini, 99 permutations, rook lattice 50 × 58", "2,900 units",
         lambda: spatial_gini(lattice_y, lattice, permutations=99, seed=1), None, args.repeat),
    ]
    rows = []
    for what, size, function, goal, repeat in cases:
        seconds = best_of(repeat, function)
        rows.append((what, size, seconds, goal, peak_mib(function)))
        print(f"{what}: {seconds:.4f} s", flush=True)
    output_rows = len(panel())

    lines = [
        (f"# Disparity benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
         f"Python {platform.python_version()})"),
        "",
        (f"Synthetic county-level panel ({len(frame):,} rows: lognormal GDP per head with province, unit and year "
         "effects, lognormal populations, 1 % of values and of populations missing; 31 province-like groups of "
         f"unequal size, one with a single unit). The panel call gives {output_rows:,} output rows. Seconds: best of "
         f"{args.repeat} after a warm-up; peak MiB: memory allocated by the run (tracemalloc, separate run)."),
        "",
        "| what | size | seconds | goal s | within goal | peak MiB |",
        "|---|---|---:|---:|---|---:|",
    ]
    for what, size, seconds, goal, mib in rows:
        within = "" if goal is None else ("yes" if seconds <= goal else "**no**")
        lines.append(f"| {what} | {size} | {seconds:.4f} | {goal if goal else ''} | {within} | {mib:.1f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
