"""Time the power and voice analyses on random maps of 1k, 10k and 50k stakeholders.

Usage::

    python benchmarks/bench_power_voice.py            # 1,000 10,000 50,000
    python benchmarks/bench_power_voice.py 2000 5000  # other sizes

Each map is built in memory as :class:`~sysmap.model.SystemMap` objects (no
file is read): a third of the stakeholders are beneficiaries, 15% leaders,
the rest providers; about three relationships per stakeholder, picked with a
long tail (a few hubs, many small players), of the kinds that plausibly go
from one role to another; 12% weak, 8% proposed, 5% broken; some mutual, some
carrying power, some without a recorded strength. The output is deterministic
for a size and seed. Timings are the best of three runs.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from _util import valid_map

from sysmap.analysis._power import power
from sysmap.analysis._voice import voice
from sysmap.model import Relationship, Stakeholder, SystemMap

KINDS: dict[tuple[str, str], list[str]] = {
    ("b", "p"): ["feedback", "feedback", "informs", "collaborates"],
    ("p", "b"): ["serves", "serves", "serves", "refers", "informs", "compensates"],
    ("p", "p"): ["refers", "collaborates", "shares_data", "contracts", "informs"],
    ("l", "p"): ["funds", "funds", "governs", "contracts", "informs"],
    ("p", "l"): ["informs", "shares_data", "advocates", "feedback"],
    ("b", "l"): ["feedback", "advocates", "represents"],
    ("l", "b"): ["serves", "compensates", "informs"],
    ("l", "l"): ["collaborates", "governs", "funds"],
    ("b", "b"): ["represents", "advocates", "informs"],
}
PAIR_WEIGHTS = {
    ("b", "p"): 20, ("p", "b"): 20, ("p", "p"): 20, ("l", "p"): 12, ("p", "l"): 10,
    ("b", "l"): 5, ("l", "b"): 3, ("l", "l"): 4, ("b", "b"): 3,
}  # fmt: skip
CARRIES = {
    "funds": ["money"],
    "governs": ["authority", "decisions"],
    "contracts": ["money", "decisions"],
    "compensates": ["money"],
    "shares_data": ["information"],
}
RACES = ["Black", "White", "Latino", "Asian", "Indigenous", "Multiracial"]


def random_map(n: int, seed: int = 7) -> SystemMap:
    """A random map with ``n`` stakeholders and about ``3 n`` relationships."""
    rng = random.Random(f"{seed}:{n}")
    sizes = {"b": n // 3, "l": max(2, round(n * 0.15))}
    sizes["p"] = n - sizes["b"] - sizes["l"]
    role = {"b": "beneficiary", "p": "provider", "l": "leader"}
    stakeholders = []
    ids: dict[str, list[str]] = {}
    cum: dict[str, list[float]] = {}
    for r in ("b", "p", "l"):
        ids[r] = [f"{r}{i}" for i in range(sizes[r])]
        total = 0.0
        cum[r] = []
        for rank in rng.sample(range(sizes[r]), sizes[r]):
            total += 1 / (rank + 1) ** 0.8
            cum[r].append(total)
        for sid in ids[r]:
            attrs: dict[str, Any] = {}
            if r == "b" and rng.random() < 0.9:
                attrs["race"] = rng.choice(RACES)
            held = rng.randint(*{"b": (0, 2), "p": (1, 3), "l": (3, 5)}[r])
            stakeholders.append(
                Stakeholder.model_validate(
                    {
                        "id": sid,
                        "name": f"{role[r].capitalize()} {sid[1:]}",
                        "role": role[r],
                        "power": held if rng.random() < 0.9 else None,
                        "attributes": attrs,
                    }
                )
            )
    pairs = list(PAIR_WEIGHTS)
    weights = [PAIR_WEIGHTS[p] for p in pairs]
    relationships: list[Relationship] = []
    while len(relationships) < 3 * n:
        a, b = rng.choices(pairs, weights=weights)[0]
        u = rng.choices(ids[a], cum_weights=cum[a])[0]
        v = rng.choices(ids[b], cum_weights=cum[b])[0]
        if u == v:
            continue
        kind = rng.choice(KINDS[(a, b)])
        rel: dict[str, Any] = {
            "from": u,
            "to": v,
            "kind": kind,
            "strength": rng.choice([1, 2, 3, 4, 5]) if rng.random() < 0.85 else None,
            "status": rng.choices(["existing", "weak", "proposed", "broken"], [75, 12, 8, 5])[0],
        }
        if kind in {"collaborates", "shares_data"} and rng.random() < 0.6:
            rel["direction"] = "mutual"
        if kind in CARRIES and rng.random() < 0.7:
            rel["power"] = {"amount": rng.randint(1, 5), "carries": CARRIES[kind]}
        relationships.append(Relationship.model_validate(rel))
    built = SystemMap(
        id=f"bench-{n}",
        title=f"Benchmark {n}",
        guiding_question="Whose voice reaches those who decide?",
        stakeholders=stakeholders,
        relationships=relationships,
    )
    return valid_map(built.model_dump(mode="json", by_alias=True, exclude_none=True))


def best_of(fn: Callable[[], Any], runs: int = 3) -> tuple[float, float, Any]:
    """The fastest of ``runs`` calls: wall seconds, CPU seconds, the last result.

    CPU time (this process only) is shown beside wall time because a shared
    machine's load inflates the wall time.
    """
    best, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(runs):
        gc.collect()
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best, best_cpu, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000, 10_000, 50_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print("seconds: wall (CPU), best of", args.runs)
    print("| stakeholders | relationships | beneficiaries | leaders | power | voice "
          "| voice by race | no voice | one-way | two-way | detailed |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    voice(random_map(30))  # imports scipy once, outside the timings
    for n in args.sizes:
        m = random_map(n)
        times = []
        analyses: list[Callable[[SystemMap], Any]] = [
            power,
            voice,
            lambda m: voice(m, by="race"),
        ]
        for fn in analyses:
            wall, cpu, result = best_of(functools.partial(fn, m), args.runs)
            times.append(f"{wall:.2f} ({cpu:.2f})")
        c = result.counts
        print(
            f"| {n:,} | {len(m.relationships):,} | {c['beneficiaries']:,} | {c['leaders']:,} | "
            + " | ".join(times)
            + f" | {c['no_voice']:,} | {c['one_way']:,} | {c['two_way']:,} | {result.detailed} |"
        )


if __name__ == "__main__":
    main()
