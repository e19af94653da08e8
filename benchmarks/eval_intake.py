"""Quality of the target extractor (issue 17): precision and recall of ``draft_targets`` on
each labelled set of tests/fixtures/intake/ — the development sets the rules were written on
(dev, dev2 …), each but the first two a held-out set first, measured once before tuning —
with the plan period a user would enter for each document (its ``plan_periods.csv``) and the
shipped catalogue. A draft counts when value, comparator, target year and change type agree
with a label in the same sentence (``methods.extract.evaluate.score``). Then the task drafts
(``draft_tasks``, with the shipped regions, as the CLI reads) on each task set (tasks1 …): a
draft counts when its sentence and title agree with a label's (``score_tasks``); of those, how
many name the label's lead units and deadline. Writes benchmarks/results/intake_quality.md.

    .venv/bin/python benchmarks/eval_intake.py              # every set, results written
    .venv/bin/python benchmarks/eval_intake.py dev9 tasks1  # only these, printed
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from pathlib import Path

import pandas as pd

from deltawatch.methods.extract import draft_targets, draft_tasks, parse_plan_period, read
from deltawatch.methods.extract.evaluate import (labels_as_drafts, load_labels, load_task_labels, load_unscored, score,
                                                 score_tasks, task_labels_as_drafts)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "intake"


def _labelled_sets() -> dict[str, str]:
    """Every labelled set under tests/fixtures/intake/ in order (dev, dev2, dev3 …, then any
    held-out set not yet tuned on), with its role: each set but the first two was a held-out
    set, measured once, before it was tuned on (MEASUREMENTS.md)."""
    roles = {}
    for prefix, role in (("dev", "development (held out until tuned)"), ("heldout", "held out (measured once)")):
        numbered = [p.name for p in FIXTURES.iterdir() if re.fullmatch(rf"{prefix}\d*", p.name)]
        for name in sorted(numbered, key=lambda n: int(n[len(prefix):] or 1)):
            roles[name] = role
    roles.update({"dev": "development (seed 001)", "dev2": "development"})
    return roles


SETS = _labelled_sets()
TASK_SETS = sorted((p.name for p in FIXTURES.iterdir() if re.fullmatch(r"tasks\d+", p.name)),
                   key=lambda n: int(n[len("tasks"):]))


def documents(folder: Path):
    periods = FIXTURES / folder / "plan_periods.csv"
    if periods.exists():
        for row in csv.DictReader(periods.open(encoding="utf-8")):
            yield folder / f"{row['file']}.txt", folder / f"{row['file']}.csv", parse_plan_period(row["plan_period"])
    else:  # dev: seed 001, the outline's implementation plan to 2025
        yield folder / "seed001.txt", folder / "seed001_targets.csv", (2021, 2025)


def main(argv: list[str] | None = None) -> int:
    """All sets, written to benchmarks/results/intake_quality.md; or only the sets named on the
    command line (``eval_intake.py dev dev9``), printed — tuning must not look at a held-out set."""
    names = (argv if argv is not None else sys.argv[1:]) or list(SETS) + TASK_SETS
    everything = names == list(SETS) + TASK_SETS
    task_names, names = [n for n in names if n in TASK_SETS], [n for n in names if n not in TASK_SETS]
    catalogue = pd.read_csv(ROOT / "src/deltawatch/defaults/data/indicators.csv", dtype=str)[
        ["code", "name_zh", "name_en", "unit"]]
    lines = [f"# Target extraction quality ({dt.date.today()})", "",
             ("Goal on documents the extractor has never seen: precision ≥ 0.95, recall ≥ 0.90. History of the "
              "sets: tests/fixtures/intake/MEASUREMENTS.md."), "",
             ("The drafts are those shipped: the rules' drafts weighed by the ranker (methods/extract/ranker.py), "
              "which learnt from the blind drafts of sets dev73 … dev138, so every count below is in sample; "
              "the estimate on unseen text is benchmarks/results/ranker.md."), "",
             "| set | role | documents | labelled | found right | wrong | missed | precision | recall |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        role = SETS[name]
        if name != "dev" and not (FIXTURES / name / "plan_periods.csv").exists():
            continue                                     # a held-out set not yet labelled
        tp = fp = fn = n = 0
        for text, labels, period in documents(Path(name)):
            result = score(draft_targets(read(FIXTURES / text), plan_period=period, catalogue=catalogue),
                           load_labels(FIXTURES / labels), load_unscored(FIXTURES / name, text.stem))
            tp, fp, fn, n = tp + result["tp"], fp + result["fp"], fn + result["fn"], n + 1
        precision = tp / (tp + fp) if tp + fp else float("nan")
        lines.append(f"| {name} | {role} | {n} | {tp + fn} | {tp} | {fp} | {fn} | {precision:.3f} | "
                     f"{tp / (tp + fn):.3f} |")
    lines += _agreement(catalogue) if everything else []
    lines += _task_quality(task_names) if task_names else []
    lines += _task_agreement() if everything else []
    text = "\n".join(lines) + "\n"
    print(text)
    if everything:
        (ROOT / "benchmarks" / "results" / "intake_quality.md").write_text(text, encoding="utf-8")
    return 0


def _agreement(catalogue) -> list[str]:
    """Two people labelling the same texts (tests/fixtures/intake/agreement/<set>/, the second
    labeller blind to the first): how far their labels agree, scored as the extractor is — the
    first labeller's rows are the reference."""
    lines = ["", ("Agreement of two labellers on the same texts (the second scored against the first, as the "
                  "extractor is), and the extractor against each:"), "",
             "| set | second labeller vs first: P | R | extractor vs first: P | R | extractor vs second: P | R |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for folder in sorted((FIXTURES / "agreement").iterdir(), key=lambda f: int(re.sub(r"\D", "", f.name) or 0)):
        if folder.name in TASK_SETS:
            continue                                     # (a task set's second labelling: _task_agreement)
        people, first_ref, second_ref = _two_labellers(
            folder, load_labels, labels_as_drafts, score,
            lambda doc, period: draft_targets(doc, plan_period=period, catalogue=catalogue), unscored=True)
        cells = [f"{p:.3f} | {r:.3f}" for p, r in map(_pooled, (people, first_ref, second_ref))]
        lines.append(f"| {folder.name} | " + " | ".join(cells) + " |")
    return lines


def _two_labellers(folder: Path, load, as_drafts, scorer, drafts_of, *, unscored: bool = False):
    """The scores of a second labelling of a set against the first, of the drafts against the
    first and of the drafts against the second, document by document. ``unscored``: against the
    first, the passages it left out for the cap (its unscored.csv) count neither way."""
    people, first_ref, second_ref = [], [], []
    for text, labels, period in documents(Path(folder.name)):
        first, second = load(FIXTURES / labels), load(folder / labels.name)
        left_out = (load_unscored(FIXTURES / folder.name, text.stem),) if unscored else ()
        drafts = drafts_of(read(FIXTURES / text), period)
        people.append(scorer(as_drafts(second), first, *left_out))
        first_ref.append(scorer(drafts, first, *left_out))
        second_ref.append(scorer(drafts, second))
    return people, first_ref, second_ref


def _regions() -> pd.DataFrame:
    return pd.read_csv(ROOT / "src/deltawatch/defaults/data/regions.csv", dtype=str)[["code", "name_zh", "level"]]


def _task_quality(names: list[str]) -> list[str]:
    """Precision and recall of the task drafts on each task set, and of the right ones how many
    name the label's lead units and deadline (tests/fixtures/intake/tasks*/TASK_CONVENTIONS.md)."""
    regions = _regions()
    lines = ["", "Task drafts (issue 17, point 3) against tasks labelled by hand, blind to the extractor:", "",
             "| set | documents | labelled | found right | wrong | missed | precision | recall | "
             "lead units right | deadline right |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in names:
        results = [score_tasks(draft_tasks(read(FIXTURES / text), regions=regions, plan_period=period),
                               load_task_labels(FIXTURES / labels))
                   for text, labels, period in documents(Path(name))]
        tp, fp, fn, leads, deadlines = (sum(r[key] for r in results)
                                        for key in ("tp", "fp", "fn", "leads_right", "deadlines_right"))
        lines.append(f"| {name} | {len(results)} | {tp + fn} | {tp} | {fp} | {fn} | {tp / (tp + fp):.3f} | "
                     f"{tp / (tp + fn):.3f} | {leads} of {tp} | {deadlines} of {tp} |")
    return lines


def _task_agreement() -> list[str]:
    """Two people labelling the tasks of the same texts (tests/fixtures/intake/agreement/tasks<N>/,
    the second blind to the first), scored as the task drafts are: the first labeller's rows are
    the reference. How far people agree is the ceiling the drafts' scores sit under."""
    regions = _regions()
    lines = ["", "Agreement of two labellers on the tasks of the same texts (the second scored against the first, as "
             "the drafts are), and the drafts against each:", "",
             "| set | second labeller vs first: P | R | lead units agree | drafts vs first: P | R | drafts vs second: P | R |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for folder in sorted(f for f in (FIXTURES / "agreement").iterdir() if f.name in TASK_SETS):
        people, first_ref, second_ref = _two_labellers(
            folder, load_task_labels, task_labels_as_drafts, score_tasks,
            lambda doc, period: draft_tasks(doc, regions=regions, plan_period=period))
        cells = [f"{p:.3f} | {r:.3f}" for p, r in map(_pooled, (people, first_ref, second_ref))]
        agreed = sum(r["leads_right"] for r in people)
        lines.append(f"| {folder.name} | {cells[0]} | {agreed} of {sum(r['tp'] for r in people)} | {cells[1]} | {cells[2]} |")
    return lines


def _pooled(results: list[dict]) -> tuple[float, float]:
    tp, fp, fn = (sum(r[key] for r in results) for key in ("tp", "fp", "fn"))
    return tp / (tp + fp), tp / (tp + fn)


if __name__ == "__main__":
    raise SystemExit(main())
