"""Benchmark the whole analysis suite (``sysmap analyze --by race``).

Random maps of 1k, 10k and 50k stakeholders with about 3 relationships each
(hubs, attributes, evidence, factors, declared loops: see
``bench_loops_equity.random_map``). Each size runs in its own process so that
the peak memory (max RSS) is that size's alone. Reported: seconds to build the
map object (not part of the analysis), wall and CPU seconds of
``analyze(m, by="race")``, each analysis' own share, and the peak RSS.

With ``--brokers``: how many of the ten top brokers of ``structure()`` (a
sampled betweenness above ``EXACT_WORK``) are in the exact top ten (igraph's
betweenness from every stakeholder, on the same ties), how many of the ten it
flags as unsure (``top_ten_unsure``), whether every wrong one is flagged, and
the CPU seconds of the structure analysis against the exact betweenness alone
(computed once per map and cached under ``benchmarks/data/``, which git
ignores: at 50k it takes minutes).

Usage::

    python benchmarks/bench_analysis.py                  # 1k, 10k, 50k
    python benchmarks/bench_analysis.py --sizes 1000 10000
    python benchmarks/bench_analysis.py --brokers --sizes 10000 50000
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

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


def exact_betweenness(ties: Any, graph: Any) -> tuple[np.ndarray, float]:
    """igraph's exact betweenness from every stakeholder and its CPU seconds, cached
    under ``benchmarks/data/`` (git-ignored; minutes at 50k) by a hash of the ties."""
    key = hashlib.sha1(ties.src.tobytes() + ties.dst.tobytes()).hexdigest()[:12]
    path = HERE / "data" / f"exact-betweenness-{ties.n}-{key}.npz"
    if path.exists():
        cached = np.load(path)
        return cached["value"], float(cached["cpu_s"])
    c0 = time.process_time()
    value = np.asarray(graph.betweenness(directed=True), dtype=np.float64)
    cpu = time.process_time() - c0
    path.parent.mkdir(exist_ok=True)
    np.savez(path, value=value, cpu_s=cpu)
    return value, cpu


def brokers(n: int, seed: int = 7) -> dict[str, Any]:
    """The sampled top ten brokers of ``structure()`` against the exact top ten."""
    sys.path.insert(0, str(HERE))
    import importlib

    from bench_loops_equity import random_map

    st = importlib.import_module("sysmap.analysis._structure")  # the module, not the function

    m = random_map(n, seed=seed)
    c0 = time.process_time()
    r = st.structure(m)
    cpu = time.process_time() - c0
    est = r.estimates["betweenness"]
    ties = st.working_ties(m, False, stakeholders_only=True)
    exact, exact_cpu = exact_betweenness(ties, st._igraph(ties))
    true_top = {ties.ids[i] for i in np.argsort(-exact, kind="stable")[:10]}
    ranked = sorted(r.stakeholders, key=lambda s: -(s["betweenness"] or 0))[:10]
    top = [s["id"] for s in ranked]
    unsure = set(est["top_ten_unsure"] or [])
    wrong = set(top) - true_top
    return {
        "stakeholders": n,
        "seed": seed,
        "samples": est["samples"],
        "right": len(set(top) & true_top),
        "unsure": len(unsure),
        "wrong_all_flagged": wrong <= unsure,
        "structure_cpu_s": round(cpu, 2),
        "exact_betweenness_cpu_s": round(exact_cpu, 2),
        "ratio": round(cpu / exact_cpu, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 50_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--brokers", action="store_true", help="top 10 brokers against exact")
    parser.add_argument("--seeds", type=int, nargs="*", default=[7], help="maps for --brokers")
    args = parser.parse_args()
    if args.brokers:
        for n in args.sizes:
            for seed in args.seeds:
                print(json.dumps(brokers(n, seed)), flush=True)
        return
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
