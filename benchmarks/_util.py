"""Timing and memory helpers shared by the benchmark scripts."""

from __future__ import annotations

import gc
import platform
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["Timing", "best_of", "max_rss_mb", "environment", "format_table", "valid_map"]


def best_of(fn: Callable[[], T], runs: int = 3) -> tuple[float, T]:
    """The fastest of ``runs`` calls of ``fn`` (wall seconds, ``time.perf_counter``).

    Garbage from the previous run is collected before each call, so one run
    does not pay for another's; the collector stays on during the call, as it
    is in real use. Returns the best time and the last call's result.
    """
    timing = Timing.measure(fn, runs)
    return timing.wall, timing.result


class Timing:
    """Best wall-clock and best CPU time of several runs of one function.

    CPU time (``time.process_time``) is reported beside wall time because on
    a shared machine other processes stretch the wall clock but not the CPU
    time this process used.
    """

    def __init__(self, wall: float, cpu: float, result: Any) -> None:
        self.wall = wall
        self.cpu = cpu
        self.result = result

    @classmethod
    def measure(cls, fn: Callable[[], Any], runs: int = 3) -> Timing:
        best_wall = best_cpu = float("inf")
        result: Any = None
        for _ in range(max(1, runs)):
            result = None
            gc.collect()
            c0 = time.process_time()
            t0 = time.perf_counter()
            result = fn()
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0
            best_wall = min(best_wall, wall)
            best_cpu = min(best_cpu, cpu)
        return cls(best_wall, best_cpu, result)


def max_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (10^6 bytes)."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return rss / 1e6 if sys.platform == "darwin" else rss * 1024 / 1e6


def environment() -> dict[str, Any]:
    """What the figures were measured with."""
    import os

    import pydantic
    import pydantic_core

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "pydantic": pydantic.VERSION,
        "pydantic_core": pydantic_core.__version__,
    }
    try:
        import yaml_rs

        info["yaml_rs"] = getattr(yaml_rs, "__version__", "?")
    except ImportError:  # pragma: no cover
        info["yaml_rs"] = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain-text table, numbers right-aligned, as Markdown pipes."""
    cells = [[str(c) for c in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in cells:
        for i, c in enumerate(row):
            widths[i] = max(widths[i], len(c))

    def line(row: Sequence[str], header: bool = False) -> str:
        out = []
        for i, c in enumerate(row):
            numeric = not header and _is_number(c)
            out.append(c.rjust(widths[i]) if numeric else c.ljust(widths[i]))
        return "| " + " | ".join(out) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers, header=True), sep, *(line(r) for r in cells)])


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "").rstrip("×x"))
    except ValueError:
        return False
    return True


def valid_map(data: dict[str, Any]) -> Any:
    """The map built from ``data``, after checking it passes ``sysmap validate``.

    Benchmarks time only maps a user could have: a generated map that
    ``sysmap validate`` refuses (say, a declared loop no relationship backs)
    stops the benchmark with the validation report.
    """
    from sysmap.validate import validate_data

    report, m = validate_data(data, file=f"<{data.get('id', 'benchmark map')}>")
    if m is None or not report.ok:
        raise SystemExit("benchmark map does not validate:\n" + report.format_text())
    return m
