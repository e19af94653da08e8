"""The examples in the methods' docstrings run and give what they say."""

import doctest

import pytest

from deltawatch.methods import aggregate, convergence, coordination, disparity, formula, market, progress, spatial
from deltawatch.methods import index as index_package
from deltawatch.methods.index import aggregate as index_aggregate
from deltawatch.methods.index import denominate, screen, spec, table, treat, weights

MODULES = [aggregate, formula, progress, disparity, convergence, coordination, market, spatial, index_package, index_aggregate, denominate, screen, spec, table, treat,
           weights]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
