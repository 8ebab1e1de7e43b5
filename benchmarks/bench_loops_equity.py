"""Benchmark the loops, perspectives and equity analyses on random maps.

Builds a random map per size in memory (no files): stakeholders in the three
roles (10% leaders, 30% providers, 60% beneficiaries) with power, interest,
race and age group; about three relationships per stakeholder, half of them to
a few hub organisations (coordinated entry, big shelters) so that degrees are
skewed as in real maps; 15% mutual; statuses 80% existing, 10% weak, 5%
proposed, 5% broken; 60% with evidence asserted by a role group or a
stakeholder, and 3% recorded twice by different sources with different
strengths; factors linked by ``influences`` with polarities; declared loops;
an indicator disaggregated by race.

Then times, best of ``--runs`` (``time.perf_counter``):

- ``loops(m)`` (max_length 8, cap 10,000), also at ``--max-length`` 6;
- ``perspectives(m)``;
- ``equity(m, "race")`` with the default metrics (power, interest, in/out
  degree on the working graph).

Usage::

    python benchmarks/bench_loops_equity.py                    # 1k, 10k, 50k
    python benchmarks/bench_loops_equity.py --sizes 1000 --runs 5
    python benchmarks/bench_loops_equity.py --hub-share 0   # no hubs: every cycle listed
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from _util import valid_map

from sysmap.analysis._equity import equity
from sysmap.analysis._loops import loops
from sysmap.analysis._perspectives import perspectives
from sysmap.model import SystemMap

RACES = ["Black", "White", "Latino", "Asian", "Indigenous"]
RACE_WEIGHTS = [30, 45, 15, 7, 3]
AGES = ["18-24", "25-44", "45-64", "65+"]
KINDS = ["serves", "refers", "informs", "feedback", "funds", "collaborates", "advocates"]
STATUSES = ["existing"] * 16 + ["weak"] * 2 + ["proposed", "broken"]


def random_map(n: int, seed: int = 7, hub_share: float = 0.5) -> SystemMap:
    """A random map with ``n`` stakeholders and about ``3 n`` relationships;
    ``hub_share`` of them lead to a hub organisation."""
    rnd = random.Random(seed)
    roles = ["leader"] * (n // 10) + ["provider"] * (3 * n // 10)
    roles += ["beneficiary"] * (n - len(roles))
    rnd.shuffle(roles)
    stakeholders = []
    for i, role in enumerate(roles):
        s: dict[str, Any] = {
            "id": f"s{i}",
            "name": f"{role.title()} {i}",
            "role": role,
            "power": rnd.randint(0, 5),
            "interest": rnd.randint(0, 5),
            "lived_experience": role == "beneficiary" or rnd.random() < 0.05,
        }
        if rnd.random() < 0.9:
            s["attributes"] = {
                "race": rnd.choices(RACES, RACE_WEIGHTS)[0],
                "age_group": rnd.choice(AGES),
            }
        stakeholders.append(s)
    hubs = [i for i, r in enumerate(roles) if r != "beneficiary"][: max(5, n // 500)]
    factors = [{"id": f"f{i}", "name": f"Factor {i}"} for i in range(max(5, n // 50))]
    rels: list[dict[str, Any]] = []
    for _ in range(3 * n):
        u = rnd.randrange(n)
        v = rnd.choice(hubs) if rnd.random() < hub_share else rnd.randrange(n)
        if u == v:
            continue
        if rnd.random() < 0.5:
            u, v = v, u
        r: dict[str, Any] = {
            "from": f"s{u}",
            "to": f"s{v}",
            "kind": rnd.choice(KINDS),
            "strength": rnd.randint(1, 5),
            "trust": rnd.randint(0, 5),
            "status": rnd.choice(STATUSES),
            "direction": "mutual" if rnd.random() < 0.15 else "one-way",
        }
        if rnd.random() < 0.6:
            by = rnd.choice(["beneficiary", "provider", "leader", f"s{rnd.randrange(n)}"])
            r["evidence"] = [{"source": "interview", "asserted_by": by}]
            if rnd.random() < 0.05:
                twin = dict(r, strength=rnd.randint(1, 5))
                twin["evidence"] = [{"source": "workshop", "asserted_by": "beneficiary"}]
                rels.append(twin)
        rels.append(r)
    nf = len(factors)
    for _ in range(2 * nf):
        a, b = rnd.randrange(nf), rnd.randrange(nf)
        if a != b:
            rels.append(
                {"from": f"f{a}", "to": f"f{b}", "kind": "influences", "polarity": rnd.choice("+-")}
            )
    for _ in range(nf):
        rels.append(
            {"from": f"s{rnd.choice(hubs)}", "to": f"f{rnd.randrange(nf)}", "kind": "influences"}
        )
        rels.append(
            {"from": f"f{rnd.randrange(nf)}", "to": f"s{rnd.choice(hubs)}", "kind": "influences"}
        )
    declared = []
    for k, r in enumerate(rels[:20]):
        # a loop back along the same link, with its return step recorded (a map that
        # declares a loop no relationship backs does not validate): some of the
        # returns are broken or weak, so some loops hold and some do not
        back = {"from": r["to"], "to": r["from"], "kind": "feedback"}
        back["status"] = ("existing", "broken", "weak")[k % 3]
        rels.append(back)
        declared.append(
            {"id": f"l{k}", "name": f"Loop {k}", "path": [r["from"], r["to"], r["from"]]}
        )
    counts = {race: rnd.randint(50, 900) for race in RACES}
    data = {
        "id": f"random-{n}",
        "title": f"Random map, {n} stakeholders",
        "guiding_question": "How fast do we find it?",
        "stakeholders": stakeholders,
        "factors": factors,
        "relationships": rels,
        "loops": declared,
        "indicators": [
            {
                "id": "pit",
                "name": "Unsheltered (PIT)",
                "unit": "people",
                "value": sum(counts.values()),
                "disaggregations": [{"by": "race", "values": counts}],
            }
        ],
    }
    return valid_map(data)


def best_of(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--hub-share",
        type=float,
        default=0.5,
        help="share of relationships that lead to a hub (0: a uniform random map, "
        "where the loop search is complete rather than stopped at the cap)",
    )
    args = parser.parse_args(argv)
    header = (
        f"{'stakeholders':>12} {'relationships':>13} {'build s':>8} {'loops s':>8} "
        f"{'cycles':>7} {'stop':>6} {'loops6 s':>8} {'persp s':>8} {'equity s':>8}"
    )
    print(header)
    for n in args.sizes:
        t = time.perf_counter()
        m = random_map(n, args.seed, args.hub_share)
        build = time.perf_counter() - t
        t_loops, res = best_of(lambda m=m: loops(m), args.runs)
        t_loops6, _ = best_of(lambda m=m: loops(m, max_length=6), args.runs)
        t_persp, _ = best_of(lambda m=m: perspectives(m), args.runs)
        t_eq, _ = best_of(lambda m=m: equity(m, "race"), args.runs)
        print(
            f"{n:>12,} {len(m.relationships):>13,} {build:>8.2f} {t_loops:>8.2f} "
            f"{len(res.cycles):>7,} {res.stop_reason or '-':>6} {t_loops6:>8.2f} "
            f"{t_persp:>8.2f} {t_eq:>8.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
