"""Where the runs of an uncertainty or sensitivity analysis are computed: this process, local
processes, or a Dask cluster.

An executor does one thing: ``executor.map(function, items, common)`` calls
``function(item, common=common)`` for every item, wherever it likes, and returns the results
**in the order of the items**. ``common`` (the spec and the data table) is sent once per
worker, not once per item.

The analyses never let an executor decide anything that changes a number: the random draws are
made up front from the seed, in the calling process; the runs are cut into chunks by a rule
that depends only on the runs (never on how many workers there are); every chunk is computed
by the same function; the chunks' results are put back in run order. So a seed gives the same
scores and rank quantiles whichever executor ran it — serial, ``LocalExecutor(8)`` or a Dask
cluster — on the same software stack (NumPy and BLAS builds: a different CPU kernel may round
the last bit differently; see docs/scaling.md).

* :class:`SerialExecutor` — a loop in this process (what ``executor=None`` means).
* :class:`LocalExecutor` — ``concurrent.futures.ProcessPoolExecutor`` with ``processes``
  workers; ``processes=1`` is the serial loop.
* :class:`DaskExecutor` — a ``dask.distributed`` cluster by its scheduler address
  (``tcp://scheduler:8786``) or an existing ``Client``. Dask is imported only here, when one is
  made: it stays an optional dependency (``pip install "deltawatch[dask]"``). Every worker
  needs the same DeltaWatch, NumPy and pandas as the caller.

Nothing here imports Django.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Protocol, runtime_checkable

__all__ = ["Executor", "SerialExecutor", "LocalExecutor", "DaskExecutor", "executor_for"]


@runtime_checkable
class Executor(Protocol):
    """Anything with ``map(function, items, common) -> list`` (results in the items' order)."""

    def map(self, function: Callable, items: Sequence, common: Any = None) -> list: ...


def _one_blas_thread():
    """A context in which BLAS (OpenBLAS, MKL) runs one thread. The runs' matrix products are
    small and many: BLAS threads spinning on them cost more than they give (three times slower
    on a busy 2-core machine, benchmarks/results/dask.md), and they fight the other workers'
    processes. The numbers do not change (each product is the same sum in the same order)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn's dependency, normally present; without it BLAS keeps its threads
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(1)


class SerialExecutor:
    """Every item in this process, one after the other (BLAS on one thread)."""

    workers = 1

    def map(self, function: Callable, items: Sequence, common: Any = None) -> list:
        with _one_blas_thread():
            return [function(item, common=common) for item in items]

    def __repr__(self) -> str:
        return "SerialExecutor()"


# ---- local processes --------------------------------------------------------------------------
_COMMON: Any = None  # in a pool's worker process: the ``common`` its initializer received


def _install_common(common) -> None:
    """A pool worker's start: keep ``common``, and one BLAS thread — N processes each running
    as many BLAS threads as there are cores would fight over the cores (Dask's workers do the
    same through OPENBLAS_NUM_THREADS=1)."""
    global _COMMON
    _COMMON = common
    _one_blas_thread()  # threadpool_limits applies when made; a worker process never restores it


def _call_with_common(function: Callable, item):
    return function(item, common=_COMMON)


class LocalExecutor:
    """``processes`` worker processes on this machine (default: one per core); 1 is serial.

    A pool is started for each ``map`` and ``common`` handed to each worker once, by the pool's
    initializer (inherited by a fork, not pickled, on Linux). A map of a single item runs in
    this process: a pool would only cost its start.
    """

    def __init__(self, processes: int | None = None):
        if processes is not None and processes < 1:
            raise ValueError(f"processes must be at least 1, got {processes}")
        self.processes = processes or os.cpu_count() or 1

    @property
    def workers(self) -> int:
        return self.processes

    def map(self, function: Callable, items: Sequence, common: Any = None) -> list:
        items = list(items)
        if self.processes == 1 or len(items) <= 1:
            return SerialExecutor().map(function, items, common)
        with ProcessPoolExecutor(max_workers=min(self.processes, len(items)), initializer=_install_common,
                                 initargs=(common,)) as pool:
            # submit every item, collect in item order: the order of completion never matters
            futures = [pool.submit(_call_with_common, function, item) for item in items]
            return [future.result() for future in futures]

    def __repr__(self) -> str:
        return f"LocalExecutor(processes={self.processes})"


# ---- Dask ------------------------------------------------------------------------------------
class DaskExecutor:
    """A Dask cluster: ``DaskExecutor("tcp://scheduler:8786")``, or ``DaskExecutor(client=c)``.

    ``common`` is scattered to every worker once (``broadcast=True``); the items go out with
    their tasks and the results are gathered in the items' order (``Client.gather`` of the
    futures ``Client.map`` returned, which keeps their order). Use it as a context manager, or
    call :meth:`close`, to close a client this executor opened (a client given is left open).
    """

    def __init__(self, address: str | None = None, client=None):
        if (address is None) == (client is None):
            raise ValueError("give the scheduler's address or a dask.distributed Client, one of the two")
        self.address = address
        self._client = client
        self._own = client is None

    @property
    def client(self):
        if self._client is None:
            try:
                from dask.distributed import Client
            except ImportError as exc:  # dask is optional: say how to get it
                raise ImportError('running on a Dask cluster needs dask.distributed: '
                                  'pip install "deltawatch[dask]" (or "dask[distributed]")') from exc
            self._client = Client(self.address)
        return self._client

    @property
    def workers(self) -> int:
        return sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values()) or 1

    def map(self, function: Callable, items: Sequence, common: Any = None) -> list:
        items = list(items)
        if not items:
            return []
        client = self.client
        shared = client.scatter(common, broadcast=True, hash=False)
        # pure=False: no hashing of the items to name the tasks (they are all different anyway)
        futures = client.map(function, items, common=shared, pure=False)
        try:
            return client.gather(futures)
        finally:
            client.cancel([*futures, shared])

    def close(self) -> None:
        if self._own and self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DaskExecutor({self.address!r})" if self.address else "DaskExecutor(client=…)"


def executor_for(processes: int | None = 1, dask: str | None = None) -> Executor:
    """The executor a command line asks for: ``--dask ADDRESS`` wins over ``--processes N``
    (0 or None: one process per core; 1: serial)."""
    if dask:
        return DaskExecutor(dask)
    return LocalExecutor(processes or None)
