"""Fuzzing benchmark of the statistics-file reader (issue 11): hostile CSV and XLSX files.

What is measured:

* **Reader.** At least 10,000 files drawn by hypothesis from the strategies of
  tests/observations/hostile_inputs.py — text tables in every layout, delimiter, line ending
  and encoding with hostile cells (NaN, inf, 1e400, formulas, NUL, 2,000+ characters, broken
  quotes); workbooks written part by part with hostile XML (rows numbered 0, column XFE,
  shared-string indexes past the end, merged ranges beyond the sheet, entity bombs, 400-fold
  parts, truncation, flipped bytes); files whose name lies; headers past Excel's 16,384
  columns or ten million cells — each read by ``read_observations`` against the regions and
  indicators of a database made by ``deltawatch init --no-data``. A *crash* is any exception
  out of the reader; a *refusal* is a result with problems, each worded (a known message
  code, in both languages, one line of at most 1,000 characters); an *accepted* file must
  hold only finite values of magnitude ≤ 1e15 and texts of ≤ 2,000 characters, else it is
  counted as a *violation*.
* **Database.** A sample of them (300 by default) imported with ``import_observations`` into
  that SQLite database: the observations and import batches are counted before and after
  every import; a refusal that changed either is *written on refusal* (must be 0).
* **A real ZIP bomb.** An XLSX whose shared strings part is 839 MB of ``<si><t>x</t></si>``
  deflated to about 2 MB (the issue's example: 820 KB → 839 MB): seconds and peak memory
  (tracemalloc) to refuse it.

How: hypothesis with ``derandomize=True`` (the same files on every run), generation only, no
example database; seconds are wall-clock for each family (generation included).

    .venv/bin/python benchmarks/bench_fuzz_reader.py [--cases 10000] [--db-sample 300]

Prints a table and writes it to benchmarks/results/fuzz_reader.md.
"""

from __future__ import annotations

import argparse
import collections
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))                      # tests.observations.hostile_inputs
DELTAWATCH = str(Path(sys.executable).with_name("deltawatch"))
MAX_LINE = 1_000


def make_database(folder: Path) -> None:
    """A fresh SQLite database with regions, indicators and targets, and no statistics."""
    os.environ["DELTAWATCH_HOME"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'fuzz.sqlite3'}"
    subprocess.run([DELTAWATCH, "init", "--no-data"], check=True, env=os.environ.copy(),
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deltawatch.settings")
    import django

    django.setup()


class Tally:
    """Outcomes of one family of files."""

    def __init__(self, name: str):
        self.name = name
        self.counts = collections.Counter()
        self.crashes: dict[str, tuple[str, bytes]] = {}
        self.seconds = 0.0
        self.longest_line = 0

    def crash(self, error: BaseException, name: str, data: bytes) -> None:
        self.counts["crashes"] += 1
        where = traceback.extract_tb(error.__traceback__)[-1]
        key = f"{type(error).__name__}: {str(error)[:120]} ({Path(where.filename).name}:{where.lineno})"
        self.crashes.setdefault(key, (name, data[:200]))


def judge(result, tally: Tally, messages, reasons, plausible: float, max_chars: int) -> None:
    """Count one ReadResult as a refusal, an acceptance or a violation."""
    if result.ok:
        values = result.frame["value"].tolist()
        texts = [t for c in ("value_supplied", "unit_supplied", "source", "note") for t in result.frame[c]]
        sane = all(math.isfinite(v) and abs(v) <= plausible for v in values) and \
            all(len(t) <= max_chars for t in texts)
        tally.counts["accepted" if sane else "violations"] += 1
        return
    worded = bool(result.problems)
    for problem in result.problems:
        worded &= problem.code in messages and (problem.code != "unreadable_file"
                                                or problem.params.get("reason") in reasons)
        for lang in ("zh", "en"):
            line = problem.message(lang)
            tally.longest_line = max(tally.longest_line, len(line))
            worded &= 0 < len(line) <= MAX_LINE
    tally.counts["refusals" if worded else "violations"] += 1


def fuzz_reader(strategy, count: int, tally: Tally, folder: Path, resolver, indicators) -> None:
    from hypothesis import HealthCheck, Phase, given, settings

    from deltawatch.observations.messages import MESSAGES, REASONS
    from deltawatch.observations.reader import read_observations
    from deltawatch.observations.reader.limits import MAX_CELL_CHARS, MAX_PLAUSIBLE_MAGNITUDE

    @settings(max_examples=count, database=None, derandomize=True, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(file):
        name, data = file
        path = folder / name
        path.write_bytes(data)
        tally.counts["cases"] += 1
        try:
            result = read_observations(path, resolver=resolver, indicators=indicators)
        except Exception as error:  # noqa: BLE001 - counting crashes is the point
            tally.crash(error, name, data)
            return
        judge(result, tally, MESSAGES, REASONS, MAX_PLAUSIBLE_MAGNITUDE, MAX_CELL_CHARS)

    start = time.perf_counter()
    one()
    tally.seconds = time.perf_counter() - start


def fuzz_database(strategy, count: int, tally: Tally, folder: Path) -> None:
    """Imports of drawn files; a refusal must leave the observations and batches as they were."""
    from hypothesis import HealthCheck, Phase, given, settings

    from deltawatch.observations.models import ImportBatch, Observation
    from deltawatch.observations.services import ImportFailed, import_observations

    def snapshot():
        return Observation.objects.count(), ImportBatch.objects.count()

    @settings(max_examples=count, database=None, derandomize=True, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def one(file):
        name, data = file
        path = folder / name
        path.write_bytes(data)
        tally.counts["cases"] += 1
        before = snapshot()
        try:
            outcome = import_observations(path)
        except ImportFailed:
            tally.counts["refusals"] += 1
            if snapshot() != before:
                tally.counts["written on refusal"] += 1
            return
        except Exception as error:  # noqa: BLE001 - counting crashes is the point
            tally.crash(error, name, data)
            return
        tally.counts["accepted"] += 1
        tally.counts["values written"] += outcome.created + outcome.revised

    start = time.perf_counter()
    one()
    tally.seconds = time.perf_counter() - start


def zip_bomb(folder: Path, megabytes: int = 839):
    """The issue's bomb: one shared-strings part of ``megabytes`` MB deflated ~400-fold."""
    path = folder / "bomb.xlsx"
    unit = b"<si><t>x</t></si>"
    chunk = unit * (2 ** 20 // len(unit))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            written = 0
            while written < megabytes * 10 ** 6:
                part.write(chunk)
                written += len(chunk)
    return path, written


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--db-sample", type=int, default=300)
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results" / "fuzz_reader.md"))
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="fuzz-reader-") as tmp:
        folder = Path(tmp)
        make_database(folder)
        from deltawatch.observations.reader import read_observations
        from deltawatch.observations.services import indicator_infos
        from deltawatch.regions.services import region_resolver
        from tests.observations import hostile_inputs as hostile

        resolver, indicators = region_resolver(), indicator_infos()
        files = folder / "files"
        files.mkdir()
        shares = [("text tables (CSV/TSV/TXT, some misnamed)", hostile.text_files(), 0.50),
                  ("XLSX written part by part", hostile.xlsx_files(), 0.35),
                  ("raw bytes and signatures", hostile.raw_files(), 0.12),
                  ("past the bounds (columns, cells)", hostile.oversized_text_files(), 0.03)]
        tallies = []
        for name, strategy, share in shares:
            tally = Tally(name)
            fuzz_reader(strategy, round(args.cases * share), tally, files, resolver, indicators)
            tallies.append(tally)
            print(f"{name}: {dict(tally.counts)} in {tally.seconds:.1f} s", flush=True)
        database = Tally(f"imported into SQLite (sample of {args.db_sample})")
        fuzz_database(hostile.hostile_files(), args.db_sample, database, files)
        print(f"{database.name}: {dict(database.counts)} in {database.seconds:.1f} s", flush=True)

        bomb, size = zip_bomb(folder)
        tracemalloc.start()
        start = time.perf_counter()
        result = read_observations(bomb, resolver=resolver, indicators=indicators)
        bomb_seconds = time.perf_counter() - start
        bomb_peak = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
        bomb_line = result.problems[0].message("en") if result.problems else "(accepted!)"
        bomb_disk = bomb.stat().st_size

    write_results(args, tallies, database, (bomb_disk, size, bomb_seconds, bomb_peak, bomb_line))


def write_results(args, tallies, database, bomb) -> None:
    total = Tally("all reader cases")
    for tally in tallies:
        total.counts.update(tally.counts)
        total.seconds += tally.seconds
        total.longest_line = max(total.longest_line, tally.longest_line)
        total.crashes.update(tally.crashes)
    disk, size, seconds, peak, line = bomb
    lines = [
        f"# Reader fuzzing benchmark ({time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})",
        "",
        "Hostile files drawn by hypothesis (derandomized: the same files every run) from "
        "tests/observations/hostile_inputs.py, read by `read_observations` against a database made by "
        "`deltawatch init --no-data`; a sample imported into it with `import_observations`. "
        "crash = an exception out of the reader (or importer); refusal = problems, every one worded in "
        "both languages on a line of at most 1,000 characters; violation = an accepted file with a "
        "non-finite value, |value| > 1e15 or a text over 2,000 characters, or an unworded refusal; "
        "written on refusal = observations or batches changed by a refused import. "
        "Seconds include generating the files.",
        "",
        "| files | cases | crashes | refusals | accepted | violations | written on refusal | seconds | "
        "longest message line |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in [*tallies, total, database]:
        c = t.counts
        written = c["written on refusal"] if t is database else ""
        lines.append(f"| {t.name} | {c['cases']:,} | {c['crashes']} | {c['refusals']:,} | {c['accepted']:,} | "
                     f"{c['violations']} | {written} | {t.seconds:.1f} | {t.longest_line or ''} |")
    lines += ["", f"Values written by the accepted imports of the sample: {database.counts['values written']:,}.",
              "", f"ZIP bomb: {disk / 2 ** 20:.1f} MiB on disk, one part of {size / 10 ** 6:,.0f} MB declared: "
              f"refused in {seconds * 1000:.0f} ms, peak memory {peak:.1f} MiB (tracemalloc). Message: “{line}”"]
    crashes = {**total.crashes, **database.crashes}
    if crashes:
        lines += ["", "Crashes (first example of each):", ""]
        lines += [f"* `{key}` — {name}: `{data!r}`" for key, (name, data) in crashes.items()]
    text = "\n".join(lines) + "\n"
    print(text)
    Path(args.output).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
