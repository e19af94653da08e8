"""The examples in the methods' docstrings run and give what they say."""

import doctest

import pytest

from deltawatch.methods import aggregate, formula, progress


@pytest.mark.parametrize("module", [aggregate, formula, progress])
def test_docstring_examples(module):
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
