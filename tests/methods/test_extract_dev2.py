"""Precision and recall of the target extractor on the development sets (issue 17, point 6):
seed 001 (``dev/``) and the five hand-labelled documents of ``dev2/``, each read with the plan
period a user would enter (``dev2/plan_periods.csv``) and matched to the shipped catalogue.

The held-out set (``heldout/``) is not read here: it is measured once, at the end, elsewhere.

Run as a script to see the counts per document:
    .venv/bin/python tests/methods/test_extract_dev2.py
"""

import csv
from pathlib import Path

import pandas as pd

from deltawatch.methods.extract import draft_targets, parse_plan_period, read
from deltawatch.methods.extract.evaluate import load_labels, load_unscored, score

ROOT = Path(__file__).resolve().parents[2]
INTAKE = ROOT / "tests" / "fixtures" / "intake"
CATALOGUE = ROOT / "src" / "deltawatch" / "defaults" / "data" / "indicators.csv"

# what the rules reach on the development sets (numeric targets; tp / (tp + fp), tp / (tp + fn))
DEV2_PRECISION, DEV2_RECALL = 1.0, 1.0
DEV_PRECISION, DEV_RECALL = 1.0, 1.0


def set_documents(folder: str) -> list[tuple[str, Path, Path, tuple[int, int]]]:
    """(name, text, labels, plan period) of each document of a labelled set (its plan_periods.csv)."""
    with open(INTAKE / folder / "plan_periods.csv", newline="", encoding="utf-8") as handle:
        periods = {row["file"]: row["plan_period"] for row in csv.DictReader(handle)}
    documents = []
    for name, period in sorted(periods.items()):
        documents.append((name, INTAKE / folder / f"{name}.txt", INTAKE / folder / f"{name}.csv",
                          parse_plan_period(period)))
    return documents


def dev2_documents() -> list[tuple[str, Path, Path, tuple[int, int]]]:
    return set_documents("dev2")


def score_documents(documents, *, ranked: bool = False) -> tuple[dict, list[tuple[str, dict]]]:
    """The summed counts over ``documents`` and each document's own result: of the rules alone —
    what the per-set counts of these tests hold, where a change to a rule shows — or, with
    ``ranked``, of the drafts as shipped, the ranker's cut applied (test_extract_ranker.py)."""
    catalogue = pd.read_csv(CATALOGUE)
    per_document = []
    total = {"tp": 0, "fp": 0, "fn": 0}
    for name, text, labels, period in documents:
        drafts = draft_targets(read(text), plan_period=period, catalogue=catalogue, ranked=ranked)
        result = score(drafts, load_labels(labels),
                       load_unscored(labels.parent, name))      # (passages left out for a set's cap: not scored)
        per_document.append((name, result))
        for key in total:
            total[key] += result[key]
    total["precision"] = total["tp"] / (total["tp"] + total["fp"]) if total["tp"] + total["fp"] else 1.0
    total["recall"] = total["tp"] / (total["tp"] + total["fn"]) if total["tp"] + total["fn"] else 1.0
    return total, per_document


def report(title: str, total: dict, per_document) -> None:
    print(f"\n{title}")
    for name, result in per_document:
        print(f"  {name:<48} tp {result['tp']:>2}  fp {result['fp']:>2}  fn {result['fn']:>2}  "
              f"P {result['precision']:.3f}  R {result['recall']:.3f}")
    print(f"  {'all':<48} tp {total['tp']:>2}  fp {total['fp']:>2}  fn {total['fn']:>2}  "
          f"P {total['precision']:.3f}  R {total['recall']:.3f}")


DEV = [("seed001", INTAKE / "dev" / "seed001.txt", INTAKE / "dev" / "seed001_targets.csv", (2021, 2025))]


def test_dev2_precision_and_recall(capsys):
    total, per_document = score_documents(dev2_documents())
    with capsys.disabled():
        report("dev2", total, per_document)
    assert len(per_document) == 5
    assert total["tp"] + total["fn"] > 0
    assert total["precision"] >= DEV2_PRECISION
    assert total["recall"] >= DEV2_RECALL


def test_dev_precision_and_recall(capsys):
    total, per_document = score_documents(DEV)
    with capsys.disabled():
        report("dev (seed 001)", total, per_document)
    assert total["tp"] == 14
    assert total["precision"] >= DEV_PRECISION
    assert total["recall"] >= DEV_RECALL


if __name__ == "__main__":
    report("dev (seed 001)", *score_documents(DEV))
    report("dev2", *score_documents(dev2_documents()))
