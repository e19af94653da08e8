"""Start-up benchmark (issue 10, item 12): a command on a tiny input should cost about what
its work costs, not what importing the world costs.

Each command runs as its own process, as a user runs it, on a SQLite database made once
(``deltawatch init`` of the embedded default in a temporary folder). Seconds are the best of
``--repeat`` runs after one warm-up; the goal is 0.5 s for each (0.3 s is within reach).

    .venv/bin/python benchmarks/bench_startup.py [--repeat 5]

Prints a table and writes it to benchmarks/results/startup.md.
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

ROOT = Path(__file__).resolve().parents[1]
DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))
GOAL_SECONDS = 0.5
ASEM = ROOT / "examples" / "asem"


def commands(work: Path) -> list[tuple[str, str, list[str]]]:
    """(what, size, argv) of each command measured."""
    one_value = work / "one.csv"
    one_value.write_text("region,indicator,year,value,unit\n上海,gdp,2019,38155.32,亿元\n", encoding="utf-8")
    return [
        ("`deltawatch --help`", "", ["--help"]),
        ("`deltawatch init` on an initialised database (nothing to change)", "catalogue only",
         ["init", "--no-data"]),
        ("`deltawatch import` of one value (unchanged)", "1 value", ["import", str(one_value)]),
        ("`deltawatch export` of one value", "1 value",
         ["export", "--indicator", "gdp", "--region", "310000", "--year", "2019", "--output", str(work / "x.csv")]),
        ("`deltawatch progress`, shown for one region, not stored", "33 targets",
         ["progress", "--region", "320000", "--no-save", "--format", "csv", "--output", str(work / "p.csv")]),
        ("`deltawatch index build` of COINr's ASEM example", "51 × 49",
         ["index", "build", str(ASEM / "spec.yaml"), "--data", str(ASEM / "input_ASEM_iData.csv"),
          "--out", str(work / "asem.csv")]),
        ("`deltawatch index uncertainty` of ASEM, 1,000 runs", "51 × 49, 1,000 runs",
         ["index", "uncertainty", str(ASEM / "spec.yaml"), "--data", str(ASEM / "input_ASEM_iData.csv"),
          "--runs", "1000", "--out", str(work / "u.csv")]),
    ]


def run_seconds(argv: list[str], env: dict, repeat: int) -> float:
    """Best wall-clock seconds of ``repeat`` runs of the command, after one warm-up run."""
    times = []
    for attempt in range(repeat + 1):
        start = time.perf_counter()
        done = subprocess.run([DELTAWATCH, *argv], env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
        if attempt:
            times.append(elapsed)
    return min(times)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}", "DELTAWATCH_HOME": str(work)}
        subprocess.run([DELTAWATCH, "init"], env=env, check=True, capture_output=True)
        rows = [(what, size, run_seconds(cmd, env, args.repeat)) for what, size, cmd in commands(work)]
    today = time.strftime("%Y-%m-%d")
    lines = [
        f"# Start-up benchmark ({today}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})",
        "",
        f"Goal (issue 10): each command on a tiny input in under {GOAL_SECONDS} s. Seconds: best of "
        f"{args.repeat} runs of the whole process after a warm-up, on SQLite; ratio = seconds / goal.",
        "",
        "| what | size | seconds | ratio to goal |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {what} | {size} | {seconds:.2f} | {seconds / GOAL_SECONDS:.2f} |" for what, size, seconds in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "benchmarks" / "results" / "startup.md"
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
