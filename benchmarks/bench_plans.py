"""Task-ledger benchmark (issue 13): 20,000 tasks × 5 assignments and 200,000 journal entries.

Timed, each the best of ``--repeat`` runs after a warm-up, on SQLite and on PostgreSQL:

* the inbox (我的待办) of one unit — five counts and the first 50 items of each box;
* the plan tree with its roll-up (measures, sections, plan) — ``plans.services.plan_rollup``;
* the unit league table — ``plans.services.unit_league``;
* the full roll-up — every plan, the units, the regions — ``plans.services.full_rollup``.

Goals: each of the first three under 0.3 s, the full roll-up under 1 s.

    .venv/bin/python benchmarks/bench_plans.py            # both databases, writes results/plans.md
    .venv/bin/python benchmarks/bench_plans.py --database-url sqlite:////tmp/x.sqlite3   # one

PostgreSQL: 127.0.0.1:5432, user postgres, database ``dw_bench_plans`` (made afresh).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"inbox": 0.3, "plan_tree": 0.3, "league": 0.3, "full_rollup": 1.0}
PG_URL = "postgres://postgres@127.0.0.1:5432/dw_bench_plans"


def build(tasks: int, per_task: int, journal: int, seed: int = 0) -> dict:
    """The synthetic ledger, written with bulk inserts; returns sizes and build seconds."""
    import numpy as np
    from django.core.management import call_command
    from django.utils import timezone

    from deltawatch.accounts.models import Organisation
    from deltawatch.plans.models import Assignment, JournalEntry, Measure, Plan, Section, Task

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    rng = np.random.default_rng(seed)
    today = timezone.localdate()
    office = Organisation.objects.create(code="bench-office", name_zh="基准办公室", name_en="Bench office", kind="office")
    units = Organisation.objects.bulk_create(
        Organisation(code=f"bench-u{i}", name_zh=f"单位{i}", name_en=f"Unit {i}", kind="department", parent=office)
        for i in range(60))
    plan = Plan.objects.create(code="bench", name_zh="基准规划", kind="provincial_plan", period_start=2024,
                               period_end=2027, owner=office)
    sections = Section.objects.bulk_create(Section(plan=plan, number=f"S{i}", title=f"章{i}", order=i) for i in range(8))
    measures = Measure.objects.bulk_create(Measure(section=sections[i % 8], code=f"M{i}", title=f"举措{i}", order=i)
                                           for i in range(40))
    states = rng.choice(["assigned", "in_progress", "close_requested", "closed", "terminated"],
                        p=[0.2, 0.5, 0.1, 0.18, 0.02], size=tasks * per_task)
    due = rng.integers(-60, 300, size=tasks)
    task_rows = Task.objects.bulk_create(
        (Task(plan=plan, measure=measures[i % 40], code=str(i + 1), title=f"任务{i + 1}", lead_unit=units[i % 60],
              due_date=today + dt.timedelta(days=int(due[i])), status=states[i * per_task])
         for i in range(tasks)), batch_size=5000)
    assignments = []
    for i, task in enumerate(task_rows):
        picks = [i % 60] + [int(u) for u in rng.choice([u for u in range(60) if u != i % 60], per_task - 1, replace=False)]
        for k, unit in enumerate(picks):
            state = states[i * per_task + k]
            closed_on = today - dt.timedelta(days=int(rng.integers(0, 90))) if state == "closed" else None
            assignments.append(Assignment(task=task, unit=units[unit], role="lead" if k == 0 else "participant",
                                          state=state, due_date=task.due_date, closed_on=closed_on,
                                          percent=int(rng.integers(0, 101)), returns=int(rng.random() < 0.05)))
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    from deltawatch.regions.models import Region

    regions = Region.objects.bulk_create(Region(code=f"{320100 + 100 * i}", level="prefecture", name_zh=f"市{i}",
                                                name_en=f"City {i}") for i in range(13))
    through = Task.regions.through  # each task concerns one or two of 13 cities
    Task.regions.through.objects.bulk_create(
        [through(task_id=t.pk, region_id=regions[i % 13].pk) for i, t in enumerate(task_rows)]
        + [through(task_id=t.pk, region_id=regions[(i + 5) % 13].pk) for i, t in enumerate(task_rows) if i % 3 == 0],
        batch_size=5000)
    ids = list(Assignment.objects.values_list("id", "task_id"))
    now = timezone.now()
    picks = rng.integers(0, len(ids), size=journal)
    JournalEntry.objects.bulk_create(
        (JournalEntry(task_id=ids[p][1], assignment_id=ids[p][0], action="report", from_state="in_progress",
                      to_state="in_progress", at=now - dt.timedelta(minutes=int(p)), comment="基准")
         for p in picks), batch_size=5000)
    return {"tasks": tasks, "assignments": len(assignments), "journal": journal, "units": len(units),
            "build_seconds": round(time.perf_counter() - start, 1), "plan": plan.pk, "unit": units[7].pk}


def measure(repeat: int) -> dict:
    from timing import best_of

    from deltawatch.accounts.models import Organisation
    from deltawatch.plans.models import Plan
    from deltawatch.plans.services import full_rollup, inbox, plan_rollup, unit_league

    plan = Plan.objects.get(code="bench")
    unit = Organisation.objects.get(code="bench-u7")
    work = {
        "inbox": lambda: inbox(unit),
        "plan_tree": lambda: plan_rollup(plan),
        "league": lambda: unit_league(plan),
        "full_rollup": lambda: full_rollup(),
    }
    return {name: best_of(repeat, function) for name, function in work.items()}


def run_one(url: str, args) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deltawatch.settings")
    import django

    django.setup()
    from django.db import connection

    sizes = build(args.tasks, args.per_task, args.journal)
    timings = measure(args.repeat)
    return {"database": connection.vendor, "sizes": sizes, "seconds": timings}


def _fresh_postgres() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS dw_bench_plans")
        conn.execute("CREATE DATABASE dw_bench_plans")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--tasks", type=int, default=20_000)
    parser.add_argument("--per-task", type=int, default=5)
    parser.add_argument("--journal", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    if args.database_url:
        print(json.dumps(run_one(args.database_url, args)))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        _fresh_postgres()
        for url in (f"sqlite:///{tmp}/bench.sqlite3", PG_URL):
            out = subprocess.run([sys.executable, __file__, "--database-url", url, "--tasks", str(args.tasks),
                                  "--per-task", str(args.per_task), "--journal", str(args.journal),
                                  "--repeat", str(args.repeat)], capture_output=True, text=True, check=True,
                                 env={**os.environ, "DELTAWATCH_HOME": tmp})
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    write(results, args)


def write(results: list[dict], args) -> None:
    names = {"inbox": "inbox of one unit (5 counts + 5 lists of 50)", "plan_tree": "plan tree with roll-up",
             "league": "unit league table", "full_rollup": "full roll-up (plans, units, regions)"}
    lines = ["# Task ledger benchmark (issue 13)", "",
             f"`benchmarks/bench_plans.py`, {dt.date.today()}, Python {platform.python_version()}, "
             f"{os.cpu_count()} cores shared with other work. Data: {args.tasks:,} tasks × {args.per_task} "
             f"assignments (1 lead + {args.per_task - 1} participants over 60 units, random states and due dates), "
             f"{args.journal:,} journal entries, each task concerning one or two of 13 cities. Seconds: best of {args.repeat} after a warm-up.", "",
             "| query | goal | " + " | ".join(r["database"] for r in results) + " |",
             "|---|---:|" + "---:|" * len(results)]
    for key, label in names.items():
        cells = [f"{r['seconds'][key]:.3f}" for r in results]
        lines.append(f"| {label} | < {GOALS[key]:g} s | " + " | ".join(cells) + " |")
    lines += ["", "Building the data (migrate + bulk inserts): " + ", ".join(
        f"{r['database']} {r['sizes']['build_seconds']} s" for r in results) + ".", "",
        "How: each query is an aggregate in the database (`GROUP BY` with the 红/黄/绿 light as a `CASE` on the "
        "due date against two boundary dates computed once in Python from the working-day calendar); the rates "
        "come from `methods.ledger.rates` over the counts. Indexes: assignment (unit, state, due_date) and "
        "(role, state); task (plan, status)."]
    path = ROOT / "benchmarks" / "results" / "plans.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
