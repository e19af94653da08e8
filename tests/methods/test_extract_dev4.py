"""Precision and recall of the target extractor on the fourth development set (issue 17, point
6): the nine documents of ``dev4/`` (the second held-out set, measured once before any tuning on
it — see tests/fixtures/intake/MEASUREMENTS.md — then opened for tuning), each read with the plan
period a user would enter (``dev4/plan_periods.csv``) and matched to the shipped catalogue.

Before the dev4 rules: tp 55, fp 14, fn 23 (P 0.797, R 0.705). What the rules reach now is
asserted below, per document, so a change that loses one target anywhere shows where. The two
targets still missed:

* 02 "重点推动1000家规上工业企业数字化升级": a count of firms moved to act, written before its
  object with the verb 推动 — the same shape as "推进420个重大项目", a list size the labels
  call no target; no rule tells them apart.
* 07 "江海河联运量达4.5亿吨高铁快货物流…": the page lost the punctuation after the value, so
  the value seems to modify the words after it.

``heldout3/`` is not read here: it is measured once, at the end, by someone else.

Run as a script to see the counts per document:
    .venv/bin/python tests/methods/test_extract_dev4.py
"""

from tests.methods.test_extract_dev2 import report, score_documents, set_documents

# targets without a number (15 labelled): before the dev4 rules 7 found, 0 wrong
NON_NUMERIC_TP, NON_NUMERIC_FP = 8, 0

# numeric targets per document: (tp, fp, fn)
EXPECTED = {
    "01_nanjing-2024-work-report": (5, 0, 0),
    # (加快推进年度420个省市重大项目 is the year's workload, no goal, as this set's labeller and those
    # after C4 hold — MEASUREMENTS.md step 128)
    "02_nanjing-2022-work-report": (9, 0, 0),
    "03_hangzhou-14fyp-goals": (9, 0, 0),
    "04_zhejiang-carbon-peak-opinions": (8, 0, 0),
    "05_zhejiang-14fyp-energy-saving-plan": (13, 0, 0),
    "06_shanghai-14fyp-eco-environment-plan": (11, 0, 0),
    "07_zhejiang-14fyp-transport-services-plan": (14, 0, 1),
    "08_wuxi-2026-work-report": (6, 0, 0),
    "09_anhui-carbon-peak-plan": (2, 0, 0),
}


def dev4_documents():
    return set_documents("dev4")


def test_dev4_precision_and_recall(capsys):
    total, per_document = score_documents(dev4_documents())
    with capsys.disabled():
        report("dev4", total, per_document)
    assert {name: (r["tp"], r["fp"], r["fn"]) for name, r in per_document} == EXPECTED
    assert (total["tp"], total["fp"], total["fn"]) == (77, 0, 1)
    assert round(total["precision"], 3) == 1.0 and round(total["recall"], 3) == 0.987


def test_dev4_targets_without_a_number_are_scored_apart():
    """Benchmarks in words are not part of the numeric score; the ones found must be right."""
    _, per_document = score_documents(dev4_documents())
    other = {name: r["non_numeric"] for name, r in per_document}
    assert sum(o["fp"] for o in other.values()) == NON_NUMERIC_FP
    assert sum(o["tp"] for o in other.values()) == NON_NUMERIC_TP


if __name__ == "__main__":
    report("dev4", *score_documents(dev4_documents()))
