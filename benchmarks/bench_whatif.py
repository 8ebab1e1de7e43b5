"""Time the what-if scenarios: one scenario on a 1,000-factor key-factor model and
the ``--fragile`` ranking on a 5,000-stakeholder map (the workshop target: each
under 5 s).

Usage::

    python benchmarks/bench_whatif.py                 # 1,000 factors, 5,000 stakeholders
    python benchmarks/bench_whatif.py --factors 5000 --stakeholders 20000

The key-factor model: ``factors`` factors, each with three causal links out to
random others, polarity + or − at random, strength 1 to 5 (a quarter with no
strength); one factor held at 1. The stakeholder map: a third beneficiaries,
15% leaders, the rest providers, about three relationships each (voice
kinds from beneficiaries to providers and on to leaders, service and funding
back), 10% weak, 5% broken, and 40 declared loops built along existing
relationships. Both maps pass ``sysmap validate``. Timings are the best of
three runs, CPU time (``time.process_time``) beside wall time.
"""

from __future__ import annotations

import argparse
import random
from typing import Any

import networkx as nx
from _util import Timing, environment, format_table, valid_map

from sysmap.whatif import fragile, key_factor_model, network_whatif, whatif

SEED = 20


def factor_map(n: int, seed: int = SEED) -> dict[str, Any]:
    rng = random.Random(seed)
    factors = [{"id": f"f{i}", "name": f"Factor {i}"} for i in range(n)]
    rels = []
    for i in range(n):
        for j in rng.sample(range(n), 4):
            if j == i or len([r for r in rels[-3:] if r["from"] == f"f{i}"]) >= 3:
                continue
            rel: dict[str, Any] = {
                "from": f"f{i}",
                "to": f"f{j}",
                "kind": "influences",
                "polarity": rng.choice("+-"),
            }
            if rng.random() > 0.25:
                rel["strength"] = rng.randint(1, 5)
            rels.append(rel)
    return {
        "id": "factors",
        "title": "Benchmark key-factor model",
        "guiding_question": "What moves?",
        "factors": factors,
        "relationships": rels,
    }


def stakeholder_map(n: int, seed: int = SEED) -> dict[str, Any]:
    rng = random.Random(seed)
    roles = ["beneficiary"] * (n // 3) + ["leader"] * (n * 15 // 100)
    roles += ["provider"] * (n - len(roles))
    people = [
        {
            "id": f"s{i}",
            "name": f"Stakeholder {i}",
            "role": r,
            "lived_experience": r == "beneficiary",
        }
        for i, r in enumerate(roles)
    ]
    by_role: dict[str, list[int]] = {}
    for i, r in enumerate(roles):
        by_role.setdefault(r, []).append(i)
    plan = [
        ("beneficiary", "provider", "feedback"),
        ("beneficiary", "beneficiary", "represents"),
        ("provider", "leader", "advocates"),
        ("provider", "provider", "informs"),
        ("leader", "provider", "funds"),
        ("provider", "beneficiary", "serves"),
        ("leader", "beneficiary", "informs"),
    ]
    rels = []
    seen: set[tuple[int, int]] = set()
    while len(rels) < 3 * n:
        src_role, dst_role, kind = rng.choice(plan)
        a, b = rng.choice(by_role[src_role]), rng.choice(by_role[dst_role])
        if a == b or (a, b) in seen:
            continue
        seen.add((a, b))
        status = rng.choices(["existing", "weak", "broken"], [85, 10, 5])[0]
        rels.append(
            {
                "id": f"r{len(rels)}",
                "from": f"s{a}",
                "to": f"s{b}",
                "kind": kind,
                "strength": rng.randint(1, 5),
                "status": status,
            }
        )
    g = nx.DiGraph((r["from"], r["to"]) for r in rels if r["status"] == "existing")
    loops: list[dict[str, Any]] = []
    for r in rng.sample(rels, len(rels)):
        if len(loops) == 40:
            break
        try:
            back = nx.shortest_path(g, r["to"], r["from"])
        except (nx.NetworkXNoPath, nx.NodeNotFound):
            continue
        if r["status"] == "existing" and len(back) <= 6:
            n_loop = len(loops)
            loops.append(
                {"id": f"loop{n_loop}", "name": f"Loop {n_loop}", "path": [r["from"], *back]}
            )
    return {
        "id": "stakeholders",
        "title": "Benchmark stakeholder map",
        "guiding_question": "Who is heard?",
        "stakeholders": people,
        "relationships": rels,
        "loops": loops,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factors", type=int, default=1000)
    parser.add_argument("--stakeholders", type=int, default=5000)
    args = parser.parse_args()

    fm = valid_map(factor_map(args.factors))
    sm = valid_map(stakeholder_map(args.stakeholders))
    build = Timing.measure(lambda: key_factor_model(fm))
    one = Timing.measure(lambda: whatif(fm, {"f0": 1.0}))
    weak = Timing.measure(lambda: fragile(sm))
    r = one.result
    f = weak.result
    top = f.points[0]
    gone = Timing.measure(
        lambda: (
            network_whatif(sm, without=[top.id])
            if top.kind == "stakeholder"
            else network_whatif(sm, without_relationships=[top.id])
        )
    )
    rows = [
        [
            "key-factor model built",
            f"{args.factors:,} factors, {len(fm.relationships):,} links",
            f"{build.cpu:.3f}",
            f"{build.wall:.3f}",
        ],
        [
            "one scenario (baseline + run)",
            f"{r.baseline.describe()}; {r.run.describe()}",
            f"{one.cpu:.3f}",
            f"{one.wall:.3f}",
        ],
        [
            "--fragile",
            f"{args.stakeholders:,} stakeholders, {len(sm.relationships):,} "
            f"relationships, {len(sm.loops)} loops; {len(f.points):,} points",
            f"{weak.cpu:.3f}",
            f"{weak.wall:.3f}",
        ],
        [
            f"--without the top point ({top.kind})",
            f"{len(gone.result.lose_voice)} beneficiaries lose their voice",
            f"{gone.cpu:.3f}",
            f"{gone.wall:.3f}",
        ],
    ]
    print(format_table(["what", "size", "CPU s", "wall s"], rows))
    env = environment()
    print(f"\nPython {env['python']} on {env.get('cpu', env['machine'])}, {env['cpus']} CPUs")
    target = "met" if max(one.cpu, weak.cpu) < 5 else "NOT met"
    print(f"Workshop target (each under 5 s CPU): {target}")


if __name__ == "__main__":
    main()
