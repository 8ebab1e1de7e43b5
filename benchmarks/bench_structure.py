"""Benchmark structure(), influence() and paths() on random maps; measure the
error of the sampled betweenness and closeness.

Random maps: ``n`` stakeholders (half beneficiaries, 30% providers, 20%
leaders), ``3·n`` relationships between random pairs (a fifth of them mutual,
strengths 1–5 or none, a tenth weak or proposed), built as
:class:`~sysmap.model.SystemMap` objects directly (no file is read).

Timings are the best of ``--runs`` calls, wall clock (``time.perf_counter``)
and CPU (``time.process_time``) — on a shared machine the CPU figure is the
steadier one. ``influence peak MB`` is the peak of memory allocated during one
call (tracemalloc, which sees numpy's arrays): it grows with the map, not
with its square.

``--errors`` compares the sampled betweenness and closeness with the exact
figures (exact betweenness takes tens of seconds at 10k–20k stakeholders): on
a random map of ``--error-size`` stakeholders and, when
``benchmarks/generate.py`` is there, on a generated realistic map (hubs and a
long tail) of 20,000 stakeholders. For each it prints the typical error the
result reports (the jackknife over batches) next to the error actually
measured against the exact values.

Usage::

    python benchmarks/bench_structure.py                      # 1k, 10k, 50k
    python benchmarks/bench_structure.py --sizes 1000 --runs 5
    python benchmarks/bench_structure.py --errors --sizes      # only the errors
    python benchmarks/bench_structure.py --new-figures --sizes 500 1000 2000
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import random
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from _util import valid_map

from sysmap.analysis._influence import influence
from sysmap.analysis._paths import paths
from sysmap.analysis._structure import structure
from sysmap.model import CORE_KINDS, SystemMap

# the module, not the function that sysmap.analysis exports under the same name
structure_module = importlib.import_module("sysmap.analysis._structure")

HERE = Path(__file__).resolve().parent
KINDS = [k for k in CORE_KINDS if k != "influences"]


def random_map(n: int, per: int = 3, seed: int = 1) -> SystemMap:
    """A random map of ``n`` stakeholders and about ``per·n`` relationships."""
    rng = random.Random(seed)
    roles = ["beneficiary"] * 5 + ["provider"] * 3 + ["leader"] * 2
    stakeholders = [
        {"id": f"s{i}", "name": f"Stakeholder {i}", "role": rng.choice(roles)} for i in range(n)
    ]
    rels: list[dict[str, Any]] = []
    while len(rels) < per * n:
        a, b = rng.randrange(n), rng.randrange(n)
        if a == b:
            continue
        r: dict[str, Any] = {"from": f"s{a}", "to": f"s{b}", "kind": rng.choice(KINDS)}
        strength = rng.choice([None, 1, 2, 3, 4, 5])
        if strength is not None:
            r["strength"] = strength
        if rng.random() < 0.2:
            r["direction"] = "mutual"
        r["status"] = rng.choice(["existing"] * 18 + ["weak", "proposed"])
        rels.append(r)
    return valid_map(
        {
            "id": f"random-{n}",
            "title": f"Random map of {n}",
            "guiding_question": "How fast is the analysis?",
            "stakeholders": stakeholders,
            "relationships": rels,
        }
    )


def best(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """Best wall and best CPU seconds over ``runs`` calls, and the last result."""
    wall = cpu = float("inf")
    result = None
    for _ in range(max(1, runs)):
        result = None
        gc.collect()
        w, c = time.perf_counter(), time.process_time()
        result = fn()
        wall = min(wall, time.perf_counter() - w)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu, result


def peak_mb(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def timings(sizes: list[int], runs: int) -> None:
    print(f"# timings (best of {runs}; wall / CPU seconds; {os.cpu_count()} CPUs)")
    print(f"{'stakeholders':>12} {'ties':>8}  {'structure':>13}  {'influence':>11}  "
          f"{'paths up/down':>13}  {'paths to target':>15}  {'influence peak MB':>17}  estimates")  # fmt: skip
    for n in sizes:
        m = random_map(n)
        s_wall, s_cpu, result = best(lambda m=m: structure(m), runs)
        i_wall, i_cpu, _ = best(lambda m=m: influence(m), runs)
        p_wall, p_cpu, _ = best(lambda m=m: paths(m, "s0"), runs)
        t_wall, t_cpu, _ = best(lambda m=m, t=f"s{n // 2}": paths(m, "s0", t), runs)
        mem = peak_mb(lambda m=m: influence(m))
        e = result.estimates["betweenness"]
        err = e["typical_error"]
        est = "exact" if e["method"] == "exact" else (
            f"{e['samples']} samples, betweenness "
            f"{'—' if err is None else format(err, '.0%')}, closeness "
            f"±{result.estimates['closeness']['typical_error']:.1%}"
        )  # fmt: skip
        print(
            f"{n:>12,} {result.counts['ties']:>8,}  {s_wall:>5.2f} / {s_cpu:>5.2f}  "
            f"{i_wall:>4.2f} / {i_cpu:>4.2f}  {p_wall:>5.2f} / {p_cpu:>5.2f}  "
            f"{t_wall:>6.2f} / {t_cpu:>6.2f}  {mem:>17.1f}  {est}",
            flush=True,
        )


def new_figures(sizes: list[int], runs: int) -> None:
    """What clustering, eigenvector and the weighted variants cost: structure() with
    and without them, side by side in the same run (CPU seconds, best of runs)."""
    import numpy as np

    # the module, not the function of the same name that sysmap.analysis exports
    st = importlib.import_module("sysmap.analysis._structure")

    def without() -> Any:
        keep = st._undirected_metrics, st._weighted_metrics
        st._undirected_metrics = lambda g, n: {  # type: ignore[assignment]
            "clustering": np.zeros(n),
            "eigenvector": np.zeros(n),
        }
        st._weighted_metrics = lambda g, ties, sources, plain: {  # type: ignore[assignment]
            k: None
            for k in (
                "strength_in",
                "strength_out",
                "betweenness_weighted",
                "closeness_weighted",
                "pagerank_weighted",
            )
        }
        try:
            return structure(m)
        finally:
            st._undirected_metrics, st._weighted_metrics = keep

    print(f"# new figures (best of {runs}; CPU seconds)")
    print(f"{'stakeholders':>12} {'without':>8} {'with':>8} {'ratio':>6}")
    for n in sizes:
        m = random_map(n)
        _, before, _ = best(without, runs)
        _, after, _ = best(lambda m=m: structure(m), runs)
        print(f"{n:>12,} {before:>8.3f} {after:>8.3f} {after / before:>6.2f}", flush=True)


def errors(m: SystemMap, label: str, samples: list[int]) -> None:
    """Sampled against exact betweenness and closeness on one map."""
    s = structure_module
    ties = s.working_ties(m, False, stakeholders_only=True)
    g = s._igraph(ties)
    n = ties.n
    c0 = time.process_time()
    exact, _ = s._betweenness(g, n, None)
    took = time.process_time() - c0
    c_exact, _ = s._closeness(n, ties.src, ties.dst, None)
    print(f"\n# {label}: {n:,} stakeholders, {len(ties.src):,} ties; exact betweenness "
          f"{took:.1f} s CPU; the largest share of shortest paths: {exact.max():.2%}")  # fmt: skip
    print(f"{'samples':>8}  {'btw stated':>10}  {'btw actual (top by estimate)':>28}  "
          f"{'(top by exact)':>14}  {'top-10 overlap':>14}  {'same top':>8}  "
          f"{'clo stated':>10}  {'clo actual':>10}")  # fmt: skip
    for k in samples:
        src = np.sort(np.random.default_rng(s.SEED).choice(n, size=k, replace=False))
        est, info = s._betweenness(g, n, src)
        c_est, c_info = s._closeness(n, ties.src, ties.dst, src)
        by_est = np.argsort(-est, kind="stable")[:10]
        by_exact = np.argsort(-exact, kind="stable")[:10]
        with np.errstate(divide="ignore", invalid="ignore"):
            err_est = np.median(np.abs(est[by_est] - exact[by_est]) / exact[by_est])
            err_exact = np.median(np.abs(est[by_exact] - exact[by_exact]) / exact[by_exact])
        ok = c_exact > 0
        c_err = np.median(np.abs(c_est[ok] - c_exact[ok]) / c_exact[ok])
        stated = info["typical_error"]
        print(
            f"{k:>8}  {'—' if stated is None else format(stated, '.1%'):>10}  "
            f"{err_est:>28.1%}  {err_exact:>14.1%}  "
            f"{len(set(by_est) & set(by_exact)):>14}  {str(by_est[0] == by_exact[0]):>8}  "
            f"{c_info['typical_error']:>10.1%}  {c_err:>10.1%}",
            flush=True,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--errors", action="store_true", help="measure the sampling error")
    parser.add_argument(
        "--new-figures",
        action="store_true",
        help="the cost of clustering, eigenvector and the weighted variants",
    )
    parser.add_argument("--error-size", type=int, default=10_000)
    parser.add_argument("--samples", type=int, nargs="+", default=[100, 200, 500])
    args = parser.parse_args(argv)
    if args.new_figures:
        new_figures(args.sizes, args.runs)
    elif args.sizes:
        timings(args.sizes, args.runs)
    if args.errors:
        errors(random_map(args.error_size), "random map", args.samples)
        if (HERE / "generate.py").exists():
            sys.path.insert(0, str(HERE))
            from generate import generate_map

            data = generate_map(100_000)
            errors(SystemMap.model_validate(data), "generated realistic map", args.samples)


if __name__ == "__main__":
    main()
