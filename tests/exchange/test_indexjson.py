"""A stored index run as JSON: readable by a plain JSON reader, equal to what the database holds."""

import json

import pytest

from deltawatch.exchange.indexjson import FORMAT, run_json
from deltawatch.methods.index.spec import IndexSpec


@pytest.fixture
def stored_runs(db):
    """A build, an uncertainty and a sensitivity run of the shipped YRD example, saved as the
    command saves them."""
    from deltawatch.cli import main
    from deltawatch.indices.models import IndexRun

    for command in (["build"], ["uncertainty", "--runs", "40"], ["sensitivity", "-N", "8"]):
        assert main(["index", command[0], "yrd_hqd", "--year", "2017", *command[1:], "--save"]) == 0
    return {run.kind: run for run in IndexRun.objects.order_by("id")}


@pytest.mark.parametrize("kind", ["build", "uncertainty", "sensitivity"])
def test_the_document_is_the_stored_run(stored_runs, kind):
    run = stored_runs[kind]
    document = json.loads(run_json(run))  # strict JSON: no NaN, no Python objects

    assert document["format"] == FORMAT and document["run"]["id"] == run.id
    assert document["run"]["spec_digest"] == run.spec_digest
    # the spec is the engine's dict: the engine rebuilds it, and its digest is the one stored
    assert IndexSpec.from_dict(document["spec"]).digest() == run.spec_digest

    stored_scores = {(s.unit_code, s.year, s.node): (s.level, s.score, s.rank) for s in run.scores.all()}
    read_scores = {(s["unit"], s["year"], s["node"]): (s["level"], s["score"], s["rank"])
                   for s in document["scores"]}
    assert read_scores == stored_scores  # floats exactly: JSON carries repr
    stored_intervals = {i.unit_code: (i.nominal_rank, i.mean_rank, i.median_rank, i.q05_rank, i.q95_rank)
                        for i in run.intervals.all()}
    read_intervals = {i["unit"]: (i["nominal"], i["mean"], i["median"], i["q05"], i["q95"])
                      for i in document["rank_intervals"]}
    assert read_intervals == stored_intervals
    assert len(document["scores"]) + len(document["rank_intervals"]) > 0
    stored_sobol = {s.factor: (s.s1, s.s1_conf, s.st, s.st_conf) for s in run.sensitivities.all()}
    assert {s["factor"]: (s["s1"], s["s1_conf"], s["st"], s["st_conf"]) for s in document["sensitivity"]} == stored_sobol
    assert (len(stored_sobol) == 5) == (kind == "sensitivity")
    if kind == "build":
        assert len(read_scores) == 41 * 16
    if kind == "uncertainty":
        assert len(read_intervals) == 41 and document["run"]["runs"] == run.runs == 40
        shanghai = next(i for i in document["rank_intervals"] if i["unit"] == "310000")
        assert shanghai["unit_name"] == "上海市" and shanghai["q05"] <= shanghai["median"] <= shanghai["q95"]


def test_the_command_writes_the_document(stored_runs, tmp_path):
    from deltawatch.exchange import commands

    run = stored_runs["build"]
    parser = _parser(commands)
    args = parser.parse_args(["exchange", "index", str(run.id), "-o", str(tmp_path / "run.json")])
    assert args.handler(args) == 0
    assert json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["run"]["id"] == run.id
    missing = parser.parse_args(["--lang", "en", "exchange", "index", "999999"])
    with pytest.raises(commands.UserError, match="no index run 999999"):
        missing.handler(missing)


def _parser(module):
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", default="zh")
    module.add_parsers(parser.add_subparsers(dest="command", required=True))
    return parser
