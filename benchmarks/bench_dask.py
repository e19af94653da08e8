"""Monte Carlo beyond one process (issue 18, point 5): the uncertainty analysis of the synthetic
3,000 × 60 set (benchmarks/data, as bench_index.py builds it: impute + treat + normalise +
aggregate, COINr's four factors) with 10,000 runs, computed

* in this process (``executor=None``, the single-process path; BLAS on one thread),
* in this process with BLAS on as many threads as NumPy starts (the engine before issue 18,
  kept as a row to show why the executors hold BLAS to one thread),
* by ``LocalExecutor(2)`` (two local processes),
* on a local Dask cluster of 2 workers × 1 thread (``DaskExecutor``; the cluster is started
  before the clock and its start is reported apart),

and checked to be identical (scores and rank quantiles, ``np.array_equal``). Also measured, for
docs/scaling.md: seconds per run per unit, bytes sent per chunk and once per worker, and the
memory of the results.

If one path would take more than ``--budget`` seconds (default 300) for ``--runs``, every path
runs ``--fallback`` runs (default 2,000) instead and the seconds are extrapolated linearly to
``--runs``, said as such in the table.

    .venv/bin/python benchmarks/bench_dask.py [--runs 10000]

Prints a table and writes it to benchmarks/results/dask.md.
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench_index import SYNTH, synthetic_spec

from deltawatch.methods.index.executors import DaskExecutor, LocalExecutor
from deltawatch.methods.index.table import rank_desc
from deltawatch.methods.index.uncertainty import CHUNK_RUNS, _one_year, _rank_stats, uncertainty

ROOT = Path(__file__).resolve().parents[1]
SEED = 1


class ThreadedBlasSerial:
    """The serial loop without the one-BLAS-thread limit (what ``executor=None`` did before)."""

    def map(self, function, items, common=None):
        return [function(item, common=common) for item in items]


def caller_seconds(result) -> float:
    """Seconds the caller spends after the runs, whatever the executor: ranks of every run and
    the rank statistics (mean, median, 5th and 95th percentiles)."""
    scores = result.scores.to_numpy().T
    start = time.perf_counter()
    ranks = rank_desc(scores, axis=1)
    _rank_stats(result.rank_stats["unit_code"].to_numpy(), result.rank_stats["nominal_score"].to_numpy(), ranks)
    return time.perf_counter() - start


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def identical(a, b) -> bool:
    """Scores, ranks and rank quantiles equal bit for bit."""
    same = np.array_equal(a.scores.to_numpy(), b.scores.to_numpy(), equal_nan=True)
    same &= np.array_equal(a.ranks.to_numpy(), b.ranks.to_numpy(), equal_nan=True)
    for column in ("mean_rank", "median_rank", "q05_rank", "q95_rank"):
        same &= np.array_equal(a.rank_stats[column].to_numpy(), b.rank_stats[column].to_numpy(), equal_nan=True)
    return bool(same)


def volumes(spec, synth, result) -> dict:
    """Bytes a Dask run moves: the spec and table (scattered once to each worker), one chunk's
    results (scores of CHUNK_RUNS runs × units, float64) — pickled, as they travel."""
    table = _one_year(spec, synth, None)
    units = result.scores.shape[0]
    chunk_scores = np.zeros((CHUNK_RUNS, units))
    return {"common": len(pickle.dumps((spec, table))), "chunk_result": len(pickle.dumps((chunk_scores, {})))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--fallback", type=int, default=2_000)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds one path may take")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "dask.md"))
    args = parser.parse_args()

    from dask.distributed import LocalCluster

    spec = synthetic_spec([{"step": "impute", "method": "mean"}, {"step": "treat"}, {"step": "normalise"},
                           {"step": "aggregate"}])
    synth = pd.read_csv(SYNTH / "synth_iData_3000x60.csv", dtype={"uCode": str})

    # a probe of 500 runs in this process (also the warm-up) says whether --runs fits the budget
    probe_seconds, _ = timed(lambda: uncertainty(spec, synth, runs=500, seed=SEED))
    runs = args.runs if probe_seconds / 500 * args.runs <= args.budget else args.fallback
    print(f"probe: 500 runs in {probe_seconds:.2f} s → measuring {runs:,} runs", flush=True)

    start_seconds, cluster = timed(lambda: LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                                        processes=True, dashboard_address=":0"))
    dask = DaskExecutor(cluster.scheduler_address)
    dask.client.run(lambda: None)  # the client connected, the workers up: not on the clock
    paths = [("single process (executor=None)", None),
             ("single process, BLAS threads as NumPy starts them (before)", ThreadedBlasSerial()),
             (f"LocalExecutor({args.workers})", LocalExecutor(args.workers)),
             (f"Dask LocalCluster, {args.workers} workers × 1 thread", dask)]
    rows, results = [], {}
    try:
        for name, executor in paths:
            seconds, result = timed(lambda: uncertainty(spec, synth, runs=runs, seed=SEED, executor=executor))
            results[name] = result
            rows.append((name, seconds, os.getloadavg()[0]))
            print(f"{name}: {seconds:.2f} s", flush=True)
    finally:
        dask.close()
        cluster.close()

    base_name, base_seconds, _ = rows[0]
    base = results[base_name]
    units = base.scores.shape[0]
    moved = volumes(spec, synth, base)
    after = caller_seconds(base)
    scale = args.runs / runs
    same = {name: identical(results[name], base) for name, _, _ in rows[1:]}
    size = f"{units:,} × {len(spec.indicators)}"
    label = (f"{args.runs:,} runs" if runs == args.runs
             else f"{args.runs:,} runs (extrapolated ×{scale:g} from {runs:,})")

    lines = [
        f"# Monte Carlo on several processes and on Dask ({time.strftime('%Y-%m-%d')}, {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        f"Uncertainty analysis of the synthetic set (impute + treat + normalise + aggregate; COINr's four factors: "
        f"winmax 1–5, min-max/z-score, weights ±25 %, arithmetic/geometric), seed {SEED}, chunks of {CHUNK_RUNS} runs. "
        "Seconds: one timed run per path (10,000 runs are long; this machine is shared with other sessions, so "
        "single timings vary, see the note below); ratio = single-process seconds / this path's seconds. "
        "The Dask cluster "
        f"(LocalCluster, processes) was started before the clock: {start_seconds:.1f} s. Load after: the machine's "
        "1-minute load average when the path ended (other sessions' work included; above 2 the 2 cores were shared).",
        "",
        "| what | size | runs | seconds | ratio | load after | identical to single process |",
        "|---|---|---|---:|---:|---:|---|",
    ]
    for name, seconds, load in rows:
        match = "—" if name == base_name else ("yes (scores, ranks, rank quantiles bit for bit)" if same[name]
                                               else "**no**")
        lines.append(f"| {name} | {size} | {label} | {seconds * scale:.1f} | {base_seconds / seconds:.2f}× | "
                     f"{load:.1f} | {match} |")
    per_run_unit = base_seconds / runs / units
    results_mib = (base.scores.to_numpy().nbytes + base.ranks.to_numpy().nbytes) / 2 ** 20 * scale
    lines += [
        "",
        f"* Failed runs (geometric mean of z-scores ≤ 0, reported, left out of the quantiles): "
        f"{len(base.failures):,} of {runs:,}.",
        f"* Single-process cost: {base_seconds / runs * 1e3:.2f} ms per run, {per_run_unit * 1e6:.2f} µs per run per "
        "unit (60 indicators, 5 levels).",
        f"* Of each path's seconds, {after * scale:.1f} s are the caller's, after the runs, on any executor: "
        "ranking every run and the rank statistics (the serial part; docs/scaling.md).",
        f"* Sent once to each worker: spec + data table, {moved['common'] / 2 ** 20:.2f} MiB pickled. Per chunk back: "
        f"{moved['chunk_result'] / 2 ** 20:.2f} MiB ({CHUNK_RUNS} runs × {units:,} scores, float64); "
        f"for {args.runs:,} runs {moved['chunk_result'] * args.runs / CHUNK_RUNS / 2 ** 20:,.0f} MiB in all.",
        f"* Results kept in memory (scores + ranks, runs × units, float64): {results_mib:,.0f} MiB for "
        f"{args.runs:,} runs; peak resident memory of this process "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2 ** 10:,.0f} MiB.",
        "",
        "Why the single process was slow: NumPy's OpenBLAS starts one thread per core, and on these many small "
        "matrix products its threads cost more than they give, the more so when the machine is busy; "
        "every executor now holds BLAS to one thread (threadpoolctl), which changes no number.",
        "",
        "What this means for 10^5 runs of ~2,850 counties: docs/scaling.md.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
