"""The second look at the target drafts (issue 17): how likely each draft is to be a target as
people label them, from a logistic model over the draft's words — and the other values of the
same sentences, which the rules passed over, looked at the same way.

Why a model beside the rules: the rules are written on the sets they are measured on, and each
new round of documents brings shapes those sets did not hold (tests/fixtures/intake/
MEASUREMENTS.md: blind rounds stay near precision 0.85 / recall 0.74 while the tuned sets rise far
higher). The model is trained by ``benchmarks/train_ranker.py`` on what the rules drafted on each
held-out set *before* they were tuned on it — the rules' own mistakes on unseen text — and on every
labelled set as the current rules read it, so its probability is the chance that a draft is right;
the same script measures it on each blind round with that round's texts left out. It is a table of weights (ranker.json, beside this
file), read with the standard library: nothing is downloaded or unpickled at run time.

Written by hand rather than calling scikit-learn at run time because scoring is a sum of a few
dozen weights per draft; scikit-learn fits the weights (in the training script only).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = Path(__file__).with_name("ranker.json")

# (window sizes of the words around the value; what the weights were trained with)
LEFT, RIGHT = 10, 6
SHARED = ("L:", "R:", "l1:", "r1:", "S:", "I:")      # words that weigh the same for a rule draft and another value


@dataclass
class OtherValue:
    """A value of a sentence the rules read but drafted no target for, made into a draft by the
    rules' own reading of its year, comparator and change (``targets._other_values``)."""

    draft: object                 # DraftTarget
    verb: str                     # the goal verb right before it, "" when none
    values_in_clause: int
    goal_block: bool              # the sentence stands among goals (主要目标是：…)


def _bucket(x: float, edges) -> int:
    return next((i for i, edge in enumerate(edges) if x <= edge), len(edges))


def _window(draft) -> tuple[str, str] | tuple[None, None]:
    """The words just before and after the value in its sentence."""
    sentence, written = draft.sentence, draft.value_text or ""
    at = sentence.find(written) if written else -1
    if at < 0 and draft.value is not None:
        written = f"{draft.value:g}"
        at = sentence.find(written)
    if at < 0:
        return None, None
    return sentence[max(0, at - LEFT):at], sentence[at + len(written):at + len(written) + RIGHT]


@dataclass(frozen=True)
class RuleDraftCounts:
    """How many numeric rule drafts a document has, in all and per sentence: counted once per
    document, not again for each of its drafts and values (a long text has thousands)."""

    by_sentence: Counter
    total: int

    @classmethod
    def of(cls, rule_drafts: list) -> RuleDraftCounts:
        return cls(Counter(d.sentence for d in rule_drafts), len(rule_drafts))


def features(draft, counts: RuleDraftCounts) -> dict[str, float]:
    """The words and shapes of a rule draft the model weighs; ``counts`` those of the document's
    numeric rule drafts (how many share its sentence, how many the document has)."""
    sentence = draft.sentence
    found = {"bias": 1.0, "ct=" + draft.change_type: 1.0, "cmp=" + draft.comparator: 1.0,
             "unit=" + (draft.unit or "-"): 1.0, "base": 1.0 if draft.baseline_year else 0.0,
             "year_in_sent": 1.0 if draft.target_year and str(draft.target_year) in sentence else 0.0,
             f"conf={round((draft.confidence or 0) * 10)}": 1.0,
             "range": 1.0 if draft.value_high is not None else 0.0,
             f"slen={_bucket(len(sentence), [20, 40, 80, 160, 320])}": 1.0,
             f"ilen={_bucket(len(draft.indicator_text or ''), [2, 4, 8, 16, 32])}": 1.0,
             f"nsame={_bucket(counts.by_sentence[sentence], [1, 2, 4, 8])}": 1.0,
             f"ndoc={_bucket(counts.total, [3, 8, 20, 50])}": 1.0,
             "loc=" + ("y" if draft.location else "n"): 1.0}
    if draft.value is not None:
        found[f"mag={_bucket(abs(draft.value), [1, 10, 100, 1000, 10000, 1e6])}"] = 1.0
        found["int"] = 1.0 if float(draft.value).is_integer() else 0.0
    left, right = _window(draft)
    if left is None:
        found["nowin"] = 1.0
    else:
        found.update({"L:" + left[k:k + 2]: 1.0 for k in range(len(left) - 1)})
        found.update({"l1:" + ch: 1.0 for ch in left[-4:]})
        found.update({"R:" + right[k:k + 2]: 1.0 for k in range(len(right) - 1)})
        found.update({"r1:" + ch: 1.0 for ch in right[:3]})
    found.update({"S:" + sentence[k:k + 2]: 0.3 for k in range(len(sentence) - 1)})
    name = draft.indicator_text or ""
    found.update({"I:" + name[k:k + 2]: 0.5 for k in range(len(name) - 1)})
    return found


def other_features(other: OtherValue, counts: RuleDraftCounts) -> dict[str, float]:
    """A passed-over value's features: its own weights (X…) for every shape, the words shared
    with the rule drafts', and what the rules knew of it."""
    found = features(other.draft, counts)
    found.update({"x_goal": 1.0 if other.goal_block else 0.0, "x_verb=" + (other.verb or "-"): 1.0,
                  f"x_nv={min(other.values_in_clause, 6)}": 1.0})
    own = {("X" + key if key != "bias" else key): value for key, value in found.items()}
    own.update({key: value for key, value in found.items() if key.startswith(SHARED)})
    own["extra"] = 1.0
    return own


@lru_cache(maxsize=1)
def _model() -> dict:
    return json.loads(MODEL_FILE.read_text(encoding="utf-8"))


def probability(found: dict[str, float]) -> float:
    model = _model()
    weights = model["weights"]
    z = model["intercept"] + sum(weights.get(key, 0.0) * value for key, value in found.items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))   # (a sentence of a whole unpunctuated page: no overflow)


def rank(drafts: list, others: list[OtherValue], *, possible: bool = False) -> list:
    """The numeric rule drafts the model keeps and the passed-over values it takes up, each with
    the model's probability as its confidence, in the order of the text; the drafts without a
    number as they are. ``possible``: also what it doubts, marked ``possible`` for a reviewer to
    look at apart — every rule draft under the cut (the ranker demotes what the rules found, it
    never hides it) and the passed-over values down to ``cuts['possible']``."""
    cuts = _model()["cuts"]
    numeric = [d for d in drafts if d.numeric]
    counts = RuleDraftCounts.of(numeric)
    kept = [d for d in drafts if not d.numeric]
    for draft, chance in [(d, probability(features(d, counts))) for d in numeric]:
        draft.confidence = round(chance, 2)
        if chance >= cuts["rule"] or possible:
            draft.possible = chance < cuts["rule"]
            kept.append(draft)
    drafted = {(d.sentence, d.value) for d in numeric}
    seen = set()
    for other in others:
        draft = other.draft
        key = (draft.sentence, draft.start, draft.value)
        if (draft.sentence, draft.value) in drafted or key in seen:
            continue
        seen.add(key)
        chance = probability(other_features(other, counts))
        draft.confidence = round(chance, 2)
        if chance >= cuts["other"] or possible and chance >= cuts["possible"]:
            draft.possible = chance < cuts["other"]
            kept.append(draft)
    return sorted(kept, key=lambda d: d.start)
