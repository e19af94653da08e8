"""Composite-index benchmark (issue 4): the same inputs as COINr's timings in MISSION.md.

* ASEM (shared/data/coinr_asem, shipped in examples/asem): the full pipeline of
  examples/asem/spec.yaml from the iData table (read, denominate, impute, screen, treat,
  normalise, aggregate, ranks), the uncertainty analysis with 100 and 1,000 runs and the Sobol
  sensitivity analysis with N = 100 (600 runs), over COINr's four factors (winmax 1–5, min-max
  1–100 or z-score 10/2, weights ±25 % at levels 2 and 3, arithmetic or geometric mean).
* The synthetic 3,000 × 60 set (shared/data/bench, copied to benchmarks/data): normalise +
  aggregate, and impute (mean) + treat + normalise + aggregate; its uncertainty analysis with
  20 and 100 runs over the same four factors.

Seconds are the best of ``--repeat`` runs after a warm-up (analyses: the best of 3, this
machine being shared and noisy); speed-up = COINr seconds / ours; peak MiB = the largest memory the run
itself allocated (tracemalloc, in a separate traced run so tracing does not slow the timing).

    .venv/bin/python benchmarks/bench_index.py

Prints a table and writes it to benchmarks/results/index.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import pandas as pd

from timing import best_of, peak_mib

from deltawatch.methods.index import build, load_spec
from deltawatch.methods.index.uncertainty import sensitivity, uncertainty

ROOT = Path(__file__).resolve().parents[1]
ASEM = ROOT / "examples" / "asem"
SYNTH = ROOT / "benchmarks" / "data"


def synthetic_spec(pipeline):
    meta = pd.read_csv(SYNTH / "synth_iMeta_3000x60.csv")
    nodes = []
    for row in meta.itertuples():
        node = {"code": row.iCode, "weight": float(row.Weight)}
        if isinstance(row.Parent, str):
            node["parent"] = row.Parent
        if row.Type == "Indicator":
            node["direction"] = int(row.Direction)
        nodes.append(node)
    return load_spec({"data": {"unit": "uCode"}, "nodes": nodes, "pipeline": pipeline})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "index.md"))
    args = parser.parse_args()

    asem_spec = load_spec(ASEM / "spec.yaml")
    asem = pd.read_csv(ASEM / "input_ASEM_iData.csv", dtype={"uCode": str})
    synth = pd.read_csv(SYNTH / "synth_iData_3000x60.csv", dtype={"uCode": str})
    light = synthetic_spec([{"step": "normalise"}, {"step": "aggregate"}])
    full = synthetic_spec([{"step": "impute", "method": "mean"}, {"step": "treat"}, {"step": "normalise"},
                           {"step": "aggregate"}])

    cases = [
        # what, size, function, COINr seconds, goal seconds, repeat
        ("ASEM full pipeline (denominate → aggregate)", "51 × 49", lambda: build(asem_spec, asem), 0.074, None,
         args.repeat),
        ("ASEM uncertainty, 100 runs", "51 × 49", lambda: uncertainty(asem_spec, asem, runs=100, seed=1), 9.3,
         None, 3),
        ("ASEM uncertainty, 1,000 runs", "51 × 49", lambda: uncertainty(asem_spec, asem, runs=1000, seed=1), 98.0,
         2.0, 3),
        ("ASEM Sobol sensitivity, N = 100 (600 runs)", "51 × 49",
         lambda: sensitivity(asem_spec, asem, n=100, seed=1), 51.0, 1.0, 3),
        ("normalise + aggregate", "3,000 × 60", lambda: build(light, synth), 0.38, None, args.repeat),
        ("impute + treat + normalise + aggregate", "3,000 × 60", lambda: build(full, synth), 1.10, 0.05, args.repeat),
        ("uncertainty, 20 runs", "3,000 × 60", lambda: uncertainty(full, synth, runs=20, seed=1), 22.0, None, 3),
        ("uncertainty, 100 runs", "3,000 × 60", lambda: uncertainty(full, synth, runs=100, seed=1), None, 5.0, 3),
    ]
    rows = []
    for what, size, function, coinr, goal, repeat in cases:
        seconds = best_of(repeat, function)
        note = ""
        if what.startswith("uncertainty"):
            failed = len(function().failures)
            note = f"{failed} runs failed (geometric mean of z-scores ≤ 0), reported"
        rows.append((what, size, seconds, coinr, goal, peak_mib(function), note))
        print(f"{what}: {seconds:.4f} s", flush=True)

    lines = [
        f"# Composite-index benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})",
        "",
        "Inputs as COINr's timings in shared/docs/MISSION.md (COINr 1.1.14 on a 2-core machine). Seconds: best of "
        f"{args.repeat} after a warm-up for builds, of 3 for analyses; speed-up = COINr seconds / "
        "ours; peak MiB: memory allocated by the run (tracemalloc).",
        "",
        "| what | size | seconds | COINr s | speed-up | goal s | within goal | peak MiB | note |",
        "|---|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for what, size, seconds, coinr, goal, mib, note in rows:
        speed = f"{coinr / seconds:,.0f}×" if coinr else ""
        within = "" if goal is None else ("yes" if seconds <= goal else "**no**")
        lines.append(f"| {what} | {size} | {seconds:.4f} | {coinr if coinr else ''} | {speed} | "
                     f"{goal if goal else ''} | {within} | {mib:.1f} | {note} |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
