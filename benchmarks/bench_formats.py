"""Benchmark interchange: a 50k-relationship map out to every format and back.

For each export format: ``export_map`` to a temporary file (or folder), then,
for formats that can be read, ``import_map`` back (parse + build + validate).
Target: under 10 s per format each way. The map comes from
``benchmarks/generate.py`` (seeded, so every run uses the same map).

Usage::

    python benchmarks/bench_formats.py                  # 50 000 relationships, best of 1
    python benchmarks/bench_formats.py --size 10000 --runs 3 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _util import environment  # noqa: E402
from generate import generate_map  # noqa: E402

from sysmap.formats import EXPORT_FORMATS, IMPORT_FORMATS, export_map, import_map  # noqa: E402
from sysmap.validate import validate_data  # noqa: E402

FORMATS = ["kumu", "csv", "xlsx", "graphml", "gexf", "node-link", "mermaid", "cypher"]


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=50_000, help="relationships in the map")
    ap.add_argument("--runs", type=int, default=1, help="best of this many runs")
    ap.add_argument("--formats", nargs="*", default=FORMATS)
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)

    report, m = validate_data(generate_map(args.size))
    assert m is not None, report.format_text()
    print(
        f"map: {len(m.stakeholders)} stakeholders, {len(m.factors)} factors, "
        f"{len(m.relationships)} relationships"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats:
            spec = EXPORT_FORMATS[fmt]
            target = Path(tmp) / (fmt if spec.folder else f"{fmt}{spec.suffix}")
            out = [_timed(export_map, m, fmt, target) for _ in range(args.runs)]
            out_s, out_cpu = min(t[0] for t in out), min(t[1] for t in out)
            in_s = in_cpu = None
            same = None
            if fmt in IMPORT_FORMATS:
                runs = [_timed(import_map, fmt, target) for _ in range(args.runs)]
                in_s, in_cpu = min(t[0] for t in runs), min(t[1] for t in runs)
                same = len(runs[-1][2].map.relationships) == len(m.relationships)
            row = {
                "format": fmt,
                "export_s": round(out_s, 2),
                "export_cpu_s": round(out_cpu, 2),
                "import_s": None if in_s is None else round(in_s, 2),
                "import_cpu_s": None if in_cpu is None else round(in_cpu, 2),
                "MB": round(_size(target) / 1e6, 1),
                "relationships_back": same,
            }
            rows.append(row)
            print(
                f"{fmt:<10} export {out_s:6.2f} s (cpu {out_cpu:6.2f})   import "
                + (
                    "     -                 "
                    if in_s is None
                    else f"{in_s:6.2f} s (cpu {in_cpu:6.2f})"
                )
                + f"   {row['MB']:7.1f} MB"
                + ("" if same is None else f"   all relationships back: {same}"),
                flush=True,
            )
    if args.json:
        args.json.write_text(
            json.dumps({"environment": environment(), "size": args.size, "results": rows}, indent=2)
        )
    slow = [r["format"] for r in rows if r["export_cpu_s"] > 10 or (r["import_cpu_s"] or 0) > 10]
    if slow:
        print("over 10 s of CPU:", ", ".join(slow))
    return 0


def _timed(fn: Callable[..., Any], *args: Any) -> tuple[float, float, Any]:
    """Wall and CPU seconds of one call, and its result (CPU time is what this
    process used: on a busy shared machine the wall clock also counts others)."""
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - start, time.process_time() - cpu, result


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
