"""Time compare_maps on a big map and a perturbation of it.

Usage::

    python benchmarks/bench_compare.py              # 1,000 10,000 50,000 stakeholders
    python benchmarks/bench_compare.py 20000        # other sizes
    python benchmarks/bench_compare.py --no-shifts  # matching and changes only
    python benchmarks/bench_compare.py 50000 --parts  # where `compare --no-shifts` spends

The first map is :func:`bench_power_voice.random_map` (about three
relationships per stakeholder, a long tail of hubs), with an id on 80% of the
relationships so that both matching paths (by id, and by ``(from, to,
kind)``) are exercised. The second map perturbs it, deterministically:

- 2% of the stakeholders removed (their relationships retired with them),
  2% added with three relationships each, 0.5% renamed (new id, same name and
  role, so rename detection follows them);
- 3% of the relationships retired, 3% formed, 2% rewired (a new kind; for
  those with an id, every other one has its target moved instead), 5%
  strengthened or weakened, 3% with a new status.

Two figures per size, as the issue asks: **changes** (matching and changes,
``compare_maps(..., shifts=False)``; the budget is 10 s at 50,000) and
**shifts** (the analyses run on both maps for the metric shifts). Wall and
CPU time; changes are the best of ``--runs``, shifts are run once.

``--parts`` saves both maps as JSON and times what ``sysmap compare
--no-shifts`` does with them, part by part (CPU seconds): loading and
validating each map, the matching, then writing the result as text, Markdown
and JSON. ``benchmarks/bench_floor.py`` sets the first two against a script
that does the same diff on the parsed JSON with sets.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_power_voice import random_map  # noqa: E402

from sysmap.compare import compare_maps  # noqa: E402
from sysmap.model import Relationship, Stakeholder, SystemMap  # noqa: E402
from sysmap.storage import save_map, write_json  # noqa: E402
from sysmap.validate import load_map  # noqa: E402

BUDGET_S = 10.0
KINDS = ["informs", "feedback", "refers", "collaborates", "funds", "serves"]


def with_ids(m: SystemMap, seed: int = 1) -> SystemMap:
    """The map with an id on 80% of its relationships."""
    rng = random.Random(seed)
    rels = [
        r.model_copy(update={"id": f"r{i}"}) if rng.random() < 0.8 else r
        for i, r in enumerate(m.relationships)
    ]
    return m.model_copy(update={"relationships": rels})


def perturb(m: SystemMap, seed: int = 2) -> tuple[SystemMap, dict[str, int]]:
    """A redesign of ``m``: see the module notes. Returns the map and what was done."""
    rng = random.Random(seed)
    n = len(m.stakeholders)
    people = list(m.stakeholders)
    removed = {s.id for s in rng.sample(people, n // 50)}
    renamed = {
        s.id: f"{s.id}-new"
        for s in rng.sample([p for p in people if p.id not in removed], n // 200)
    }
    stakeholders: list[Stakeholder] = []
    for s in people:
        if s.id in removed:
            continue
        stakeholders.append(s.model_copy(update={"id": renamed[s.id]}) if s.id in renamed else s)
    added = [
        Stakeholder(id=f"new{i}", name=f"New partner {i}", role=rng.choice(["provider", "leader"]))
        for i in range(n // 50)
    ]
    stakeholders += added
    ids = [s.id for s in stakeholders]
    done = dict.fromkeys(("retired", "formed", "rewired", "strengthened_or_weakened", "status"), 0)
    rels: list[Relationship] = []
    for r in m.relationships:
        if r.source in removed or r.target in removed:
            continue
        update: dict[str, Any] = {}
        if r.source in renamed:
            update["source"] = renamed[r.source]
        if r.target in renamed:
            update["target"] = renamed[r.target]
        x = rng.random()
        if x < 0.03:
            done["retired"] += 1
            continue
        if x < 0.05:
            done["rewired"] += 1
            if r.id is not None and rng.random() < 0.5:
                update["target"] = rng.choice(ids)
            else:
                update["kind"] = rng.choice([k for k in KINDS if k != r.kind])
        elif x < 0.10:
            done["strengthened_or_weakened"] += 1
            update["strength"] = rng.choice([1, 2, 3, 4, 5])
        elif x < 0.13:
            done["status"] += 1
            update["status"] = "existing" if r.status != "existing" else "weak"
        rels.append(r.model_copy(update=update) if update else r)
    for i in range(int(len(m.relationships) * 0.03)):
        rels.append(
            Relationship(
                id=f"f{i}", source=rng.choice(ids), target=rng.choice(ids), kind=rng.choice(KINDS)
            )
        )
        done["formed"] += 1
    for s in added:
        for _ in range(3):
            rels.append(Relationship(source=s.id, target=rng.choice(ids), kind="collaborates"))
            done["formed"] += 1
    after = m.model_copy(
        update={
            "id": f"{m.id}-redesign",
            "stage": "redesign",
            "stakeholders": stakeholders,
            "relationships": rels,
        }
    )
    done["stakeholders_removed"] = len(removed)
    done["stakeholders_added"] = len(added)
    done["stakeholders_renamed"] = len(renamed)
    return after, done


def timed(fn: Any, runs: int) -> tuple[float, float, Any]:
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, result


def parts(before: SystemMap, after: SystemMap) -> dict[str, float]:
    """CPU seconds of each part of ``sysmap compare --no-shifts`` on the two maps
    saved as JSON (see the module notes)."""
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        first, second = Path(tmp, "before.json"), Path(tmp, "after.json")
        save_map(before, first)
        save_map(after, second)
        gc.collect()
        clock = time.process_time()

        def lap(name: str) -> None:
            nonlocal clock
            now = time.process_time()
            out[name] = now - clock
            clock = now

        maps = [load_map(first)]
        lap("load before")
        maps.append(load_map(second))
        lap("load after")
        c = compare_maps(*maps, shifts=False)
        lap("match")
        c.format_text()
        lap("text")
        c.format_markdown()
        lap("markdown")
        write_json(Path(tmp, "compare.json"), c.to_dict())
        lap("json")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-shifts", action="store_true", help="Skip the metric shifts.")
    parser.add_argument(
        "--parts", action="store_true", help="Time load, match and writing from JSON files."
    )
    args = parser.parse_args(argv)
    over = False
    for n in args.sizes:
        before = with_ids(random_map(n))
        after, done = perturb(before)
        if args.parts:
            said = ", ".join(f"{k} {v:.2f}" for k, v in parts(before, after).items())
            print(f"{n:>7,} stakeholders, CPU s: {said}", flush=True)
            continue
        wall, cpu, c = timed(lambda: compare_maps(before, after, shifts=False), args.runs)  # noqa: B023
        counts = c.counts()
        print(
            f"{n:>7,} stakeholders, {len(before.relationships):,} → "
            f"{len(after.relationships):,} relationships"
        )
        print(f"  perturbation: {done}")
        print(f"  found: stakeholders {counts['stakeholders']}, renamed {counts['renamed']}")
        print(f"         relationships {counts['relationships']}")
        print(f"  changes (matching + changes): {wall:6.2f} s wall, {cpu:6.2f} s CPU")
        if n >= 50_000 and wall > BUDGET_S:
            over = True
            print(f"  OVER BUDGET: {wall:.2f} s > {BUDGET_S:g} s")
        if not args.no_shifts:
            wall2, cpu2, _ = timed(lambda: compare_maps(before, after), 1)  # noqa: B023
            print(
                f"  with metric shifts (analyses on both maps): {wall2:6.2f} s wall, "
                f"{cpu2:6.2f} s CPU (shifts alone ≈ {wall2 - wall:.2f} s)"
            )
        sys.stdout.flush()
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
