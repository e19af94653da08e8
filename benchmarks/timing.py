"""Timing helpers shared by the benchmark scripts."""

import time


def best_of(repeat: int, function) -> float:
    """Seconds of the fastest of ``repeat`` calls, after one warm-up call."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)
