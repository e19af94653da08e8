"""Train the target ranker (methods/extract/ranker.py) and measure it on text it has not seen.

What it learns from: the rules' drafts on each held-out set *as the rules stood when the set was
measured blind* — before they were tuned on it (tests/fixtures/intake/MEASUREMENTS.md gives the
commit of each blind round). For each round the script checks that commit out in a temporary git
worktree and reads the round's texts with its code: the rules' drafts, and every other value of
the sentences they read (``targets._other_values`` of this checkout, run on the old rules). Beside
them, every labelled set as this checkout's rules read it — in sample for the rules, but more
examples of the values they pass over. A draft or value is right when it agrees with a label
(``evaluate.agrees``).

Then, for each round in turn, a logistic model (scikit-learn) is fitted on everything but that
round's texts and scores the round as it was read blind: precision and recall of the rules alone
and of the rules with the ranker, as the scorer counts them, over all rounds — the estimate on
unseen text. The cuts are the pair that finds most on that estimate without being less precise
than the rules alone. Last, the model is fitted on everything and written, weights and cuts, to
src/deltawatch/methods/extract/ranker.json, with what it measured.

    .venv/bin/python benchmarks/train_ranker.py            # needs the git history (a clone has it)
    .venv/bin/python benchmarks/train_ranker.py --report   # measure only, write nothing
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from deltawatch.methods.extract import ranker
from deltawatch.methods.extract.evaluate import (
    agrees,
    in_passages,
    load_labels,
    load_unscored,
    score,
)
from deltawatch.methods.extract.types import DraftTarget

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "intake"
TARGETS_SOURCE = ROOT / "src" / "deltawatch" / "methods" / "extract" / "targets.py"

# each blind round: the commit its sets were measured at, once, before tuning (MEASUREMENTS.md
# steps 82–135; held-out set N became devN+2 up to 128, devN from 131 on)
ROUNDS = {
    "884b515": range(73, 77), "d69adcd": range(77, 85), "3014d15": range(85, 93), "316c70a": range(93, 97),
    "1ed43c5": range(97, 99), "5bfd9b1": range(99, 105), "6dd13b0": range(105, 111), "610ec07": range(111, 117),
    "d8772c2": range(117, 119), "044045b": range(119, 125), "fd014bb": range(125, 129), "c26a79a": range(129, 131),
    "e4e457c": range(131, 133), "db7a68a": range(133, 135), "7975bf6": range(135, 137), "6ca8f33": range(137, 139),
    "298bd6d": range(139, 141),           # (the first round measured with the ranker: step 135)
}
C = 1.0                                   # the logistic model's inverse regularisation
SMALLEST = 0.05                           # weights nearer zero are dropped (the file a fifth the size, F1 the same)
RULE_CUTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
OTHER_CUTS = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
POSSIBLE_CUT = 0.15

# Run in a child process on an old commit's code (PYTHONPATH=<worktree>/src): this checkout's
# ranker.py is loaded by path and this checkout's _other_values is defined in the old targets
# module, so the values are gathered exactly as the shipped code gathers them.
DUMP = r'''
import ast, csv, dataclasses, importlib.util, inspect, json, sys
from pathlib import Path
import pandas as pd
from deltawatch.methods.extract import read, parse_plan_period
from deltawatch.methods.extract import targets as T
spec = importlib.util.spec_from_file_location("current_ranker", sys.argv[2])
current_ranker = sys.modules["current_ranker"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(current_ranker)
T.ranker = current_ranker
# (with the constants and helpers it reads that the old module lacks)
tree = ast.parse(Path(sys.argv[3]).read_text(encoding="utf-8"))
function = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "_other_values")
used = {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
missing = [node for node in tree.body if isinstance(node, ast.Assign) and any(
    isinstance(t, ast.Name) and t.id in used and not hasattr(T, t.id) for t in node.targets)
    or isinstance(node, ast.FunctionDef) and node.name in used and not hasattr(T, node.name)]
exec(compile(ast.Module(body=missing + [function], type_ignores=[]), "targets._other_values", "exec"), T.__dict__)
def plain(d):
    return {k: v for k, v in dataclasses.asdict(d).items() if k != "candidates"}
fixtures, catalogue = Path(sys.argv[4]), pd.read_csv(sys.argv[5], dtype=str)[["code", "name_zh", "name_en", "unit"]]
rules_alone = {"ranked": False} if "ranked" in inspect.signature(T.draft_targets).parameters else {}
out = {}
for name in sys.argv[6:]:
    for row in csv.DictReader((fixtures / name / "plan_periods.csv").open(encoding="utf-8")):
        others, rules = [], T._targets_of_sentence
        def hooked(sentence, context, *args, **kwargs):
            found = rules(sentence, context, *args, **kwargs)
            others.extend(T._other_values(sentence, context, bool(kwargs.get("goal_block"))))
            return found
        T._targets_of_sentence = hooked
        try:
            drafts = T.draft_targets(read(fixtures / name / f"{row['file']}.txt"),
                                     plan_period=parse_plan_period(row["plan_period"]), catalogue=catalogue,
                                     **rules_alone)
        finally:
            T._targets_of_sentence = rules
        out[name + "/" + row["file"]] = {"drafts": [plain(d) for d in drafts], "others": [
            {"draft": plain(o.draft), "verb": o.verb, "values_in_clause": o.values_in_clause,
             "goal_block": o.goal_block} for o in others]}
Path(sys.argv[1]).write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
'''

FIELDS = {f.name for f in dataclasses.fields(DraftTarget)}


def _draft(record: dict) -> DraftTarget:
    return DraftTarget(**{k: v for k, v in record.items() if k in FIELDS})


def _read_sets(workdir: Path, commit: str | None, sets: list[str]) -> dict[str, dict]:
    """{set/file: {"drafts": …, "others": …}}: the sets read by the rules of ``commit`` (checked
    out in a temporary worktree) or, for None, of this checkout."""
    catalogue = ROOT / "src" / "deltawatch" / "defaults" / "data" / "indicators.csv"
    tree, out = workdir / (commit or "current"), workdir / f"{commit or 'current'}.json"
    if commit:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(tree), commit],
                       check=True, capture_output=True)
    try:
        subprocess.run([sys.executable, "-c", DUMP, str(out), str(Path(ranker.__file__)), str(TARGETS_SOURCE),
                        str(FIXTURES), str(catalogue), *sets],
                       check=True, env=dict(os.environ, PYTHONPATH=str((tree if commit else ROOT) / "src")))
    finally:
        if commit:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True,
                           check=False)
    found = json.loads(out.read_text(encoding="utf-8"))
    print(f"  {commit or 'this checkout'}: {len(found)} texts read", file=sys.stderr)
    return found


def candidates(record: dict) -> list[tuple[DraftTarget, dict[str, float], bool]]:
    """(draft, features, is a rule draft) for a text's numeric rule drafts and the other values
    of its sentences, the same values ``ranker.rank`` weighs."""
    rules = [_draft(d) for d in record["drafts"] if d["numeric"]]
    counts = ranker.RuleDraftCounts.of(rules)
    rows = [(d, ranker.features(d, counts), True) for d in rules]
    drafted, seen = {(d.sentence, d.value) for d in rules}, set()
    for other in record["others"]:
        draft = _draft(other["draft"])
        key = (draft.sentence, draft.start, draft.value)
        if (draft.sentence, draft.value) in drafted or key in seen:
            continue
        seen.add(key)
        value = ranker.OtherValue(draft, other["verb"], other["values_in_clause"], other["goal_block"])
        rows.append((draft, ranker.other_features(value, counts), False))
    return rows


def _fit(X, y):
    """The logistic model, its smallest weights dropped (as the shipped file holds it)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=3000).fit(X, y)
    model.coef_[0][abs(model.coef_[0]) < SMALLEST] = 0.0
    return model


def main(argv: list[str] | None = None) -> int:
    from sklearn.feature_extraction import DictVectorizer

    argv = sys.argv[1:] if argv is None else argv
    labelled = sorted((p.parent.name for p in FIXTURES.glob("dev*/plan_periods.csv")), key=lambda n: int(n[3:]))
    round_of = {f"dev{n}": commit for commit, numbers in ROUNDS.items() for n in numbers}
    texts = []                                # (round, set, file, rows, read blind)
    with tempfile.TemporaryDirectory() as workdir:
        for commit, numbers in ROUNDS.items():
            for key, record in _read_sets(Path(workdir), commit, [f"dev{n}" for n in numbers]).items():
                texts.append((commit, *key.split("/", 1), candidates(record), True))
        # and every labelled set as this checkout's rules read it (in sample for them): more
        # examples of what they pass over, learnt from beside the blind rounds
        for key, record in _read_sets(Path(workdir), None, labelled).items():
            name, file = key.split("/", 1)
            texts.append((round_of.get(name, ""), name, file, candidates(record), False))
    labels = {(name, file): load_labels(FIXTURES / name / f"{file}.csv") for _, name, file, _, _ in texts}
    X, y, where = [], [], []
    for i, (commit, name, file, rows, _) in enumerate(texts):
        numeric = [label for label in labels[(name, file)] if label["numeric"]]
        left_out = load_unscored(FIXTURES / name, file)
        for j, (draft, found, _) in enumerate(rows):
            if in_passages(draft.sentence, left_out):
                continue                      # (left unlabelled on purpose: no lesson either way)
            X.append(found)
            y.append(any(agrees(draft, label) for label in numeric))
            where.append((commit, i, j))
    y = np.array(y)
    commits = np.array([w[0] for w in where])
    blind = np.array([texts[i][4] for _, i, _ in where])
    chance = np.zeros(len(y))
    for commit in ROUNDS:                     # each round scored by a model that never saw its texts
        train, test = np.where(commits != commit)[0], np.where((commits == commit) & blind)[0]
        vectoriser = DictVectorizer()
        model = _fit(vectoriser.fit_transform([X[k] for k in train]), y[train])
        chance[test] = model.predict_proba(vectoriser.transform([X[k] for k in test]))[:, 1]
    by_text = defaultdict(dict)
    for k, (_, i, j) in enumerate(where):
        by_text[i][j] = chance[k]

    def measure(rule_cut: float, other_cut: float) -> tuple[int, int, int]:
        totals = np.zeros(3, dtype=int)
        for i, (_, name, file, rows, read_blind) in enumerate(texts):
            if not read_blind:
                continue
            kept = [draft for j, (draft, _, rule) in enumerate(rows)
                    if by_text[i].get(j, 1.0) >= (rule_cut if rule else other_cut)]   # (unscored passages: either way)
            result = score(kept, labels[(name, file)], load_unscored(FIXTURES / name, file))
            totals += (result["tp"], result["fp"], result["fn"])
        return tuple(int(t) for t in totals)

    def line(what: str, tp: int, fp: int, fn: int) -> str:
        return (f"| {what} | {tp} | {fp} | {fn} | {tp / (tp + fp):.3f} | {tp / (tp + fn):.3f} | "
                f"{2 * tp / (2 * tp + fp + fn):.3f} |")

    rules_alone = measure(0.0, 2.0)
    grid = {(r, o): measure(r, o) for r in RULE_CUTS for o in OTHER_CUTS}
    # the cuts that find most, of those that are not less precise than the rules alone: the
    # ranker must not cost the drafts precision (the goal puts it first); what it doubts the
    # review page shows apart as possible targets
    def precision(t):
        return t[0] / (t[0] + t[1])

    allowed = [cut for cut in grid if precision(grid[cut]) >= precision(rules_alone)] or list(grid)
    best = max(allowed, key=lambda cut: (grid[cut][0], precision(grid[cut])))
    with_possible = measure(0.0, POSSIBLE_CUT)         # (every rule draft, demoted or not: ranker.rank)
    table = ["| what | right | wrong | missed | precision | recall | F1 |", "|---|---:|---:|---:|---:|---:|---:|",
             line("the rules alone, as measured blind", *rules_alone)]
    table += [line(f"with the ranker, cuts {r} / {o}", *grid[(r, o)]) for r, o in sorted(grid)]
    table.append(line(f"with the possible targets too (every rule draft, other values ≥ {POSSIBLE_CUT})", *with_possible))
    n_blind = sum(t[4] for t in texts)
    print(f"{n_blind} texts of {len(ROUNDS)} blind rounds and {len(texts) - n_blind} as this checkout reads them; "
          f"{len(y)} drafts and values, {int(y.sum())} right; "
          f"best cuts {best}")
    print("\n".join(table))
    if "--report" in argv:
        return 0
    vectoriser = DictVectorizer()
    model = _fit(vectoriser.fit_transform(X), y)
    weights = {name: round(float(w), 3) for name, w in zip(vectoriser.get_feature_names_out(), model.coef_[0]) if w}
    ranker.MODEL_FILE.write_text(json.dumps({
        "trained": dt.date.today().isoformat(), "by": "benchmarks/train_ranker.py",
        "rounds": {commit: [f"dev{n}" for n in numbers] for commit, numbers in ROUNDS.items()},
        "cuts": {"rule": best[0], "other": best[1], "possible": POSSIBLE_CUT},
        "measured": {"rules_alone": rules_alone, "ranked": grid[best], "with_possible": with_possible},
        "intercept": round(float(model.intercept_[0]), 4), "weights": dict(sorted(weights.items())),
    }, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (ROOT / "benchmarks" / "results" / "ranker.md").write_text(
        f"# Target ranker, measured on unseen text ({dt.date.today()})\n\n"
        "Each blind round's texts read by the rules as they stood when the round was measured blind, and scored by a "
        "model fitted on the other rounds (benchmarks/train_ranker.py). "
        f"{n_blind} texts, {len(ROUNDS)} rounds; the model also learns from every labelled set as this checkout's rules "
        "read it (in sample for them), never from the round it scores. "
        f"Cuts chosen: rule drafts {best[0]}, other values {best[1]}.\n\n"
        + "\n".join(table) + "\n", encoding="utf-8")
    print(f"written {ranker.MODEL_FILE} ({len(weights)} weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
