"""Precision and recall of draft targets (and of draft tasks: ``score_tasks``) against labels
made by hand (issue 17, point 6).

A draft is a true positive when a label row of the same sentence (compared after removing
whitespace and punctuation; one sentence may hold the other, as a ；-clause of the same list)
has the same value (and upper value of a range), comparator, target year and change type. Each
label is matched at most once. Precision and recall count numeric rows only; the targets without
a number ("完成国家下达目标任务") are scored apart, by sentence and indicator text.

Labels: a CSV with the columns of ``shared/corpus/labels`` — indicator, target_year, comparator,
value, unit, baseline_year, sentence, change_type, numeric, location. ``value`` is a number, a
range "10-11" or a ratio "2:1" (2.0, as the extractor gives it).

    python -m deltawatch.methods.extract.evaluate DOC LABELS.csv [--plan-period 2021-2025]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from pathlib import Path

from .reading import CN_YEAR, VARIANTS, year_in_digits
from .types import DraftTarget, DraftTask

COMPARATORS = {">=": "≥", "≥": "≥", "<=": "≤", "≤": "≤", "=": "=", "==": "=", "≈": "≈", "~": "≈", ">": ">", "<": "<",
               "range": "range"}


def normalise_sentence(text: str) -> str:
    """The sentence without whitespace, punctuation and symbols (PM_2.5 = PM2.5, ，= ,), read as
    the reader reads a text — character variants mapped (増 → 增), full-width letters made narrow,
    years in Chinese numerals in digits — so a label copied from the raw text meets its draft."""
    text = unicodedata.normalize("NFKC", str(text).translate(VARIANTS))      # (ＧＤＰ = GDP, as the reader reads it)
    text = CN_YEAR.sub(year_in_digits, text)                                  # (二〇二五年 = 2025年)
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch)[0] in "PSZ"))


def parse_value(text) -> tuple[float | None, float | None]:
    """'75' → (75, None); '10-11' → (10, 11); '2:1' → (2.0, None); words → (None, None)."""
    text = str(text or "").strip().replace("％", "%").rstrip("%")
    ratio = re.fullmatch(r"(\d+(?:\.\d+)?)\s*[:：]\s*(\d+(?:\.\d+)?)", text)
    if ratio:
        low, high = float(ratio.group(1)), float(ratio.group(2))
        return (low / high if high else low), None
    rng = re.fullmatch(r"(\d+(?:\.\d+)?)%?\s*[-－—–~～至]\s*(\d+(?:\.\d+)?)", text)
    if rng:
        return float(rng.group(1)), float(rng.group(2))
    try:
        return float(text), None
    except ValueError:
        return None, None


def load_unscored(folder, file: str) -> tuple[str, ...]:
    """The passages of ``file`` its labellers left out on purpose (``unscored.csv`` of the set:
    file, passage, why), else none."""
    path = Path(folder) / "unscored.csv"
    if not path.exists():
        return ()
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return tuple(row["passage"] for row in csv.DictReader(handle) if row["file"] == file)


def load_labels(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    return [_normalise_label(row) for row in rows]


def labels_as_drafts(labels) -> list[DraftTarget]:
    """Label rows as drafts, to score one labeller against another with ``score`` (the agreement
    of two people labelling the same texts is the ceiling any extractor is measured under)."""
    drafts = []
    for row in _as_label_rows(labels):
        drafts.append(DraftTarget(
            indicator_text=str(row.get("indicator", "")), sentence=str(row.get("sentence", "")),
            location=str(row.get("location", "")), start=0, end=0, numeric=row["numeric"],
            target_year=row["year"], comparator=row["comparator"], value=row["value_low"],
            value_high=row["value_high"], value_text=str(row.get("value", "")), unit=str(row.get("unit", "")),
            change_type=row["change_type"], confidence=1.0))
    return drafts


def _blank(value) -> bool:
    """An empty cell: None, "" or the NaN pandas reads for one."""
    return value is None or (isinstance(value, float) and value != value) or str(value).strip() == ""


def _normalise_label(row: dict) -> dict:
    """A label row as read (CSV strings, or a DataFrame record with NaN for empty cells) with
    the parsed fields ``score`` compares: numeric, value_low/value_high, comparator, year."""
    row = {key: ("" if _blank(value) else value) for key, value in row.items()}
    numeric = row.get("numeric", "yes")
    row["numeric"] = numeric if isinstance(numeric, bool) else (
        str(numeric or "yes").strip().lower() not in ("no", "false", "0", "n"))
    value = row.get("value")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    row["value_low"], row["value_high"] = parse_value(value)
    comparator = str(row.get("comparator") or "=").strip()
    row["comparator"] = COMPARATORS.get(comparator, comparator)
    year = str(row.get("target_year") or "").strip()
    row["year"] = int(float(year)) if year else None
    row["change_type"] = str(row.get("change_type") or "level").strip()
    return row


def _as_label_rows(labels) -> list[dict]:
    """Labels as ``load_labels`` returns them, from that list or from a pandas DataFrame of the
    same columns (its records are normalised the same way)."""
    if hasattr(labels, "to_dict") and hasattr(labels, "columns"):
        return [_normalise_label(record) for record in labels.to_dict("records")]
    return [row if "value_low" in row and "year" in row else _normalise_label(row) for row in labels]


def _close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _same_sentence(a: str, b: str) -> bool:
    x, y = normalise_sentence(a), normalise_sentence(b)
    return bool(x) and bool(y) and (x == y or x in y or y in x)


def in_passages(sentence: str, passages: tuple[str, ...]) -> bool:
    """The sentence is one of ``passages`` (or holds one, or is held by one): a set's unscored
    passages, left unlabelled on purpose."""
    return any(_same_sentence(passage, sentence) for passage in passages)


def agrees(draft: DraftTarget, label: dict) -> bool:
    """Value, comparator, target year and change type agree, in the same sentence."""
    return (draft.numeric and _same_sentence(draft.sentence, label.get("sentence", ""))
            and _close(draft.value, label["value_low"])
            and (label["value_high"] is None or _close(draft.value_high, label["value_high"]))
            and draft.comparator == label["comparator"] and draft.target_year == label["year"]
            and draft.change_type == label["change_type"])


def _names_agree(draft: DraftTarget, label: dict) -> bool:
    x, y = normalise_sentence(draft.indicator_text), normalise_sentence(label.get("indicator", ""))
    return bool(x) and bool(y) and (x in y or y in x)


def score(drafts: list[DraftTarget], labels, unscored: tuple[str, ...] = ()) -> dict:
    """precision, recall, tp, fp, fn over numeric targets; ``non_numeric`` the same counts for
    the targets without a number; ``rows`` one dict per draft and missed label with its status.
    ``labels``: the list ``load_labels`` returns, raw CSV rows, or a pandas DataFrame of them.
    ``unscored``: passages the labellers left unlabelled on purpose (targets beyond a set's cap
    on one text): a draft there that meets no label is neither right nor wrong."""
    labels = _as_label_rows(labels)
    tp, fp, fn, rows = _match([d for d in drafts if d.numeric], [label for label in labels if label["numeric"]],
                              agrees)
    for row in rows:
        if row["status"] == "fp" and in_passages(row["sentence"], unscored):
            row["status"], fp = "unscored", fp - 1
    other_tp, other_fp, other_fn, other_rows = _match(
        [d for d in drafts if not d.numeric], [label for label in labels if not label["numeric"]],
        lambda draft, label: _same_sentence(draft.sentence, label.get("sentence", "")) and _names_agree(draft, label))
    rows += other_rows
    return {
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "tp": tp, "fp": fp, "fn": fn,
        "non_numeric": {"tp": other_tp, "fp": other_fp, "fn": other_fn},
        "rows": rows,
    }


def _match(drafts: list[DraftTarget], labels: list[dict], agree) -> tuple[int, int, int, list[dict]]:
    """Each draft takes the first label it ``agree``s with that no earlier draft took:
    (true positives, false positives, missed labels, a row per draft then per missed label)."""
    used: set[int] = set()
    rows = []
    for draft in drafts:
        hit = next((i for i, label in enumerate(labels) if i not in used and agree(draft, label)), None)
        if hit is not None:
            used.add(hit)
        rows.append(_row("tp" if hit is not None else "fp", draft=draft))
    rows += [_row("fn", label=label) for i, label in enumerate(labels) if i not in used]
    return len(used), len(drafts) - len(used), len(labels) - len(used), rows


def _row(status: str, *, draft: DraftTarget | None = None, label: dict | None = None) -> dict:
    if draft is not None:
        value = draft.value_text if not draft.numeric else (
            f"{draft.value:g}-{draft.value_high:g}" if draft.value_high is not None else f"{draft.value:g}")
        return {"status": status, "indicator": draft.indicator_text, "target_year": draft.target_year,
                "comparator": draft.comparator, "value": value, "unit": draft.unit, "change_type": draft.change_type,
                "numeric": draft.numeric, "sentence": draft.sentence}
    return {"status": status, "indicator": label.get("indicator", ""), "target_year": label["year"],
            "comparator": label["comparator"], "value": label.get("value", ""), "unit": label.get("unit", ""),
            "change_type": label["change_type"], "numeric": label["numeric"], "sentence": label.get("sentence", "")}


# --- tasks ------------------------------------------------------------------------------------

TITLE_AGREEMENT = 0.6     # two titles of one action share this share of their characters, in order


def load_task_labels(path) -> list[dict]:
    """Task labels (tests/fixtures/intake/tasks*/, columns title, sentence, lead_units,
    participants, deadline_text, location; several units joined by ；)."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key in ("lead_units", "participants"):
            row[key] = [unit.strip() for unit in re.split(r"[；;]", row.get(key) or "") if unit.strip()]
    return rows


def task_labels_as_drafts(labels: list[dict]) -> list[DraftTask]:
    """Task labels as drafts, to score one labeller against another as the extractor is scored."""
    return [DraftTask(title=row["title"], sentence=row.get("sentence", ""), location=row.get("location", ""), start=0,
                      end=0, lead_units=list(row["lead_units"]), participants=list(row["participants"]),
                      deadline_text=row.get("deadline_text", "") or "") for row in labels]


def title_agreement(a: str, b: str) -> float:
    """How far two titles of an action agree: 1 when one holds the other (a title with or
    without its adverb, 加快建设X / 建设X), else the share of characters they have in common in
    order (difflib's ratio). Labellers and the extractor cut an action's ends differently; the
    action is the same."""
    from difflib import SequenceMatcher

    x, y = normalise_sentence(a), normalise_sentence(b)
    if not x or not y:
        return 0.0
    return 1.0 if x in y or y in x else SequenceMatcher(None, x, y, autojunk=False).ratio()


def score_tasks(drafts, labels: list[dict]) -> dict:
    """Precision and recall of draft tasks: a draft is right when a label of the same sentence
    has a title that agrees (``title_agreement`` ≥ TITLE_AGREEMENT); each draft takes the
    unused label it agrees with best, each label is taken once. Of the drafts that are right,
    ``leads_right`` counts those whose lead units are the label's (the same set, none for none)
    and ``deadlines_right`` those whose deadline text is the label's (spaces and punctuation aside)."""
    used: set[int] = set()
    rows, leads_right, deadlines_right = [], 0, 0
    for draft in drafts:
        candidates = [(title_agreement(draft.title, label["title"]), i) for i, label in enumerate(labels)
                      if i not in used and _same_sentence(draft.sentence, label.get("sentence", ""))]
        agreement, hit = max(candidates, default=(0.0, None))
        if hit is None or agreement < TITLE_AGREEMENT:
            rows.append({"status": "fp", "title": draft.title, "sentence": draft.sentence,
                         "lead_units": draft.lead_units, "deadline_text": draft.deadline_text})
            continue
        used.add(hit)
        label = labels[hit]
        lead_ok = {normalise_sentence(u) for u in draft.lead_units} == {normalise_sentence(u) for u in label["lead_units"]}
        deadline_ok = normalise_sentence(draft.deadline_text) == normalise_sentence(label.get("deadline_text", ""))
        leads_right, deadlines_right = leads_right + lead_ok, deadlines_right + deadline_ok
        rows.append({"status": "tp", "title": draft.title, "label_title": label["title"], "sentence": draft.sentence,
                     "lead_units": draft.lead_units, "label_lead_units": label["lead_units"], "lead_ok": lead_ok,
                     "deadline_text": draft.deadline_text, "label_deadline_text": label.get("deadline_text", ""),
                     "deadline_ok": deadline_ok})
    rows += [{"status": "fn", "title": label["title"], "sentence": label.get("sentence", ""),
              "lead_units": label["lead_units"], "deadline_text": label.get("deadline_text", "")}
             for i, label in enumerate(labels) if i not in used]
    tp = len(used)
    fp, fn = len(drafts) - tp, len(labels) - tp
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "tp": tp, "fp": fp, "fn": fn, "leads_right": leads_right, "deadlines_right": deadlines_right,
            "rows": rows}


def format_table(result: dict) -> str:
    lines = [f"{'':3} {'indicator':<30} {'year':>5} {'cmp':>5} {'value':>10} {'unit':<10} change"]
    for row in result["rows"]:
        lines.append(f"{row['status']:3} {str(row['indicator'])[:30]:<30} {row['target_year']!s:>5} "
                     f"{row['comparator']:>5} {str(row['value'])[:10]:>10} {str(row['unit'])[:10]:<10} "
                     f"{row['change_type']}{'' if row['numeric'] else ' (non-numeric)'}")
    other = result["non_numeric"]
    lines.append(f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  "
                 f"(tp {result['tp']}, fp {result['fp']}, fn {result['fn']}); "
                 f"non-numeric: tp {other['tp']}, fp {other['fp']}, fn {other['fn']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from .reading import read
    from .targets import draft_targets, parse_plan_period

    parser = argparse.ArgumentParser(prog="python -m deltawatch.methods.extract.evaluate",
                                     description="Precision and recall of draft targets against labels")
    parser.add_argument("document")
    parser.add_argument("labels")
    parser.add_argument("--plan-period", default="2021-2025")
    args = parser.parse_args(argv)
    drafts = draft_targets(read(Path(args.document)), plan_period=parse_plan_period(args.plan_period))
    print(format_table(score(drafts, load_labels(args.labels))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
