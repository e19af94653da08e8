"""Reports on the embedded default (issue 16): the annual evaluation report for the 41 cities
as PDF — goal under 20 s — and the monthly task bulletin — goal under 3 s — from the data to
the file (computing the sections, rendering the charts on the server, WeasyPrint), timed end
to end; also each step apart and the Word files.

Runs ``deltawatch init`` into a throw-away data directory (SQLite) first, unless
``--home DIR`` names one that holds the default already. Writes benchmarks/results/reports.md.

    .venv/bin/python benchmarks/bench_reports.py [--home DIR] [--note "what else ran"]
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

GOALS = {"annual": 20.0, "tasks": 3.0}


def prepare(home: str | None) -> str:
    if home:
        return home
    home = tempfile.mkdtemp(prefix="dw-bench-reports-")
    env = {**os.environ, "DELTAWATCH_HOME": home}
    subprocess.run([str(Path(sys.executable).parent / "deltawatch"), "init"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    return home


def page_count(pdf: bytes) -> str:
    """Pages by poppler's pdfinfo (WeasyPrint compresses its page tree); "?" without it."""
    try:
        info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def timed(function):
    start = time.perf_counter()
    value = function()
    return value, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home")
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    os.environ["DELTAWATCH_HOME"] = prepare(args.home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deltawatch.settings")
    import django

    django.setup()
    from django.utils import timezone, translation

    from deltawatch.reports import charts, document, render, services
    from deltawatch.reports.commands import default_period

    rows = []
    for kind in ("tasks", "annual"):
        period = default_period(kind)
        translation.activate("zh-hans")
        content, build_s = timed(lambda: services.build_content(kind, period))
        context = {"content": content, "number": "〔2026〕第1期", "office": services.DEFAULT_OFFICE,
                   "date": timezone.localdate(), "kind_label": kind, "texts": {}, "language": "zh-hans",
                   "draft": False, "public": False}
        charts_n = sum(1 for _ in document.blocks_of(content, "chart"))
        maps_n = sum(1 for b in document.blocks_of(content, "chart") if b.get("map"))
        pdf, pdf_s = timed(lambda: render.to_pdf(context))
        docx, docx_s = timed(lambda: render.to_docx(context))
        pages = page_count(pdf)
        size = f"{period.code()}: {charts_n} charts ({maps_n} maps), {pages} pages"
        rows += [(f"{kind}: sections from the data", size, build_s, None),
                 (f"{kind}: PDF from the sections", f"{len(pdf) / 2**20:.1f} MiB", pdf_s, None),
                 (f"{kind}: data → PDF (goal {GOALS[kind]:g} s)", size, build_s + pdf_s, GOALS[kind]),
                 (f"{kind}: Word from the sections", f"{len(docx) / 2**20:.1f} MiB", docx_s, None)]
    lines = [f"# Reports on the embedded default ({timezone.localdate()}, {platform.machine()}, "
             f"{os.cpu_count()} cores, Python {platform.python_version()})", "",
             "Issue 16's goals: the annual report for the 41 cities as PDF under 20 s, a monthly bulletin under 3 s. "
             "One process, cold: the first chart loads ECharts into QuickJS (" + charts.__name__ + ").",
             *([f"Note: {args.note}"] if args.note else []), "",
             "| what | size | seconds | ratio to goal |", "|---|---|---:|---:|"]
    for what, size, seconds, goal in rows:
        lines.append(f"| {what} | {size} | {seconds:.2f} | {seconds / goal:.2f} |" if goal else
                     f"| {what} | {size} | {seconds:.2f} |  |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = Path(__file__).resolve().parent / "results" / "reports.md"
    out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
