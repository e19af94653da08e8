"""Import benchmark: `deltawatch init` and a generated long CSV of 1,000,000 values.

Each step runs as its own `deltawatch` process, so the seconds are what a user waits and
the peak memory (max RSS of that process) is the command's own. Goal (issue 2): the
million-row import under 20 s on the project machine (2 cores).

    .venv/bin/python benchmarks/bench_import.py [--rows 1000000] [--postgres URL]

Prints a table and writes it to benchmarks/results/import.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))


def run(args, env) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of one deltawatch command (its own rusage, via wait4)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen([DELTAWATCH, *args], env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode:
            out.seek(0)
            sys.exit(f"deltawatch {' '.join(args)} failed:\n{out.read().decode(errors='replace')}")
    return seconds, usage.ru_maxrss / 1024


def generate(path: Path, rows: int, env) -> int:
    """A long CSV over the real YRD regions and every non-derived indicator of the catalogue."""
    from deltawatch.defaults import data_dir

    regions = pd.read_csv(data_dir() / "regions.csv", dtype=str)
    regions = regions[regions["valid_to"].isna()]["code"].to_numpy()
    catalogue = pd.read_csv(data_dir() / "indicators.csv", dtype=str, keep_default_na=False)
    plain = catalogue[catalogue["formula"] == ""]
    indicators, units = plain["code"].to_numpy(), plain["unit"].to_numpy()
    years = np.arange(1949, 2101)
    per_series = len(years)
    series_needed = -(-rows // per_series)
    pairs = [(r, i) for i in range(len(indicators)) for r in regions][:series_needed]
    region_col = np.repeat([p[0] for p in pairs], per_series)[:rows]
    indicator_idx = np.repeat([p[1] for p in pairs], per_series)[:rows]
    year_col = np.tile(years, series_needed)[:rows]
    values = np.round(np.random.default_rng(0).uniform(1, 99, rows), 4)
    frame = pd.DataFrame({"region": region_col, "indicator": indicators[indicator_idx], "year": year_col,
                          "value": values, "unit": units[indicator_idx]})
    frame.to_csv(path, index=False)
    return len(frame)


def bench(database_url: str, label: str, rows: int, work: Path) -> list[tuple]:
    env = {**os.environ, "DATABASE_URL": database_url, "DELTAWATCH_ADMIN_PASSWORD": "bench"}
    results = [(label, "deltawatch init (full YRD default)", "", *run(["init"], env))]
    big = work / "long_1m.csv"
    if not big.exists():
        generate(big, rows, env)
    results.append((label, "import long CSV (new values)", f"{rows:,} rows", *run(["import", str(big)], env)))
    results.append((label, "import same file again (no change)", f"{rows:,} rows", *run(["import", str(big)], env)))
    results.append((label, "export all current values as CSV", "", *run(["export", "-o", str(work / "all.csv")], env)))
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL_POSTGRES", "postgres://postgres@127.0.0.1:5432/deltawatch_bench"))
    args = parser.parse_args()
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        rows_out += bench(f"sqlite:///{work / 'bench.sqlite3'}", "SQLite", args.rows, work)
        if args.postgres:
            import psycopg

            try:
                with psycopg.connect(args.postgres.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                    name = args.postgres.rsplit("/", 1)[1]
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                    conn.execute(f'CREATE DATABASE "{name}"')
                rows_out += bench(args.postgres, "PostgreSQL", args.rows, work)
            except psycopg.OperationalError as exc:
                print(f"PostgreSQL skipped: {exc}", file=sys.stderr)
    lines = [
        f"# Import benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        "Goal (issue 2): 1,000,000-row long CSV imported in under 20 s. Peak memory: max RSS of that",
        "one deltawatch process.",
        "",
        "| database | what | size | seconds | peak MiB |",
        "|---|---|---|---:|---:|",
        *[f"| {db} | {what} | {size} | {sec:.2f} | {mem:.0f} |" for db, what, size, sec, mem in rows_out],
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "results" / "import.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
