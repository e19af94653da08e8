"""The composite-index engine (METHODS.md §2): declared specs, recorded pipelines, uncertainty.

A composite index — an integration index, a collaborative-innovation index, a high-quality
development index — is a tree of indicators, pillars and sub-indices built by a declared,
reproducible pipeline: denominate → screen → impute → treat outliers → normalise → weight →
aggregate. This package builds it from plain data, records every step, and runs uncertainty
and sensitivity analyses over the choices.

>>> import pandas as pd
>>> spec = load_spec({
...     "nodes": [{"code": "Index"},
...               {"code": "gdp_pc", "parent": "Index", "direction": 1},
...               {"code": "co2_pc", "parent": "Index", "direction": -1}],
...     "pipeline": [{"step": "normalise", "method": "minmax"}, {"step": "aggregate"}]})
>>> data = pd.DataFrame({"unit_code": ["a", "b", "c"], "gdp_pc": [1.0, 2.0, 3.0], "co2_pc": [3.0, 1.0, 2.0]})
>>> result = build(spec, data)
>>> result.scores["Index"].tolist(), result.ranks["Index"].tolist()
([0.0, 75.0, 75.0], [3.0, 1.0, 1.0])

Nothing here imports Django.
"""

from .errors import IndexSpecError
from .pipeline import build
from .result import IndexResult, StepRecord
from .spec import IndexSpec, Node, Step, load_spec
from .table import rank_desc, read_table

__all__ = ["IndexSpec", "Node", "Step", "load_spec", "build", "IndexResult", "StepRecord", "IndexSpecError",
           "rank_desc", "read_table"]
