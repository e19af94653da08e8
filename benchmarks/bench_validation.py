"""Validation rules and every outlier method over 3,000 regions × 100 indicators × 20 years.

Goal (issue 14): under 2 s for the rules and all outlier methods together. Run:
``.venv/bin/python benchmarks/bench_validation.py`` — writes benchmarks/results/validation.md.
"""

from __future__ import annotations

import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd

from deltawatch.methods.validation import check_rules, outliers, prepare

REGIONS, INDICATORS, YEARS = 3000, 100, 20


def make_frame(seed: int = 20261201) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    regions = np.array([f"R{i:04d}" for i in range(REGIONS)])
    indicators = np.array(["gdp", "gdp_primary", "gdp_secondary", "gdp_tertiary"]
                          + [f"i{i:03d}" for i in range(INDICATORS - 4)])
    years = np.arange(2005, 2005 + YEARS)
    r, i, y = (a.ravel() for a in np.meshgrid(np.arange(REGIONS), np.arange(INDICATORS), np.arange(YEARS),
                                              indexing="ij"))
    # like statistics: a level per region and indicator (spread across regions), growing about 5 %
    # a year with 3 % noise, and one value in a thousand typed wrong (×10)
    base = rng.lognormal(3.0, 0.5, size=(REGIONS, INDICATORS))
    growth = np.cumsum(rng.normal(0.05, 0.03, size=(REGIONS, INDICATORS, YEARS)), axis=2)
    value = (base[:, :, None] * np.exp(growth)).ravel()
    value[rng.random(value.size) < 0.001] *= 10
    frame = pd.DataFrame({"region_code": regions[r], "indicator": indicators[i], "year": years[y], "value": value})
    parts = frame["indicator"].isin(["gdp_primary", "gdp_secondary", "gdp_tertiary"])
    totals = frame[parts].groupby(["region_code", "year"])["value"].sum()
    is_gdp = frame["indicator"] == "gdp"
    keys = pd.MultiIndex.from_frame(frame.loc[is_gdp, ["region_code", "year"]])
    frame.loc[is_gdp, "value"] = totals.reindex(keys).to_numpy() * rng.choice([1.0, 0.9], size=is_gdp.sum(), p=[0.99, 0.01])
    return frame


RULES = [
    {"kind": "compare", "name": "gdp_parts", "expression": "gdp >= gdp_primary + gdp_secondary + gdp_tertiary - 1"},
    {"kind": "compare", "name": "share", "expression": "i000 * 100 / i001 <= 400", "severity": "warning"},
    *[{"kind": "bounds", "indicator": f"i{i:03d}", "min": 0, "max": 150} for i in range(50)],
    *[{"kind": "change", "indicator": f"i{i:03d}", "max_pct": 150, "severity": "warning"} for i in range(50, 96)],
]


def main() -> None:
    frame = make_frame()
    rows = []
    start_all = time.perf_counter()
    start = time.perf_counter()
    frame = prepare(frame)  # region and indicator codes as categories, once for every check
    rows.append(("prepare (factorise region and indicator codes)", time.perf_counter() - start, 0))
    start = time.perf_counter()
    report = check_rules(frame, RULES)
    rows.append(("rules (2 compare, 50 bounds, 46 change)", time.perf_counter() - start, len(report)))
    for across in ("regions", "history"):
        start = time.perf_counter()
        flags = outliers(frame, ["zscore", "modz", "iqr"], across=across)
        rows.append((f"outliers zscore + modz + iqr across {across}", time.perf_counter() - start, len(flags)))
    total = time.perf_counter() - start_all
    lines = ["# Validation benchmark", "",
             (f"{REGIONS:,} regions × {INDICATORS} indicators × {YEARS} years = {len(frame):,} values; "
              f"goal < 2 s for everything. Python {platform.python_version()}, {platform.machine()}, "
              "2 shared cores; one run (`.venv/bin/python benchmarks/bench_validation.py`)."), "",
             "| step | seconds | rows reported |", "|---|---:|---:|"]
    lines += [f"| {name} | {seconds:.2f} | {n:,} |" for name, seconds, n in rows]
    lines += [f"| **total** | **{total:.2f}** | |", "",
              (f"Goal {'met' if total < 2 else 'NOT met'}. Synthetic values: a lognormal level per region and "
               "indicator (σ = 0.5), about 5 % growth a year (3 % noise), one value in a thousand ×10. Every "
               "outlier method shares one sort of the values per grouping (`methods.validation._Groups`); "
               "`prepare` (categories for the region and indicator codes) is done once for all checks."), ""]
    text = "\n".join(lines)
    print(text)
    Path(__file__).with_name("results").mkdir(exist_ok=True)
    Path(__file__).with_name("results").joinpath("validation.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
