"""sysmap beside the floor: the bare libraries under it doing the same work.

Every row of issue 21's table, measured in ONE run, each case in its own
process (so that its peak memory is its own), the median of ``--runs``:

- **analyze** a 50k-stakeholder map (peak memory) and a 1k one (CPU of the
  whole process, start-up included): ``python -m sysmap analyze MAP --format
  json -o …`` against a script that reads the same JSON file and computes the
  same structure metrics with igraph (and, with ``--networkx``, networkx). At
  50k the scripts' betweenness is sampled (500 sources for igraph, 100 for
  networkx) and closeness is computed for 100 of them only: the memory does not
  depend on it.
- **load + validate** 100k relationships from JSON: ``load_map`` against
  ``json.load``.
- **compare** two 50k maps, changes only: ``load_map`` twice and
  ``compare_maps(..., shifts=False)`` against a script that loads both files
  with ``json.load`` and diffs stakeholders and relationships with sets.
- **import** 50k relationships from CSV, Kumu, XLSX, GraphML, GEXF:
  ``import_map`` against the parser alone (csv module, ``json.load``,
  calamine, networkx ``read_graphml``/``read_gexf``). The target is 3× of
  parser + ``load_map`` of the same map as JSON (the model must still be
  built and checked), also printed.
- **export** 50k relationships to CSV, Kumu, XLSX, GraphML, GEXF:
  ``export_map`` from a loaded map against the bare writer writing the same
  content (read back from sysmap's own output before the clock starts): csv
  module, ``json.dump``, openpyxl write-only, networkx ``write_graphml`` /
  ``write_gexf``.
- **map** 1k stakeholders, whole process: ``python -m sysmap map`` against
  pyvis with an igraph layout.

CPU seconds (user + system, ``time.process_time`` in the case or the child's
rusage for whole-process rows) are steadier than the wall clock on a shared
machine. Usage::

    python benchmarks/bench_floor.py                 # every row, median of 3
    python benchmarks/bench_floor.py --runs 1 --only import export
    python benchmarks/bench_floor.py --networkx      # also the (slow) networkx script
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FORMATS = ["csv", "kumu", "xlsx", "graphml", "gexf"]
CASES: dict[str, Callable[[Path], None]] = {}
_TIMED: list[float] = []


def case(fn: Callable[[Path], None]) -> Callable[[Path], None]:
    """Register a case run by ``--case NAME``."""
    CASES[fn.__name__] = fn
    return fn


@contextmanager
def timed() -> Iterator[None]:
    """CPU seconds of the block, reported to the parent (in-process rows)."""
    c0 = time.process_time()
    yield
    _TIMED.append(time.process_time() - c0)


# ------------------------------------------------------------------ inputs


def prepare(d: Path) -> None:
    """Write every input file the cases read (not timed)."""
    sys.path.insert(0, str(HERE))
    from _util import valid_map
    from bench_compare import perturb, with_ids
    from bench_loops_equity import random_map
    from generate import generate_map

    from sysmap.formats import export_map
    from sysmap.storage import save_map

    for n, name in [(1000, "a1k"), (50_000, "a50k")]:
        save_map(random_map(n), d / f"{name}.json")
    save_map(valid_map(generate_map(100_000)), d / "load100k.json")
    import bench_power_voice

    first = with_ids(bench_power_voice.random_map(50_000))
    save_map(first, d / "c1.json")
    save_map(perturb(first)[0], d / "c2.json")
    m = valid_map(generate_map(50_000))
    save_map(m, d / "f50k.json")
    for fmt in FORMATS:
        export_map(m, fmt, _target(d, fmt))


def _target(d: Path, fmt: str, stem: str = "in") -> Path:
    from sysmap.formats import EXPORT_FORMATS

    spec = EXPORT_FORMATS[fmt]
    return d / (f"{stem}-{fmt}" if spec.folder else f"{stem}-{fmt}{spec.suffix}")


# ------------------------------------------------------------- the scripts


def _graph_from_json(path: Path) -> tuple[Any, list[str]]:
    """An igraph graph of the map's stakeholders and factors, as a script would."""
    import igraph as ig

    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    ids = [e["id"] for e in data.get("stakeholders", []) + data.get("factors", [])]
    index = {v: i for i, v in enumerate(ids)}
    edges = [(index[r["from"]], index[r["to"]]) for r in data.get("relationships", [])]
    return ig.Graph(n=len(ids), edges=edges, directed=True), ids


def _igraph_metrics(path: Path, sampled: bool) -> None:
    g, ids = _graph_from_json(path)
    out = {
        "in": g.indegree(),
        "out": g.outdegree(),
        "pagerank": g.pagerank(),
        "closeness": g.closeness(vertices=range(100) if sampled else None, mode="in"),
        "betweenness": g.betweenness(sources=range(0, g.vcount(), 100) if sampled else None),
        "components": len(g.connected_components(mode="weak")),
        "communities": g.as_undirected().community_multilevel().membership,
    }
    top = sorted(range(len(ids)), key=out["betweenness"].__getitem__, reverse=True)[:10]
    print(json.dumps({"top": [ids[i] for i in top]}), file=sys.stderr)


@case
def igraph_analyze_1k(d: Path) -> None:
    _igraph_metrics(d / "a1k.json", sampled=False)


@case
def igraph_analyze_50k(d: Path) -> None:
    _igraph_metrics(d / "a50k.json", sampled=True)


@case
def networkx_analyze_50k(d: Path) -> None:
    import networkx as nx

    with open(d / "a50k.json", encoding="utf-8") as fh:
        data = json.load(fh)
    g = nx.DiGraph()
    g.add_nodes_from(e["id"] for e in data["stakeholders"] + data.get("factors", []))
    g.add_edges_from((r["from"], r["to"]) for r in data["relationships"])
    nx.pagerank(g)
    nx.betweenness_centrality(g, k=100, seed=1)
    nx.number_weakly_connected_components(g)
    list(nx.community.louvain_communities(g.to_undirected(), seed=1))


@case
def sysmap_load(d: Path) -> None:
    from sysmap.validate import load_map

    with timed():
        load_map(d / "load100k.json")


@case
def json_load(d: Path) -> None:
    with timed(), open(d / "load100k.json", encoding="utf-8") as fh:
        json.load(fh)


@case
def sysmap_compare(d: Path) -> None:
    from sysmap.compare import compare_maps
    from sysmap.validate import load_map

    # the result (and the maps it holds) is kept past the clock, as the sets script
    # keeps its data: neither side is timed freeing what it built
    with timed():
        c = compare_maps(load_map(d / "c1.json"), load_map(d / "c2.json"), shifts=False)
    print(c.counts()["relationships"])


@case
def sets_compare(d: Path) -> None:
    with timed():
        maps = []
        for name in ("c1.json", "c2.json"):
            with open(d / name, encoding="utf-8") as fh:
                maps.append(json.load(fh))
        a, b = ({s["id"]: s for s in m["stakeholders"]} for m in maps)
        removed, added = a.keys() - b.keys(), b.keys() - a.keys()
        changed = [k for k in a.keys() & b.keys() if a[k] != b[k]]
        ra, rb = (
            {r.get("id") or (r["from"], r["to"], r["kind"]): r for r in m["relationships"]}
            for m in maps
        )
        retired, formed = ra.keys() - rb.keys(), rb.keys() - ra.keys()
        shifted = [k for k in ra.keys() & rb.keys() if ra[k] != rb[k]]
    print(len(removed), len(added), len(changed), len(retired), len(formed), len(shifted))


@case
def sysmap_validate_json(d: Path) -> None:
    from sysmap.validate import load_map

    with timed():
        load_map(d / "f50k.json")


def _import_case(fmt: str) -> None:
    def run(d: Path) -> None:
        from sysmap.formats import import_map

        with timed():
            import_map(fmt, _target(d, fmt))

    run.__name__ = f"sysmap_import_{fmt}"
    case(run)


def _export_case(fmt: str) -> None:
    def run(d: Path) -> None:
        from sysmap.formats import export_map
        from sysmap.model import Stakeholder, SystemMap
        from sysmap.validate import load_map

        m = load_map(d / "f50k.json")
        # a tiny export first: the writer's modules and libraries load before the clock,
        # as the floor's do
        tiny = SystemMap(
            id="t",
            title="T",
            guiding_question="Q?",
            stakeholders=[Stakeholder(id="a", name="A", role="leader")],
        )
        export_map(tiny, fmt, _target(d, fmt, "warm"))
        with timed():
            export_map(m, fmt, _target(d, fmt, "out"))

    run.__name__ = f"sysmap_export_{fmt}"
    case(run)


for _fmt in FORMATS:
    _import_case(_fmt)
    _export_case(_fmt)


def _csv_rows(folder: Path) -> dict[str, list[list[str]]]:
    import csv

    out = {}
    for p in sorted(folder.glob("*.csv")):
        with open(p, newline="", encoding="utf-8") as fh:
            out[p.name] = list(csv.reader(fh))
    return out


@case
def floor_import_csv(d: Path) -> None:
    with timed():
        _csv_rows(_target(d, "csv"))


@case
def floor_export_csv(d: Path) -> None:
    import csv

    tables = _csv_rows(_target(d, "csv"))
    out = d / "floor-csv"
    out.mkdir(exist_ok=True)
    with timed():
        for name, rows in tables.items():
            with open(out / name, "w", newline="", encoding="utf-8") as fh:
                csv.writer(fh).writerows(rows)


@case
def floor_import_kumu(d: Path) -> None:
    with timed(), open(_target(d, "kumu"), encoding="utf-8") as fh:
        json.load(fh)


@case
def floor_export_kumu(d: Path) -> None:
    with open(_target(d, "kumu"), encoding="utf-8") as fh:
        data = json.load(fh)
    with timed(), open(d / "floor-kumu.json", "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2, ensure_ascii=False)


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


@case
def floor_import_xlsx(d: Path) -> None:
    with timed():
        _sheets(_target(d, "xlsx"))


@case
def floor_export_xlsx(d: Path) -> None:
    from openpyxl import Workbook

    sheets = _sheets(_target(d, "xlsx"))
    with timed():
        wb = Workbook(write_only=True)
        for name, rows in sheets.items():
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
        wb.save(d / "floor.xlsx")


@case
def floor_import_graphml(d: Path) -> None:
    import networkx as nx

    with timed():
        nx.read_graphml(_target(d, "graphml"))


@case
def floor_export_graphml(d: Path) -> None:
    import networkx as nx

    g = nx.read_graphml(_target(d, "graphml"))
    with timed():
        nx.write_graphml(g, d / "floor.graphml")


@case
def floor_import_gexf(d: Path) -> None:
    import networkx as nx

    with timed():
        nx.read_gexf(_target(d, "gexf"))


@case
def floor_export_gexf(d: Path) -> None:
    import networkx as nx

    g = nx.read_gexf(_target(d, "gexf"))
    with timed():
        nx.write_gexf(g, d / "floor.gexf")


@case
def pyvis_map_1k(d: Path) -> None:
    from pyvis.network import Network

    g, ids = _graph_from_json(d / "a1k.json")
    layout = g.layout_fruchterman_reingold()
    net = Network(directed=True)
    for i, (x, y) in enumerate(layout.coords):
        net.add_node(ids[i], label=ids[i], x=x * 40, y=y * 40, physics=False)
    for e in g.es:
        net.add_edge(ids[e.source], ids[e.target])
    net.toggle_physics(False)
    net.write_html(str(d / "floor-map.html"), notebook=False)


# ------------------------------------------------------------- the runner


def measure(d: Path, name: str, runs: int, argv: list[str] | None = None) -> dict[str, Any]:
    """Median of ``runs`` runs of one case: its timed CPU (in-process rows), the
    whole process's CPU and its peak memory (max RSS, MB)."""
    got = [_child(d, name, argv) for _ in range(runs)]
    return {k: None if got[0][k] is None else statistics.median(g[k] for g in got) for k in got[0]}


def _child(d: Path, name: str, argv: list[str] | None) -> dict[str, Any]:
    cmd = argv or [sys.executable, __file__, "--case", name, "--dir", str(d)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read() if proc.stdout else b""
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"{name} failed:\n{err.decode()[-2000:]}")
    lines = [ln for ln in out.decode().splitlines() if ln.startswith('{"timed"')]
    return {
        "timed": json.loads(lines[-1])["timed"] if lines else None,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mb": usage.ru_maxrss * 1024 / 1e6,
    }


def sysmap_cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "sysmap", *args]


def rows(d: Path, runs: int, only: list[str], with_nx: bool) -> list[list[str]]:
    """Every table row: (work, sysmap, floor, ratio, target)."""
    out: list[list[str]] = []

    def add(
        work: str, mine: float, floors: list[tuple[str, float]], unit: str, target: str
    ) -> None:
        fl = ", ".join(f"{label} {v:.2f}{unit}" for label, v in floors)
        ratio = " / ".join(f"{mine / v:.2f}×" for _, v in floors)
        out.append([work, f"{mine:.2f}{unit}", fl, ratio, target])
        print(" | ".join(out[-1]), flush=True)

    if "analyze" in only:
        big = sysmap_cli(
            "analyze", str(d / "a50k.json"), "--format", "json", "-o", str(d / "a50k-out.json")
        )
        s = measure(d, "sysmap analyze 50k", 1, big)
        floors = [("igraph", measure(d, "igraph_analyze_50k", 1)["peak_mb"] / 1e3)]
        if with_nx:
            floors.append(("networkx", measure(d, "networkx_analyze_50k", 1)["peak_mb"] / 1e3))
        add("analyze 50k, peak memory", s["peak_mb"] / 1e3, floors, " GB", "≤ 1× igraph")
        out[-1].append(f"(sysmap CPU {s['cpu']:.1f} s)")
        small = sysmap_cli(
            "analyze", str(d / "a1k.json"), "--format", "json", "-o", str(d / "a1k-out.json")
        )
        s = measure(d, "sysmap analyze 1k", runs, small)
        f = measure(d, "igraph_analyze_1k", runs)
        add("analyze 1k, whole process CPU", s["cpu"], [("igraph", f["cpu"])], " s", "≤ 1.2×")
    if "load" in only:
        s, f = measure(d, "sysmap_load", runs), measure(d, "json_load", runs)
        add("load + validate 100k, JSON", s["timed"], [("json.load", f["timed"])], " s", "—")
    if "compare" in only:
        s, f = measure(d, "sysmap_compare", runs), measure(d, "sets_compare", runs)
        add("compare 50k, changes only", s["timed"], [("sets", f["timed"])], " s", "≤ 1.5×")
    if "import" in only:
        valid = measure(d, "sysmap_validate_json", runs)["timed"]
        for fmt in FORMATS:
            s = measure(d, f"sysmap_import_{fmt}", runs)["timed"]
            f = measure(d, f"floor_import_{fmt}", runs)["timed"]
            add(
                f"import 50k {fmt}",
                s,
                [("parser", f), ("parser + validate JSON", f + valid)],
                " s",
                "≤ 3× of parser + validate",
            )
    if "export" in only:
        for fmt in FORMATS:
            s = measure(d, f"sysmap_export_{fmt}", runs)["timed"]
            f = measure(d, f"floor_export_{fmt}", runs)["timed"]
            add(f"export 50k {fmt}", s, [("writer", f)], " s", "≤ 1.5×")
    if "map" in only:
        s = measure(
            d,
            "sysmap map 1k",
            runs,
            sysmap_cli("map", str(d / "a1k.json"), "-o", str(d / "a1k.html")),
        )
        f = measure(d, "pyvis_map_1k", runs)
        add("map 1k, whole process CPU", s["cpu"], [("pyvis + igraph", f["cpu"])], " s", "≤ 1.2×")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="median of this many runs")
    ap.add_argument(
        "--only", nargs="*", default=["analyze", "load", "compare", "import", "export", "map"]
    )
    ap.add_argument("--networkx", action="store_true", help="also the networkx script at 50k")
    ap.add_argument("--dir", type=Path, help="inputs already prepared here (kept)")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.case:
        CASES[args.case](args.dir)
        if _TIMED:
            print(json.dumps({"timed": _TIMED[-1]}))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        d = args.dir or Path(tmp)
        if not (d / "f50k.json").exists():
            t0 = time.perf_counter()
            prepare(d)
            print(f"inputs written in {time.perf_counter() - t0:.0f} s", flush=True)
        print("work | sysmap | floor | ratio | target")
        rows(d, args.runs, args.only, args.networkx)
    return 0


if __name__ == "__main__":
    sys.exit(main())
