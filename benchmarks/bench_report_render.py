"""Report rendering benchmark (issue 16): server-side charts and the annual report's PDF.

1. Charts: 30 bar charts and 5 maps of the 41 cities rendered to SVG by ECharts' own
   server-side rendering in QuickJS (``reports.charts.render_svg``); the first call of the
   process also loads ECharts (reported apart) and the first map registers the GeoJSON.
2. Documents: a synthetic annual report of 40 sections, each with a paragraph, a table of the
   41 cities (every column format) and a chart (35 bars, 5 maps), as HTML, PDF (WeasyPrint)
   and Word (python-docx, charts as PNG); and a monthly bulletin (5 sections, 2 charts) as PDF.
   Goals: the annual report as PDF under 20 s, a monthly bulletin under 3 s.

Seconds are the best of ``--repeat`` runs after a warm-up (the warm-up pays for loading ECharts
and registering the map, as the first report of a process does).

    .venv/bin/python benchmarks/bench_report_render.py [--repeat 2]

Prints a table and writes it to benchmarks/results/report_render.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deltawatch.settings")
os.environ.setdefault("DELTAWATCH_HOME", tempfile.mkdtemp(prefix="bench-report-"))

import django

django.setup()

from timing import best_of

from deltawatch.regional.services import GEOJSON
from deltawatch.reports import document as doc
from deltawatch.reports.charts import render_svg
from deltawatch.reports.render import to_docx, to_html, to_pdf

ROOT = Path(__file__).resolve().parents[1]
CITIES = [f["properties"]["name"] for f in json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]]
GOALS = {"annual": 20.0, "bulletin": 3.0}


def bar_option(k: int) -> dict:
    values = [round(50 + 40 * ((i * 7 + k * 13) % 41) / 41, 1) for i in range(len(CITIES))]
    return {"grid": {"left": 50, "right": 20, "bottom": 90}, "xAxis": {"type": "category", "data": CITIES,
            "axisLabel": {"rotate": 60, "interval": 0, "fontSize": 10}}, "yAxis": {"type": "value"},
            "series": [{"type": "bar", "data": values}]}


def map_option(k: int) -> dict:
    return {"visualMap": {"min": 0, "max": 40, "calculable": False, "left": 10, "bottom": 10},
            "series": [{"type": "map", "roam": False, "label": {"show": False},
                        "data": [{"name": n, "value": (i + k) % 41} for i, n in enumerate(CITIES)]}]}


def city_table(k: int) -> dict:
    columns = [doc.column("city", "城市"), doc.column("tasks", "任务数", "int"), doc.column("value", "指标值", "number"),
               doc.column("rate", "完成率", "percent"), doc.column("light", "灯号", "light"),
               doc.column("rank", "排名", "rank")]
    lights = ("green", "yellow", "red", "grey")
    rows = [{"city": name, "tasks": 100 + 37 * i + k, "value": 1000 + 12.345 * i * (k + 1), "rate": (i % 20) / 20,
             "light": lights[(i + k) % 4], "rank": [i + 1, max(1, i - 2), min(41, i + 3)]} for i, name in enumerate(CITIES)]
    return doc.table(f"第{k + 1}节各城市指标", columns, rows, note="注：排名括号内为90%区间。")


def annual(sections: int = 40, maps: int = 5) -> dict:
    every = sections // maps
    items = []
    for k in range(sections):
        chart = (doc.chart(f"第{k + 1}节指标分布", map_option(k), height=420, map="yrd41") if k % every == every - 1
                 else doc.chart(f"第{k + 1}节各城市指标", bar_option(k), height=340))
        items.append(doc.section(f"area:{k}", f"第{k + 1}个领域实施情况", [
            doc.paragraph("本节概述该领域目标、指标与实施进展，数值均由系统根据同一数据版本计算生成。" * 3),
            city_table(k), chart]))
    return doc.document("《规划纲要》实施情况评估报告（2026年）", items, sources={"data_version": "bench"})


def bulletin() -> dict:
    items = [doc.section("overview", "总体情况", [doc.paragraph("本月任务总体推进平稳。" * 4), city_table(0),
                                                 doc.chart("各城市按期完成率", bar_option(0), height=340)])]
    items += [doc.section(f"s{k}", f"第{k}部分", [doc.paragraph("情况说明。" * 20), doc.bullet_list(["事项一", "事项二"])])
              for k in range(1, 4)]
    items.append(doc.section("lights", "分领域红黄绿灯", [doc.chart("灯号分布", map_option(1), height=420, map="yrd41")]))
    return doc.document("重点任务进展通报（2026年11月）", items)


def context(content: dict) -> dict:
    return {"content": content, "number": "〔2026〕第3期", "office": "长三角一体化发展领导小组办公室（示例）",
            "date": dt.date(2026, 12, 1), "kind_label": "评估报告", "texts": {}, "language": "zh-hans",
            "draft": False, "public": True}


def pdf_pages(data: bytes) -> str:
    """The page count by poppler's pdfinfo ("?" without poppler-utils)."""
    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(data)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=False).stdout
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "report_render.md"))
    args = parser.parse_args()

    rows = []
    start = time.perf_counter()
    render_svg(bar_option(0))
    rows.append(("first chart of the process (loads ECharts into QuickJS)", "1 bar", time.perf_counter() - start, ""))
    start = time.perf_counter()
    render_svg(map_option(0), map="yrd41", height=420)
    rows.append(("first map of the process (registers the simplified GeoJSON)", "1 map", time.perf_counter() - start, ""))
    bars = best_of(args.repeat, lambda: [render_svg(bar_option(k), height=340) for k in range(30)])
    rows.append(("30 bar charts → SVG", "41 bars each", bars, ""))
    maps = best_of(args.repeat, lambda: [render_svg(map_option(k), height=420, map="yrd41") for k in range(5)])
    rows.append(("5 maps → SVG", "41 cities each", maps, ""))

    report = context(annual())
    outputs = {}
    for name, function in (("HTML", to_html), ("PDF", to_pdf), ("Word", to_docx)):
        seconds = best_of(args.repeat, lambda name=name, function=function: outputs.__setitem__(name, function(report)))
        size = f"{len(outputs[name]) / 2**20:.1f} MiB"
        if name == "PDF":
            size += f", {pdf_pages(outputs[name])} pages"
            rows.append((f"annual report → {name} (40 sections × 41-row table + chart; 35 bars, 5 maps)", size, seconds,
                         f"{seconds / GOALS['annual']:.2f}"))
        else:
            rows.append((f"annual report → {name}", size, seconds, ""))
    small = context(bulletin())
    seconds = best_of(args.repeat, lambda: outputs.__setitem__("bulletin", to_pdf(small)))
    rows.append(("monthly bulletin → PDF (5 sections, 1 bar, 1 map)",
                 f"{len(outputs['bulletin']) / 2**10:.0f} KiB, {pdf_pages(outputs['bulletin'])} pages", seconds,
                 f"{seconds / GOALS['bulletin']:.2f}"))

    lines = [
        (f"# Report rendering benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
         f"Python {platform.python_version()})"),
        "",
        (f"Goals (issue 16): the annual report as PDF under {GOALS['annual']:g} s, a monthly bulletin under "
         f"{GOALS['bulletin']:g} s. Charts: ECharts 5.6 SSR in QuickJS; PDF: WeasyPrint (font subsetting by "
         "HarfBuzz when libharfbuzz-subset0 is installed, else fontTools, much slower). Seconds: best of "
         f"{args.repeat} after a warm-up; ratio = seconds / goal."),
        "",
        "| what | size | seconds | ratio to goal |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {what} | {size} | {seconds:.2f} | {ratio} |" for what, size, seconds, ratio in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
