"""A test of this project never skips because one of its own modules fails to import."""

import pytest


def test_importorskip_of_an_own_module_fails():
    with pytest.raises(AssertionError, match="import the project's own modules directly"):
        pytest.importorskip("deltawatch.observations.units")


def test_importorskip_of_a_third_party_module_still_works():
    assert pytest.importorskip("json").dumps([1]) == "[1]"
