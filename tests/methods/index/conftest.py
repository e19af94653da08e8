"""Shared inputs of the index-engine tests: COINr's ASEM example and a small hand-sized index."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.index import load_spec

ROOT = Path(__file__).resolve().parents[3]
ASEM = ROOT / "examples" / "asem"
REFERENCE = ROOT / "tests" / "fixtures" / "coinr_asem"


@pytest.fixture(scope="session")
def asem_spec():
    return load_spec(ASEM / "spec.yaml")


@pytest.fixture(scope="session")
def asem_data():
    return pd.read_csv(ASEM / "input_ASEM_iData.csv", dtype={"uCode": str})


def reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / f"{name}.csv").set_index("uCode")


def small_spec(pipeline=None, **data):
    """Index I = mean(P, Q); P = mean(a, b); Q = c (direction −1). Weights 1."""
    return load_spec({
        "data": data,
        "nodes": [{"code": "I"}, {"code": "P", "parent": "I"}, {"code": "Q", "parent": "I"},
                  {"code": "a", "parent": "P", "direction": 1}, {"code": "b", "parent": "P", "direction": 1},
                  {"code": "c", "parent": "Q", "direction": -1}],
        "pipeline": pipeline or [{"step": "normalise"}, {"step": "aggregate"}]})


SMALL = pd.DataFrame({"unit_code": ["u1", "u2", "u3", "u4"],
                      "a": [0.0, 5.0, 10.0, 2.0], "b": [10.0, 20.0, 30.0, np.nan], "c": [4.0, 3.0, 2.0, 1.0]})
