"""Timing helpers shared by the benchmark scripts."""

import time
import tracemalloc


def best_of(repeat: int, function) -> float:
    """Seconds of the fastest of ``repeat`` calls, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_mib(function) -> float:
    """MiB allocated at the peak of one call (tracemalloc: run it apart from the timing)."""
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2 ** 20
