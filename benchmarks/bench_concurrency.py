"""Concurrent importers (issue 11): 2, 4 and 8 processes importing into one database at once,
on SQLite and on PostgreSQL, each for ``--seconds`` (60 by default).

Every worker imports, again and again, a file of 200 values over a key space all workers share
(4 provincial units × 5 indicators × 10 years), each value unique to that worker and round —
so two imports of the same keys race, and every import revises what the others wrote. The
table gives the imports completed, the seconds each took (which include waiting for the others:
imports queue, one writer at a time), the refusals with their messages, and the check: no value
lost (every value a completed import wrote is in the history of its key), none duplicated (each
written once), one current value per key and revisions numbered 1, 2, 3 … without gaps.

    .venv/bin/python benchmarks/bench_concurrency.py [--seconds 60] [--workers 2,4,8] [--postgres URL]

Prints a table and writes it to benchmarks/results/concurrency.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))
REGIONS = ("310000", "320000", "330000", "340000")
INDICATORS = ("gdp", "population_registered", "va_primary", "va_secondary", "va_tertiary")
YEARS = range(2051, 2061)


def keys():
    return [(r, i, y) for r in REGIONS for i in INDICATORS for y in YEARS]


# ------------------------------------------------------------------------------ the worker

def worker(number: int, seconds: float, out: Path, work: Path) -> None:
    """Import until the time is up; one JSON line per attempt."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deltawatch.settings")
    import django

    django.setup()
    from deltawatch.observations.services import DatabaseBusy, ImportFailed, import_observations

    deadline = time.monotonic() + seconds
    round_ = 0
    with out.open("w", encoding="utf-8") as log:
        while time.monotonic() < deadline:
            round_ += 1
            path = work / f"w{number}_r{round_}.csv"
            rows = [(r, i, y, number * 1_000_000 + round_ * 1_000 + k) for k, (r, i, y) in enumerate(keys())]
            path.write_text("region,indicator,year,value\n" + "".join(f"{r},{i},{y},{v}\n" for r, i, y, v in rows),
                            encoding="utf-8")
            start = time.monotonic()
            record = {"worker": number, "round": round_}
            try:
                outcome = import_observations(path)
                record.update(ok=True, created=outcome.created, revised=outcome.revised)
            except (DatabaseBusy, ImportFailed) as refusal:
                record.update(ok=False, message=refusal.report("zh").splitlines()[0])
            except Exception as error:  # counted, never hidden: the check below must see it
                record.update(ok=False, message=f"{type(error).__name__}: {error}".splitlines()[0])
            record["seconds"] = time.monotonic() - start
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
            log.flush()
            path.unlink()


# ------------------------------------------------------------------------------ the parent

def scratch_database(backend: str, postgres: str | None, work: Path) -> str:
    if backend == "sqlite":
        return f"sqlite:///{work / 'db.sqlite3'}"
    import psycopg

    base = postgres.rsplit("/", 1)[0]
    with psycopg.connect(base.replace("postgres://", "postgresql://") + "/postgres", autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS deltawatch_concurrency_bench")
        admin.execute("CREATE DATABASE deltawatch_concurrency_bench")
    return base + "/deltawatch_concurrency_bench"


def history(url: str) -> list[tuple]:
    """(region, indicator, year, value, revision, is_current) of every row of the keys raced on."""
    sql = ("SELECT r.code, i.code, o.year, o.value, o.revision, o.is_current FROM observations_observation o "
           "JOIN regions_region r ON r.id = o.region_id JOIN indicators_indicator i ON i.id = o.indicator_id "
           f"WHERE o.year BETWEEN {min(YEARS)} AND {max(YEARS)}")
    if url.startswith("sqlite"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        return db.execute(sql).fetchall()


def check(rows: list[tuple], attempts: list[dict]) -> str:
    """The consistency check, worded: "ok" or what is wrong."""
    by_key: dict[tuple, list] = {}
    for region, indicator, year, value, revision, current in rows:
        by_key.setdefault((region, indicator, year), []).append((revision, value, bool(current)))
    problems = []
    written = {}
    for key, versions in by_key.items():
        revisions = sorted(r for r, _, _ in versions)
        if revisions != list(range(1, len(revisions) + 1)):
            problems.append(f"{key}: revisions {revisions}")
        current = [r for r, _, c in versions if c]
        if current != [max(revisions)]:
            problems.append(f"{key}: current {current}")
        for _, value, _ in versions:
            written[(key, value)] = written.get((key, value), 0) + 1
    duplicated = sum(1 for n in written.values() if n > 1)
    lost = 0
    for attempt in attempts:
        if attempt["ok"]:
            number, round_ = attempt["worker"], attempt["round"]
            lost += sum((key, float(number * 1_000_000 + round_ * 1_000 + k)) not in written
                        for k, key in enumerate(keys()))
    if duplicated:
        problems.append(f"{duplicated} values written twice")
    if lost:
        problems.append(f"{lost} values lost")
    return "ok" if not problems else "; ".join(problems[:3])


def run(backend: str, workers: int, seconds: float, postgres: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url = scratch_database(backend, postgres, work)
        env = {**os.environ, "DATABASE_URL": url}
        subprocess.run([DELTAWATCH, "init", "--no-data"], env=env, check=True, capture_output=True)
        logs = [work / f"worker{n}.jsonl" for n in range(workers)]
        processes = [subprocess.Popen([sys.executable, __file__, "--worker", str(n), "--seconds", str(seconds),
                                       "--log", str(log), "--work", str(work)], env=env)
                     for n, log in enumerate(logs)]
        for process in processes:
            process.wait()
        attempts = [json.loads(line) for log in logs for line in log.read_text(encoding="utf-8").splitlines()]
        done = [a for a in attempts if a["ok"]]
        refused = [a for a in attempts if not a["ok"]]
        times = sorted(a["seconds"] for a in done)
        messages = sorted({a["message"] for a in refused})
        return {
            "backend": backend, "workers": workers, "completed": len(done), "refused": len(refused),
            "median": statistics.median(times) if times else float("nan"),
            "p95": times[int(0.95 * (len(times) - 1))] if times else float("nan"),
            "max": times[-1] if times else float("nan"),
            "messages": " / ".join(messages)[:200], "check": check(history(url), attempts),
        }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", default="2,4,8")
    parser.add_argument("--postgres", default=os.environ.get("DATABASE_URL_POSTGRES",
                                                             "postgres://postgres@127.0.0.1:5432/deltawatch"))
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        worker(args.worker, args.seconds, args.log, args.work)
        return
    backends = ["sqlite"]
    try:
        import psycopg

        psycopg.connect(args.postgres.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres",
                        connect_timeout=3).close()
        backends.append("postgresql")
    except Exception as error:  # the benchmark still runs on SQLite and says why PostgreSQL is missing
        print(f"PostgreSQL not measured: {error}")
    rows = [run(b, int(n), args.seconds, args.postgres) for b in backends for n in args.workers.split(",")]
    lines = [
        f"# Concurrent importers ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})",
        "",
        f"Each worker imports 200 values over keys shared by all workers, again and again for {args.seconds:g} s. "
        "Seconds per completed import include waiting for the others (writers queue). Check: no value lost or "
        "duplicated, one current value per key, revisions without gaps.",
        "",
        "| database | importers | completed | refused | median s | p95 s | max s | refusal messages | check |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    lines += [f"| {r['backend']} | {r['workers']} | {r['completed']} | {r['refused']} | {r['median']:.2f} | "
              f"{r['p95']:.2f} | {r['max']:.2f} | {r['messages'] or '—'} | {r['check']} |" for r in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "benchmarks" / "results" / "concurrency.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
