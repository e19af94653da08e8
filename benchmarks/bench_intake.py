"""Document-intake benchmark (issue 17): a 100-page plan read and drafted in under 5 s.

The plan is seed 001 (Jiangsu's implementation plan, traditional characters with pinyin after
some characters — the reader's slowest path: every cleaning step has work to do) repeated with
its chapters renumbered (一 … 一百) until it has about 100 pages of 1,500 characters. Timed, each
the best of ``--repeat`` runs after a warm-up:

* read — bytes in, cleaned ``Document`` out (decoding, pinyin, traditional → simplified, web
  chrome, line joins, sections, sentences);
* targets — ``draft_targets`` with the real catalogue (src/deltawatch/defaults/data/indicators.csv);
* tasks — ``draft_tasks`` when ``methods/extract/tasks.py`` is there;
* total — the three in a row (the goal: under 5 s).

Also, not against the goal: a 50 MB simplified text read and drafted (the "50 MB text" of the
issue's bad inputs), once.

    .venv/bin/python benchmarks/bench_intake.py            # writes benchmarks/results/intake.md
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import best_of

SEED = ROOT / "tests" / "fixtures" / "intake" / "dev" / "seed001.txt"
GOAL = 5.0
PAGE = 1_500
CN_NUMBERS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三, 100 → 一百 (for chapter headings)."""
    if n == 100:
        return "一百"
    tens, ones = divmod(n, 10)
    return ((CN_NUMBERS[tens - 1] if tens > 1 else "") + ("十" if tens else "") + (CN_NUMBERS[ones - 1] if ones else ""))


def build_plan(pages: int = 100) -> str:
    """Seed 001's body (from its first chapter) repeated, chapters renumbered one after another."""
    seed = SEED.read_text(encoding="utf-8")
    preamble = re.search(r"(?m)^\s*實施長三角", seed).start()
    head, body = seed[:preamble], seed[preamble:]
    body = body.split("關注爾目集團微信")[0]
    chapter = re.compile(r"(?m)^(一\(yī\)|[二三四])、")
    parts = [head]
    number = 0
    pinyin = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
    while sum(len(pinyin.sub("", p)) for p in parts) < pages * PAGE * 0.9:   # pages of the cleaned text
        def renumber(match):
            nonlocal number
            number += 1
            return f"{chinese_number(min(number, 100))}、"
        parts.append(chapter.sub(renumber, body))
    return "".join(parts)


def main() -> int:
    import pandas as pd

    from deltawatch.methods.extract import draft_targets, read

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-big", action="store_true", help="skip the 50 MB text")
    args = parser.parse_args()
    catalogue = pd.read_csv(ROOT / "src" / "deltawatch" / "defaults" / "data" / "indicators.csv")
    plan = build_plan().encode("utf-8")
    doc = read(plan)
    try:
        from deltawatch.methods.extract.tasks import draft_tasks
    except ImportError:
        draft_tasks = None

    rows = []
    seconds_read = best_of(args.repeat, lambda: read(plan))
    size = (f"{len(plan) / 2**20:.2f} MB, {len(doc.text):,} characters, "
            f"{len(doc.sections)} sections, {len(doc.sentences):,} sentences")
    rows.append(("read", size, seconds_read))
    found = draft_targets(doc, catalogue=catalogue)
    seconds_targets = best_of(args.repeat, lambda: draft_targets(doc, catalogue=catalogue))
    rows.append(("targets", f"{len(found)} targets (a repeated target is one row)", seconds_targets))
    total = seconds_read + seconds_targets
    if draft_tasks is not None:
        tasks = draft_tasks(doc)
        seconds_tasks = best_of(args.repeat, lambda: draft_tasks(doc))
        rows.append(("tasks", f"{len(tasks):,} tasks", seconds_tasks))
        total += seconds_tasks

    def everything():
        d = read(plan)
        draft_targets(d, catalogue=catalogue)
        if draft_tasks is not None:
            draft_tasks(d)
    seconds_total = best_of(args.repeat, everything)
    rows.append(("**total** (read + targets" + (" + tasks" if draft_tasks else "") + ")",
                 f"{len(doc.text) / PAGE:.0f} pages of {PAGE:,} characters", seconds_total))

    big_rows = []
    if not args.no_big:
        simplified = doc.text
        big = ((simplified + "\n") * (50_000_000 // len(simplified.encode()) + 1)).encode()[:50_000_000]
        start = time.perf_counter()
        big_doc = read(big)
        t_read = time.perf_counter() - start
        start = time.perf_counter()
        big_found = draft_targets(big_doc)
        t_targets = time.perf_counter() - start
        big_rows = [("read 50 MB text", f"{len(big_doc.text):,} characters", t_read),
                    ("targets of the 50 MB text", f"{len(big_found)} targets", t_targets)]
        del big, big_doc

    width = max(len(r[0]) for r in rows + big_rows) + 2
    print(f"{'what':<{width}} {'size':<60} {'seconds':>8} {'ratio to goal':>14}")
    for what, size, seconds in rows:
        print(f"{what:<{width}} {size:<60} {seconds:8.3f} {seconds / GOAL:14.2f}")
    for what, size, seconds in big_rows:
        print(f"{what:<{width}} {size:<60} {seconds:8.3f} {'(no goal)':>14}")
    write(rows, big_rows, args)
    return 0 if seconds_total < GOAL else 1


def write(rows, big_rows, args) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    intro = (f"A 100-page plan (seed 001 repeated, chapters renumbered; traditional characters with pinyin) read and "
             f"drafted; goal < {GOAL:g} s for everything. Python {platform.python_version()}, {platform.machine()}, "
             f"{os.cpu_count()} cores; best of {args.repeat} runs after a warm-up "
             f"(`.venv/bin/python benchmarks/bench_intake.py`). Load average (1 min) at the end: {load:.1f}.")
    lines = ["# Document-intake benchmark", "", intro, "",
             "| what | size | seconds | ratio to goal |", "|---|---|---:|---:|"]
    for what, size, seconds in rows:
        lines.append(f"| {what} | {size} | {seconds:.3f} | {seconds / GOAL:.2f} |")
    if big_rows:
        note = ("The 50 MB text of the issue's bad inputs (simplified, so no conversion), one run, no goal "
                "beyond \"a few seconds\":")
        lines += ["", note, "", "| what | size | seconds |", "|---|---|---:|"]
        for what, size, seconds in big_rows:
            lines.append(f"| {what} | {size} | {seconds:.2f} |")
    path = ROOT / "benchmarks" / "results" / "intake.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
