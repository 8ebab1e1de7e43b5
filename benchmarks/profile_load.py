"""Profile ``load_map`` (and optionally ``to_graph``) on one or more map files.

Usage::

    python benchmarks/profile_load.py benchmarks/data/map-100000.yaml
    python benchmarks/profile_load.py benchmarks/data/map-100000.json --tool cprofile
    python benchmarks/profile_load.py benchmarks/data/map-100000.json --graph
    python benchmarks/profile_load.py benchmarks/data/map-100000.json --stages [--no-gc]

With pyinstrument installed (``pip install pyinstrument``) the default tool is
pyinstrument, which prints a call tree and writes an HTML report next to the
map (``<map>.profile.html``); otherwise, or with ``--tool cprofile``, cProfile
prints the top functions by own time and by cumulative time and writes
``<map>.prof`` (open it with ``python -m pstats`` or snakeviz).

Time spent inside compiled code (yaml_rs's Rust parser, pydantic-core's
validators, ``json.loads``) is charged to the Python function that calls it.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from pathlib import Path


class GCTimer:
    """CPU time spent in Python's cyclic garbage collector, per generation.

    pydantic-core, json and yaml_rs create millions of container objects; each
    700 allocations trigger a young collection and, as the heap grows, full
    collections that walk every live object. Profilers charge that time to
    whichever function happened to allocate, so it is measured here directly.
    """

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.process_time()
        else:
            gen = info["generation"]
            self.seconds[gen] += time.process_time() - self._start
            self.count[gen] += 1

    def __enter__(self) -> GCTimer:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self)

    def report(self) -> str:
        parts = [f"gen{g}: {self.count[g]} × = {self.seconds[g]:.2f} s" for g in range(3)]
        return f"GC {sum(self.seconds):.2f} s in all ({'; '.join(parts)})"


def _stages(path: Path, graph: bool) -> None:
    """Each stage's wall and CPU time, and the GC time inside it (no profiler)."""
    from sysmap import to_graph
    from sysmap.mapfile import detect_format, parse_text, read_text
    from sysmap.model import SystemMap
    from sysmap.validate import check_references

    name = str(path)
    stages = [
        ("read", lambda _: read_text(path)),
        ("parse", lambda text: parse_text(text, detect_format(path), name)),
        ("model_validate", lambda data: (data, SystemMap.model_validate(data))),
        ("check_references", lambda pair: (check_references(pair[0]), pair[1])[1]),
    ]
    if graph:
        stages.append(("to_graph", lambda m: to_graph(m)))
    value: object = None
    print(f"== {path.name}: stages (gc {'on' if gc.isenabled() else 'off'})")
    for label, fn in stages:
        gc.collect()
        with GCTimer() as timer:
            c0, t0 = time.process_time(), time.perf_counter()
            value = fn(value)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"  {label:17s} wall {wall:6.2f} s  cpu {cpu:6.2f} s  {timer.report()}")


def _work(path: Path, graph: bool) -> None:
    from sysmap import to_graph
    from sysmap.validate import load_map

    with GCTimer() as timer:
        m = load_map(path)
        if graph:
            to_graph(m)
    print(timer.report())


def profile_cprofile(path: Path, graph: bool, top: int, out: Path | None) -> None:
    # CPU time, so that other processes on a shared machine do not skew it
    prof = cProfile.Profile(time.process_time)
    t0 = time.perf_counter()
    prof.enable()
    _work(path, graph)
    prof.disable()
    took = time.perf_counter() - t0
    print(f"== {path.name}: {took:.2f} s under cProfile")
    for order in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(order).print_stats(top)
        text = buf.getvalue()
        start = text.find("   ncalls")
        print(f"-- by {order}")
        print(text[start:].rstrip())
    if out is not None:
        prof.dump_stats(out)
        print(f"wrote {out}")


def profile_pyinstrument(path: Path, graph: bool, out: Path | None) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    _work(path, graph)
    profiler.stop()
    print(f"== {path.name}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if out is not None:
        out.write_text(profiler.output_html(), encoding="utf-8")
        print(f"wrote {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile load_map on map files.")
    parser.add_argument("maps", type=Path, nargs="+")
    parser.add_argument("--tool", choices=["pyinstrument", "cprofile"], default=None)
    parser.add_argument("--graph", action="store_true", help="also profile to_graph")
    parser.add_argument("--top", type=int, default=25, help="cProfile rows to print")
    parser.add_argument("--no-save", action="store_true", help="do not write report files")
    parser.add_argument(
        "--stages", action="store_true",
        help="no profiler: time each stage and the garbage collection inside it",
    )  # fmt: skip
    parser.add_argument("--no-gc", action="store_true", help="what-if: disable the cyclic GC")
    args = parser.parse_args(argv)
    if args.no_gc:
        gc.disable()
    if args.stages:
        for path in args.maps:
            _stages(path, args.graph)
        return 0
    tool = args.tool
    if tool is None:
        try:
            import pyinstrument  # noqa: F401

            tool = "pyinstrument"
        except ImportError:
            tool = "cprofile"
    for path in args.maps:
        if tool == "pyinstrument":
            out = None if args.no_save else path.with_suffix(path.suffix + ".profile.html")
            profile_pyinstrument(path, args.graph, out)
        else:
            out = None if args.no_save else path.with_suffix(path.suffix + ".prof")
            profile_cprofile(path, args.graph, args.top, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
