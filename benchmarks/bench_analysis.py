"""Benchmark the whole analysis suite (``sysmap analyze --by race``).

Random maps of 1k, 10k and 50k stakeholders with about 3 relationships each
(hubs, attributes, evidence, factors, declared loops: see
``bench_loops_equity.random_map``). Each size runs in its own process so that
the peak memory (max RSS) is that size's alone. Reported: seconds to build the
map object (not part of the analysis), wall and CPU seconds of
``analyze(m, by="race")``, each analysis' own share, and the peak RSS.

Usage::

    python benchmarks/bench_analysis.py                  # 1k, 10k, 50k
    python benchmarks/bench_analysis.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def one(n: int) -> dict[str, float]:
    """Build a map of ``n`` stakeholders and time every analysis on it."""
    sys.path.insert(0, str(HERE))
    from bench_loops_equity import random_map

    import sysmap
    from sysmap.analysis import suite

    t0 = time.perf_counter()
    m = random_map(n)
    built = time.perf_counter() - t0
    per: dict[str, float] = {}
    for name in suite.ANALYSES:
        t = time.perf_counter()
        sysmap.analyze(m, only=[name], by="race")
        per[name] = time.perf_counter() - t
    wall0, cpu0 = time.perf_counter(), time.process_time()
    sysmap.analyze(m, by="race")
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "stakeholders": n,
        "relationships": len(m.relationships),
        "build_s": built,
        "wall_s": wall,
        "cpu_s": cpu,
        "peak_rss_mb": rss,
        **{f"{k}_s": v for k, v in per.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 50_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    rows = []
    for n in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    names = ["voice", "power", "loops", "structure", "influence", "perspectives", "equity"]
    head = ["stakeholders", "relationships", "build s", "analyze wall s", "cpu s", "peak MB"]
    print(" | ".join(head + names))
    for r in rows:
        cells = [r["stakeholders"], r["relationships"], r["build_s"], r["wall_s"], r["cpu_s"]]
        cells += [r["peak_rss_mb"]] + [r[f"{k}_s"] for k in names]
        print(" | ".join(f"{c:.2f}" if isinstance(c, float) else f"{c:,}" for c in cells))


if __name__ == "__main__":
    main()
