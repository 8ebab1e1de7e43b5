"""Benchmark interactive HTML maps: export time, and time until the map is
drawn and idle in headless Chromium, next to a default pyvis export and the floor.

For each size, a random map: ``n`` stakeholders (half beneficiaries, 30%
providers, 20% leaders), about ``3·n`` relationships between random pairs of
assorted kinds and statuses, built as a :class:`~sysmap.model.SystemMap`
directly (no file is read). Three pages are timed, each in a fresh browser
context from a ``file://`` URL with every other request aborted:

- **sysmap**: ``export_html`` (its time is the *export* column; it includes
  the structure, loops and voice analyses and, above
  :data:`sysmap.html.LAYOUT_THRESHOLD` elements, the layout), then the time
  from navigation until the page says it is drawn and idle
  (``<html data-state="ready">``: physics settled and stopped, or positions
  precomputed and the first frame drawn), then how long choosing a
  stakeholder takes (details plus the neighbourhood highlight);
- **pyvis default**: the same nodes and edges in a ``pyvis.network.Network``
  with its default options (physics on), written with
  ``cdn_resources="in_line"`` — the default ``local`` mode loads vis-network
  from a CDN and is blank offline. Its Bootstrap link is aborted like any
  request. The nodes and edges are put into the Network's lists directly:
  ``add_node``/``add_edge``/``from_nx`` are quadratic (issue 8). Drawn and idle
  means the physics simulation has stopped; the wait is capped at
  ``--pyvis-timeout`` seconds ("not settled");
- **floor**: the sysmap page with its script replaced by one that only parses
  the map data — Chromium loading the same bytes without drawing.

Usage::

    python benchmarks/bench_html.py                       # 100, 1k, 5k, 20k
    python benchmarks/bench_html.py --sizes 100 1000 --pyvis-timeout 30
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sysmap.html import export_html
from sysmap.model import Relationship, Stakeholder, SystemMap

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KINDS = ["serves", "funds", "refers", "informs", "feedback", "governs", "advocates", "collaborates"]
STATUSES = ["existing"] * 8 + ["weak", "proposed"]


def random_map(n: int, seed: int = 8) -> SystemMap:
    rng = random.Random(seed)
    roles = ["beneficiary"] * 5 + ["provider"] * 3 + ["leader"] * 2
    people = [
        Stakeholder(
            id=f"s{i}",
            name=f"Stakeholder {i}",
            role=rng.choice(roles),
            power=rng.randint(0, 5),
            tags=[rng.choice(["north", "south", "east", "west"])],
        )
        for i in range(n)
    ]
    rels = []
    for _ in range(3 * n):
        a, b = rng.randrange(n), rng.randrange(n)
        if a != b:
            rels.append(
                Relationship(
                    source=f"s{a}",
                    target=f"s{b}",
                    kind=rng.choice(KINDS),
                    status=rng.choice(STATUSES),
                    strength=rng.randint(1, 5),
                )
            )
    return SystemMap(
        id="bench", title="Benchmark", guiding_question="How fast?", stakeholders=people,
        relationships=rels,
    )  # fmt: skip


def pyvis_page(m: SystemMap, path: Path) -> float:
    from pyvis.network import Network

    start = time.perf_counter()
    net = Network(directed=True, cdn_resources="in_line")
    colours = {"beneficiary": "#E69F00", "provider": "#56B4E9", "leader": "#CC79A7"}
    for s in m.stakeholders:
        net.nodes.append(
            {"id": s.id, "label": s.name, "shape": "dot", "color": colours[s.role], "size": 10}
        )
        net.node_ids.append(s.id)
        net.node_map[s.id] = net.nodes[-1]
    for r in m.relationships:
        net.edges.append({"from": r.source, "to": r.target, "arrows": "to"})
    net.write_html(str(path), notebook=False)
    return time.perf_counter() - start


def floor_page(page: str) -> str:
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    own = page.rindex("<script>")
    return (
        page[:own]
        + "<script>JSON.parse(document.getElementById('sysmap-data').textContent);"
        + "document.documentElement.setAttribute('data-state','ready');</script>\n</body>\n</html>\n"
    )


def open_timed(browser: Any, path: Path, ready: str, timeout: float) -> tuple[float | None, Any]:
    """Seconds from navigation until ``ready`` (a JS expression) holds; None if it never did."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    leaked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            leaked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit", timeout=timeout * 1000)
    try:
        page.wait_for_function(ready, timeout=timeout * 1000, polling=50)
        elapsed: float | None = time.perf_counter() - start
    except Exception:
        elapsed = None
    return elapsed, (context, page, leaked)


PYVIS_SETTLED = """() => typeof network !== 'undefined' && network.physics &&
    network.physics.stabilized === true && network.physics.viewFunction === undefined"""
SYSMAP_READY = "() => document.documentElement.dataset.state === 'ready'"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 20000])
    parser.add_argument("--pyvis-timeout", type=float, default=60.0)
    parser.add_argument("--skip-pyvis", action="store_true")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    rows = []
    folder = Path(tempfile.mkdtemp(prefix="bench-html-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n in args.sizes:
            m = random_map(n)
            out = folder / f"sysmap-{n}.html"
            t = time.perf_counter()
            export_html(m, out)
            export_s = time.perf_counter() - t
            size_mb = out.stat().st_size / 1e6

            drawn, (ctx, page, leaked) = open_timed(browser, out, SYSMAP_READY, 120)
            select_ms = None
            if drawn is not None:
                select_ms = page.evaluate(
                    "() => { const t = performance.now(); sysmapMap.select('s1'); "
                    "return performance.now() - t; }"
                )
            assert not leaked, leaked
            ctx.close()

            floor = folder / f"floor-{n}.html"
            floor.write_text(floor_page(out.read_text(encoding="utf-8")), encoding="utf-8")
            floor_s, (ctx, _, _) = open_timed(browser, floor, SYSMAP_READY, 120)
            ctx.close()

            pv_export = pv_drawn = None
            if not args.skip_pyvis:
                pv = folder / f"pyvis-{n}.html"
                pv_export = pyvis_page(m, pv)
                pv_drawn, (ctx, _, _) = open_timed(browser, pv, PYVIS_SETTLED, args.pyvis_timeout)
                ctx.close()

            row = [
                n,
                len(m.relationships),
                f"{export_s:.2f}",
                f"{size_mb:.1f}",
                "—" if drawn is None else f"{drawn:.2f}",
                "—" if select_ms is None else f"{select_ms:.0f}",
                "—" if floor_s is None else f"{floor_s:.2f}",
                "skipped" if pv_export is None else f"{pv_export:.2f}",
                "skipped"
                if args.skip_pyvis
                else (
                    f"not settled in {args.pyvis_timeout:g}"
                    if pv_drawn is None
                    else f"{pv_drawn:.2f}"
                ),
            ]
            rows.append(row)
            print("  ".join(str(c) for c in row), file=sys.stderr, flush=True)
        browser.close()

    headers = [
        "stakeholders",
        "relationships",
        "export s",
        "file MB",
        "drawn+idle s",
        "select ms",
        "floor s",
        "pyvis export s",
        "pyvis settled s",
    ]
    widths = [max(len(h), *(len(str(r[i])) for r in rows)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for r in rows:
        print("  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
