"""Fuzzing the reader with generated hostile files (issue 11): every file is either accepted
with sane values or refused in words — never an exception, never an unreadable report.

The strategies are in hostile_inputs.py; benchmarks/bench_fuzz_reader.py runs the same over
10,000 files and through the database. Pure pandas, no database.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from deltawatch.observations.messages import MESSAGES, REASONS
from deltawatch.observations.reader import IndicatorInfo, read_observations
from deltawatch.observations.reader.limits import MAX_CELL_CHARS, MAX_PLAUSIBLE_MAGNITUDE
from deltawatch.regions.resolver import RegionRecord, RegionResolver

from .hostile_inputs import hostile_files

RECORDS = [
    RegionRecord("310000", "province", "上海市"), RegionRecord("320000", "province", "江苏省"),
    RegionRecord("320100", "prefecture", "南京市", "320000"), RegionRecord("320500", "prefecture", "苏州市", "320000"),
    RegionRecord("320106", "county", "鼓楼区", "320100"), RegionRecord("340100", "prefecture", "合肥市", "340000"),
]
INDICATORS = {
    "gdp": IndicatorInfo("gdp", "地区生产总值", "GDP", "亿元", lower_bound=0),
    "population_resident": IndicatorInfo("population_resident", "常住人口", "Resident population", "万人"),
    "urbanization_rate": IndicatorInfo("urbanization_rate", "城镇化率", "Urbanization rate", "%", derived=True),
    "total_wages": IndicatorInfo("total_wages", "工资总额", "Total wages", "万元"),
}
RESOLVER = RegionResolver(RECORDS)
FOLDER = Path(tempfile.mkdtemp(prefix="reader-fuzz-"))
MAX_LINE = 1_000       # characters in one line of a report, whatever the file holds


def check(result) -> None:
    """What every result must satisfy, accepted or refused."""
    if result.ok:
        values = result.frame["value"].tolist()
        assert all(math.isfinite(v) and abs(v) <= MAX_PLAUSIBLE_MAGNITUDE for v in values), values
        for column in ("value_supplied", "unit_supplied", "source", "note"):
            assert all(len(text) <= MAX_CELL_CHARS for text in result.frame[column]), column
        return
    assert result.problems and result.problem_count >= len(result.problems)
    for problem in result.problems:
        for lang in ("zh", "en"):
            line = problem.message(lang)
            assert line and len(line) <= MAX_LINE, line[:200]
        # worded: a code with a message in both languages, a file-level reason among the known ones
        assert problem.code in MESSAGES, problem
        assert problem.code != "unreadable_file" or problem.params.get("reason") in REASONS, problem


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(hostile_files())
def test_hostile_files_are_accepted_sanely_or_refused_in_words(file):
    name, data = file
    path = FOLDER / name
    path.write_bytes(data)
    check(read_observations(path, resolver=RESOLVER, indicators=INDICATORS))
