"""Benchmark loading maps: parse, validate, total ``load_map``, ``to_graph``, memory.

Each (size, format) case runs in a fresh Python process, so that one case's
memory and garbage do not affect the next:

1. the process imports sysmap, notes its peak RSS (the baseline), loads the
   map once with ``load_map`` and notes the peak RSS again — the *peak MB*
   column, and *+MB* (the growth over the baseline); the time of this first
   load in a fresh process is *cold s*, what a one-shot ``sysmap validate``
   pays;
2. it then times, best of N runs each (``time.perf_counter``):

   - **parse** — ``read_text`` + ``parse_text`` (read, decode, YAML/JSON parse);
   - **validate** — ``validate_data`` on the parsed data (pydantic model
     validation + reference checks), split into **model** (``SystemMap.
     model_validate``) and **refs** (``check_references``);
   - **total** — ``load_map(path)`` end to end;
   - **graph** — ``sysmap.to_graph(m)``.

Usage::

    python benchmarks/generate.py                # once: writes benchmarks/data/
    python benchmarks/bench_load.py              # all sizes, both formats, best of 3
    python benchmarks/bench_load.py --runs 5 --sizes 1000 10000 --json out.json
    python benchmarks/bench_load.py --no-gc      # what-if: cyclic GC disabled
    python benchmarks/bench_load.py --src /tmp/sysmap-old/src   # another version

Missing data files are generated first (``--no-generate`` to refuse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _util import Timing, environment, format_table, max_rss_mb  # noqa: E402

DEFAULT_SIZES = [1000, 10_000, 100_000]
DEFAULT_FORMATS = ["yaml", "json"]
DEFAULT_DATA = HERE / "data"


# ------------------------------------------------------------------ worker


def _measure_stages(path: Path, runs: int, timings: dict[str, Timing]) -> int:
    """Time parse, validate and its two halves; returns the number of problems."""
    from sysmap.mapfile import detect_format, parse_text, read_text
    from sysmap.model import SystemMap
    from sysmap.validate import check_references, validate_data

    name = str(path)
    fmt = detect_format(path)

    def parse() -> Any:
        return parse_text(read_text(path), fmt, name)

    timings["parse"] = Timing.measure(parse, runs)
    data = timings["parse"].result
    text = read_text(path)

    def validate() -> Any:
        report, model = validate_data(data, file=name, text=text)
        if model is None:
            raise SystemExit(f"{name}: not valid:\n{report.format_text()}")
        return report

    timings["validate"] = Timing.measure(validate, runs)
    problems = len(timings["validate"].result.problems)
    timings["model"] = Timing.measure(lambda: SystemMap.model_validate(data), runs)
    timings["refs"] = Timing.measure(lambda: check_references(data), runs)
    for t in timings.values():
        t.result = None
    return problems


def run_case(path: Path, runs: int, no_gc: bool = False) -> dict[str, Any]:
    """Measure one map file in this process (call in a fresh process).

    Every ``*_s`` figure is the best wall-clock time of ``runs`` runs; the
    matching ``*_cpu_s`` is the best CPU time of the same runs.
    """
    import gc
    import time

    if no_gc:
        gc.disable()
    import sysmap
    from sysmap.mapfile import detect_format
    from sysmap.validate import load_map

    name = str(path)
    baseline = max_rss_mb()
    c0, t0 = time.process_time(), time.perf_counter()
    m = load_map(path)
    cold = Timing(time.perf_counter() - t0, time.process_time() - c0, m)
    peak = max_rss_mb()
    counts = {
        "stakeholders": len(m.stakeholders),
        "factors": len(m.factors),
        "relationships": len(m.relationships),
        "loops": len(m.loops),
    }
    del m
    cold.result = None

    timings: dict[str, Timing] = {"cold": cold}
    problems = _measure_stages(path, runs, timings)
    timings["total"] = Timing.measure(lambda: load_map(path), runs)
    m = timings["total"].result
    timings["graph"] = Timing.measure(lambda: sysmap.to_graph(m), runs)
    assert timings["graph"].result.number_of_edges() == len(m.relationships)
    out: dict[str, Any] = {
        "file": name,
        "format": detect_format(path),
        "file_mb": path.stat().st_size / 1e6,
        **counts,
        "problems": problems,
        "runs": runs,
        "gc": not no_gc,
    }
    for key, t in timings.items():
        out[f"{key}_s"] = t.wall
    for key, t in timings.items():
        out[f"{key}_cpu_s"] = t.cpu
    out.update(baseline_mb=baseline, peak_mb=peak, load_mb=peak - baseline)
    return out


# ------------------------------------------------------------------ driver


def _ensure_data(data_dir: Path, sizes: list[int], formats: list[str], generate: bool) -> None:
    from generate import map_path, write_map

    for n in sizes:
        for fmt in formats:
            path = map_path(data_dir, n, fmt)
            if path.exists():
                continue
            if not generate:
                raise SystemExit(f"{path} is missing — run benchmarks/generate.py first")
            data_dir.mkdir(parents=True, exist_ok=True)
            print(f"generating {path} …", file=sys.stderr, flush=True)
            write_map(n, fmt, data_dir)


def _run_in_subprocess(
    path: Path, runs: int, no_gc: bool = False, src: Path | None = None
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        str(path),
        "--runs",
        str(runs),
    ]
    if no_gc:
        cmd.append("--no-gc")
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(src.resolve()), env.get("PYTHONPATH", "")) if p
        )
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark of {path} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _sysmap_source(src: Path | None) -> dict[str, Any]:
    """Which sysmap was measured: its folder, and the git commit if there is one."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    code = "import sysmap, pathlib; print(pathlib.Path(sysmap.__file__).parent)"
    folder = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    ).stdout.strip()
    info: dict[str, Any] = {"path": folder}

    def git(*argv: str) -> str | None:
        proc = subprocess.run(["git", "-C", folder, *argv], capture_output=True, text=True)
        return proc.stdout.strip() if proc.returncode == 0 else None

    info["commit"] = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", ".")
    info["dirty"] = bool(status) if status is not None else None
    return info


_STAGES = ["parse", "validate", "model", "refs", "total", "cold", "graph"]


def _ratios(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by = {(r["relationships_requested"], r["format"]): r for r in results}
    out = []
    for n in sorted({r["relationships_requested"] for r in results}):
        y, j = by.get((n, "yaml")), by.get((n, "json"))
        if y and j:
            q: dict[str, Any] = {"relationships": n}
            for stage in _STAGES:
                q[stage] = y[f"{stage}_s"] / j[f"{stage}_s"]
                q[f"{stage}_cpu"] = y[f"{stage}_cpu_s"] / j[f"{stage}_cpu_s"]
            q["memory"] = y["load_mb"] / j["load_mb"]
            out.append(q)
    return out


def merge_results(paths: list[Path]) -> dict[str, Any]:
    """Combine result files: for every case, the lowest of each time and memory figure."""
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    cases: dict[tuple[int, str], dict[str, Any]] = {}
    for doc in docs:
        for r in doc["results"]:
            key = (r["relationships_requested"], r["format"])
            if key not in cases:
                cases[key] = dict(r)
                continue
            best = cases[key]
            best["runs"] += r["runs"]
            for field, value in r.items():
                if field.endswith(("_s", "_mb")) and isinstance(value, (int, float)):
                    best[field] = min(best[field], value)
    results = [cases[k] for k in sorted(cases, key=lambda k: (k[0], k[1] != "yaml"))]
    for r in results:
        r["load_mb"] = r["peak_mb"] - r["baseline_mb"]
    return {
        "date": max(d["date"] for d in docs),
        "environment": docs[-1]["environment"],
        "sysmap": [d.get("sysmap") for d in docs],
        "merged_from": [str(p) for p in paths],
        "results": results,
        "yaml_over_json": _ratios(results),
    }


def print_report(results: list[dict[str, Any]], ratios: list[dict[str, Any]]) -> None:
    """The figures table (wall clock), the same in CPU time, and YAML/JSON ratios."""
    runs = max((r["runs"] for r in results), default=0)
    stage_heads = ["parse s", "validate s", "(model s", "refs s)", "total s", "cold s", "graph s"]

    def rows(suffix: str, memory: bool) -> list[list[str]]:
        out = []
        for r in results:
            row = [f"{r['relationships_requested']:,}", r["format"], f"{r['file_mb']:.1f}"]
            row += [f"{r[stage + suffix]:.3f}" for stage in _STAGES]
            if memory:
                row += [f"{r['peak_mb']:.0f}", f"{r['load_mb']:.0f}"]
            out.append(row)
        return out

    head = ["relationships", "format", "file MB", *stage_heads]
    print(f"Wall clock, best of {runs} (cold = first load in a fresh process)")
    print(format_table([*head, "peak MB", "+MB"], rows("_s", True)))
    print()
    print(f"CPU time, best of {runs}")
    print(format_table(head, rows("_cpu_s", False)))
    if ratios:
        print()
        print("YAML / JSON")
        print(
            format_table(
                ["relationships", "parse", "validate", "total", "total (CPU)", "cold", "+MB"],
                [
                    [
                        f"{q['relationships']:,}",
                        f"{q['parse']:.2f}×",
                        f"{q['validate']:.2f}×",
                        f"{q['total']:.2f}×",
                        f"{q['total_cpu']:.2f}×",
                        f"{q['cold']:.2f}×",
                        f"{q['memory']:.2f}×",
                    ]
                    for q in ratios
                ],
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Time parse, validate and load_map of generated maps.",
    )
    parser.add_argument("--sizes", "-n", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument(
        "--formats", "-f", nargs="+", choices=["yaml", "json"], default=DEFAULT_FORMATS
    )
    parser.add_argument("--runs", "-r", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the maps")
    parser.add_argument(
        "--json", dest="json_out", type=Path, nargs="?", const=DEFAULT_DATA / "results.json",
        default=None, help="write the results as JSON (default path: benchmarks/data/results.json)",
    )  # fmt: skip
    parser.add_argument("--no-generate", action="store_true", help="fail on missing data files")
    parser.add_argument(
        "--no-gc", action="store_true",
        help="what-if: run the cases with Python's cyclic garbage collector disabled",
    )  # fmt: skip
    parser.add_argument(
        "--src", type=Path, default=None,
        help="benchmark the sysmap package in this src folder (e.g. an exported older "
        "commit) instead of the installed one",
    )  # fmt: skip
    parser.add_argument(
        "--merge", type=Path, nargs="+", metavar="RESULTS",
        help="print the per-figure minimum over several --json result files (on a "
        "shared machine, runs at different times) instead of measuring",
    )  # fmt: skip
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        print(json.dumps(run_case(args.worker, args.runs, args.no_gc)))
        return 0

    if args.merge:
        doc = merge_results(args.merge)
        print_report(doc["results"], doc["yaml_over_json"])
        if args.json_out is not None:
            args.json_out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        return 0

    from generate import map_path

    _ensure_data(args.data, args.sizes, args.formats, not args.no_generate)
    results = []
    for n in args.sizes:
        for fmt in args.formats:
            path = map_path(args.data, n, fmt)
            print(f"{path.name}: best of {args.runs} …", file=sys.stderr, flush=True)
            r = _run_in_subprocess(path, args.runs, args.no_gc, args.src)
            r["relationships_requested"] = n
            results.append(r)
    ratios = _ratios(results)
    print_report(results, ratios)
    if args.json_out is not None:
        doc = {
            "date": dt.date.today().isoformat(),
            "environment": environment(),
            "sysmap": _sysmap_source(args.src),
            "runs": args.runs,
            "gc": not args.no_gc,
            "results": results,
            "yaml_over_json": ratios,
        }
        args.json_out.parent.mkdir(parents=True, exist_ok=True)
        args.json_out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json_out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
