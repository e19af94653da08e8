"""Uncertainty and sensitivity runs on any executor: this process, local processes, a Dask
cluster — the same numbers for one seed (issue 18, point 5).

"Identical" means bit for bit: ``np.array_equal`` on scores, ranks and rank quantiles, never a
tolerance. Several chunks per analysis (``chunk_runs`` small) so that the work really is split
and reassembled. The Dask tests start an in-process LocalCluster of two workers and are skipped,
saying why, when dask.distributed is not installed.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deltawatch.methods.index import IndexSpecError, build, load_spec
from deltawatch.methods.index.executors import (DaskExecutor, Executor, LocalExecutor, SerialExecutor,
                                                executor_for)
from deltawatch.methods.index.uncertainty import sensitivity, uncertainty

ROOT = Path(__file__).resolve().parents[2]
ASEM = ROOT / "examples" / "asem"
CHUNK = 40  # 300 runs → 8 chunks; N = 32 Sobol blocks × 6 = 192 runs → 5 chunks

NORMALISATIONS = {"minmax(low=1)": {"method": "minmax", "params": {"low": 1}},
                  "zscore(mean=10;sd=2)": {"method": "zscore", "params": {"mean": 10, "sd": 2}}}


@pytest.fixture(scope="module")
def asem():
    return load_spec(ASEM / "spec.yaml"), pd.read_csv(ASEM / "input_ASEM_iData.csv", dtype={"uCode": str})


@pytest.fixture(scope="module")
def dask_address():
    distributed = pytest.importorskip("dask.distributed",
                                      reason='dask.distributed is not installed (pip install "dask[distributed]")')
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0")
    yield cluster.scheduler_address
    cluster.close()


def _uncertainty(asem, executor):
    spec, data = asem
    return uncertainty(spec, data, runs=300, seed=11, executor=executor, chunk_runs=CHUNK)


def _sensitivity(asem, executor):
    spec, data = asem
    return sensitivity(spec, data, n=32, seed=5, executor=executor, chunk_runs=CHUNK)


def _assert_same_uncertainty(got, expected):
    np.testing.assert_equal(got.scores.columns.to_numpy(), expected.scores.columns.to_numpy())
    assert np.array_equal(got.scores.to_numpy(), expected.scores.to_numpy(), equal_nan=True)
    assert np.array_equal(got.ranks.to_numpy(), expected.ranks.to_numpy(), equal_nan=True)
    for column in ("nominal_rank", "mean_rank", "median_rank", "q05_rank", "q95_rank"):
        assert np.array_equal(got.rank_stats[column].to_numpy(), expected.rank_stats[column].to_numpy(),
                              equal_nan=True), column
    assert got.rank_stats["unit_code"].tolist() == expected.rank_stats["unit_code"].tolist()
    pd.testing.assert_frame_equal(got.failures, expected.failures)
    pd.testing.assert_frame_equal(got.design, expected.design)


def _assert_same_sensitivity(got, expected):
    assert np.array_equal(got.output, expected.output)
    for column in ("S1", "S1_conf", "ST", "ST_conf"):
        assert np.array_equal(got.indices[column].to_numpy(), expected.indices[column].to_numpy()), column
    _assert_same_uncertainty(got.uncertainty, expected.uncertainty)


def test_local_processes_give_the_serial_result_bit_for_bit(asem):
    serial = _uncertainty(asem, None)
    assert serial.scores.shape == (51, 300) and serial.rank_stats["mean_rank"].notna().all()
    _assert_same_uncertainty(_uncertainty(asem, SerialExecutor()), serial)
    _assert_same_uncertainty(_uncertainty(asem, LocalExecutor(processes=2)), serial)


def test_sensitivity_on_local_processes_gives_the_serial_result_bit_for_bit(asem):
    serial = _sensitivity(asem, None)
    assert len(serial.output) == 32 * 6
    _assert_same_sensitivity(_sensitivity(asem, LocalExecutor(processes=2)), serial)


def test_a_dask_cluster_gives_the_serial_result_bit_for_bit(asem, dask_address):
    serial_u, serial_s = _uncertainty(asem, None), _sensitivity(asem, None)
    local_u, local_s = _uncertainty(asem, LocalExecutor(2)), _sensitivity(asem, LocalExecutor(2))
    with DaskExecutor(dask_address) as executor:
        dask_u, dask_s = _uncertainty(asem, executor), _sensitivity(asem, executor)
    for got in (local_u, dask_u):
        _assert_same_uncertainty(got, serial_u)
    for got in (local_s, dask_s):
        _assert_same_sensitivity(got, serial_s)


def test_a_dask_client_given_is_used_and_left_open(asem, dask_address):
    from dask.distributed import Client

    with Client(dask_address) as client:
        executor = DaskExecutor(client=client)
        _assert_same_uncertainty(_uncertainty(asem, executor), _uncertainty(asem, None))
        executor.close()
        assert client.status == "running"


class _Backwards:
    """An executor that computes the chunks last to first (as a cluster may finish them) and
    records what it was given."""

    def __init__(self):
        self.items = []

    def map(self, function, items, common=None):
        self.items = list(items)
        done = {k: function(item, common=common) for k, item in reversed(list(enumerate(self.items)))}
        return [done[k] for k in range(len(self.items))]


def test_the_order_chunks_are_computed_in_does_not_matter(asem):
    backwards = _Backwards()
    assert isinstance(backwards, Executor)
    _assert_same_uncertainty(_uncertainty(asem, backwards), _uncertainty(asem, None))
    # 300 runs in chunks of 40: 7 × 40 + 20, every run in exactly one chunk
    assert [len(item.settings) for item in backwards.items] == [40] * 7 + [20]


def test_results_come_back_in_run_order(asem):
    # each run, computed in a worker process, is the plain build of the spec its design row names
    spec, data = asem
    factors = [{"name": "winmax", "step": "treat", "param": "winmax", "values": [1, 2, 3, 4, 5]},
               {"name": "normalisation", "step": "normalise", "alternatives": list(NORMALISATIONS.values())},
               {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic", "geometric"]}]
    result = uncertainty(spec, data, runs=60, seed=2, factors=factors, executor=LocalExecutor(2), chunk_runs=7)
    assert result.choices.drop_duplicates().shape[0] > 5  # the runs differ, so a misplaced run shows
    for run in ("run_1", "run_9", "run_33", "run_60"):
        row = result.design.loc[run]
        variant = (spec.replace_step("treat", params={"winmax": int(row["winmax"])})
                   .replace_step("normalise", **NORMALISATIONS[row["normalisation"]])
                   .replace_step("aggregate", method=row["aggregation"]))
        expected = build(variant, data).scores["Index"]
        np.testing.assert_allclose(result.scores[run].loc[expected.index], expected, rtol=1e-12)


def test_a_design_replays_identically_on_local_processes(asem):
    spec, data = asem
    first = _uncertainty(asem, None)
    replay = uncertainty(spec, data, design=first.design, executor=LocalExecutor(2), chunk_runs=CHUNK)
    assert np.array_equal(replay.ranks.to_numpy(), first.ranks.to_numpy(), equal_nan=True)


def test_an_error_in_a_worker_process_is_the_engines_error(asem):
    spec, data = asem  # ASEM's indicators have no goalposts: a run that normalises with them cannot be built
    factors = [{"name": "normalisation", "step": "normalise",
                "alternatives": [{"method": "minmax"}, {"method": "goalposts"}]},
               {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic", "geometric"]}]
    with pytest.raises(IndexSpecError) as serial:
        uncertainty(spec, data, runs=40, seed=1, factors=factors, chunk_runs=5)
    with pytest.raises(IndexSpecError) as parallel:
        uncertainty(spec, data, runs=40, seed=1, factors=factors, chunk_runs=5, executor=LocalExecutor(2))
    assert parallel.value.code == serial.value.code == "no_goalposts"
    assert parallel.value.message("en") == serial.value.message("en")
    assert "goalposts" in parallel.value.message("en")


def test_failed_runs_keep_their_run_names_on_any_executor(asem):
    spec, data = asem  # geometric means of z-scores meet values ≤ 0: such runs fail and are reported
    factors = [{"name": "normalisation", "step": "normalise",
                "alternatives": [{"method": "zscore"}, {"method": "minmax", "params": {"low": 1}}]},
               {"name": "aggregation", "step": "aggregate", "alternatives": ["arithmetic", "geometric"]}]
    serial = uncertainty(spec, data, runs=80, seed=4, factors=factors, chunk_runs=9)
    parallel = uncertainty(spec, data, runs=80, seed=4, factors=factors, chunk_runs=9, executor=LocalExecutor(2))
    assert len(serial.failures) > 0
    failed = serial.failures["run"].tolist()
    assert all(serial.choices.loc[run, "normalisation"].startswith("zscore") for run in failed)
    assert all(serial.choices.loc[run, "aggregation"] == "geometric" for run in failed)
    assert serial.scores[failed].isna().all().all()
    _assert_same_uncertainty(parallel, serial)


def test_executors_from_the_command_line_options():
    assert isinstance(executor_for(processes=1), LocalExecutor) and executor_for(processes=1).processes == 1
    assert executor_for(processes=3).processes == 3
    assert executor_for(processes=0).processes >= 1  # one per core
    dask = executor_for(processes=3, dask="tcp://scheduler:8786")  # --dask wins; nothing connects yet
    assert isinstance(dask, DaskExecutor) and dask.address == "tcp://scheduler:8786" and dask._client is None
    with pytest.raises(ValueError):
        LocalExecutor(processes=-2)
    with pytest.raises(ValueError):
        DaskExecutor()


def test_the_command_line_gives_the_same_intervals_with_processes(tmp_path):
    from deltawatch.cli import main

    spec, data = str(ASEM / "spec.yaml"), str(ASEM / "input_ASEM_iData.csv")
    outs = {}
    for processes in ("1", "2"):
        outs[processes] = tmp_path / f"p{processes}.csv"
        assert main(["index", "uncertainty", spec, "--data", data, "--runs", "600", "--seed", "3",
                     "--processes", processes, "--out", str(outs[processes])]) == 0
    assert outs["1"].read_bytes() == outs["2"].read_bytes()
    assert len(pd.read_csv(outs["2"], encoding="utf-8-sig")) == 51
    assert main(["index", "uncertainty", spec, "--data", data, "--runs", "10", "--processes", "-1"]) == 2


def test_the_command_line_gives_the_same_sobol_indices_on_dask(tmp_path, dask_address):
    from deltawatch.cli import main

    spec, data = str(ASEM / "spec.yaml"), str(ASEM / "input_ASEM_iData.csv")
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    assert main(["index", "sensitivity", spec, "--data", data, "--n", "64", "--seed", "2", "--out", str(here)]) == 0
    assert main(["index", "sensitivity", spec, "--data", data, "--n", "64", "--seed", "2", "--dask", dask_address,
                 "--out", str(there)]) == 0
    assert here.read_bytes() == there.read_bytes()
    indices = pd.read_csv(there, encoding="utf-8-sig")
    assert indices["factor"].tolist() == ["winmax", "normalisation", "weights", "aggregation"]
    assert np.isfinite(indices["ST"]).all()
