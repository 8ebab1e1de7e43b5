"""Benchmark workshop reports: time to write the HTML and the Markdown report.

Cases: the example pair (today and the redesign), today's example map alone,
and synthetic maps from ``generate.py`` with 1,000 and 10,000 stakeholders
(5,000 and 50,000 relationships), each alone and paired with a "redesign" of
itself (every twentieth relationship retired, a hundred formed between
random stakeholders). The maps are built in memory (no file is read); the
time covers everything the report computes: every analysis of both maps,
the comparison and change plan, the embedded map page, the process checks,
assessments and roles.

Usage::

    python benchmarks/bench_report.py                   # examples, 1k, 10k
    python benchmarks/bench_report.py --sizes 1000 --runs 3
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _util import Timing, environment, format_table, max_rss_mb  # noqa: E402
from generate import generate_map  # noqa: E402

import sysmap  # noqa: E402
from sysmap.model import Relationship, SystemMap  # noqa: E402
from sysmap.report import generate_report  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def redesign_of(m: SystemMap, seed: int = 7) -> SystemMap:
    """The map with every twentieth relationship retired and 100 formed."""
    rng = random.Random(seed)
    ids = [s.id for s in m.stakeholders]
    kept = [r for i, r in enumerate(m.relationships) if i % 20]
    formed = [
        Relationship(source=a, target=b, kind="feedback", status="proposed")
        for a, b in ((rng.choice(ids), rng.choice(ids)) for _ in range(100))
        if a != b
    ]
    return m.model_copy(
        update={"id": m.id + "-redesign", "stage": "redesign", "relationships": kept + formed}
    )


def cases(sizes: list[int]) -> list[tuple[str, SystemMap, SystemMap | None]]:
    today = sysmap.load_map(ROOT / "examples" / "homelessness-current.yaml")
    later = sysmap.load_map(ROOT / "examples" / "homelessness-redesign.yaml")
    out: list[tuple[str, SystemMap, SystemMap | None]] = [
        ("examples: today", today, None),
        ("examples: today + redesign", today, later),
    ]
    for n in sizes:
        m = SystemMap.model_validate(generate_map(n * 5))
        out.append((f"{len(m.stakeholders):,} stakeholders", m, None))
        out.append((f"{len(m.stakeholders):,} stakeholders + redesign", m, redesign_of(m)))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000])
    ap.add_argument("--runs", type=int, default=1, help="best of this many runs")
    args = ap.parse_args(argv)
    rows: list[list[Any]] = []
    # imports and assets load once, before anything is timed
    generate_report(sysmap.load_map(ROOT / "examples" / "small.yaml"))
    for name, current, redesign in cases(args.sizes):
        html = Timing.measure(lambda c=current, r=redesign: generate_report(c, r), args.runs)
        md = Timing.measure(
            lambda c=current, r=redesign: generate_report(c, r, format="md"), args.runs
        )
        rows.append(
            [
                name,
                f"{len(current.relationships):,}",
                f"{html.wall:.1f}",
                f"{html.cpu:.1f}",
                f"{len(html.result.encode()) / 1e6:.2f}",
                f"{md.wall:.1f}",
                f"{len(md.result.encode()) / 1e3:.0f}",
            ]
        )
        print(format_table(HEADERS, rows[-1:]).splitlines()[-1], flush=True)
    print()
    print(format_table(HEADERS, rows))
    print(f"\npeak memory {max_rss_mb():.0f} MB; {environment()}")


HEADERS = [
    "case",
    "relationships",
    "HTML s",
    "HTML cpu s",
    "HTML MB",
    "Markdown s",
    "Markdown KB",
]

if __name__ == "__main__":
    main()
