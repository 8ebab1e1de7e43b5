"""Benchmark interactive HTML maps in headless Chromium, each beside its floor.

For each size, a map a county-wide team could have: ``n`` stakeholders (half
beneficiaries, 30% providers, 20% leaders) in organisations of about 20
people, each with a region tag and a power; about ``3·n`` relationships of
assorted kinds and statuses, 70% inside an organisation and 30% between
random pairs. The map is checked by sysmap's validator before it is timed.

Pages, each opened in a fresh browser context from a ``file://`` URL with
every other request aborted, at 1280×720:

- **sysmap**: the page ``export_html`` writes (the *export* column includes
  the structure, loops and voice analyses and, above
  :data:`sysmap.htmlmap.LAYOUT_THRESHOLD` elements, the layout). Above
  :data:`sysmap.htmlmap.OVERVIEW_THRESHOLD` it opens as an overview, the
  stakeholders grouped by organisation;
- **floor**: the same vis-network library and the same data with the
  positions sysmap computed, drawn with vis-network's defaults (physics off)
  and nothing else: no names, controls, details or analyses;
- **sigma floor** (``--sigma``): the same positions drawn by sigma.js 4 on
  graphology, a WebGL renderer made for large graphs (vendored in
  ``benchmarks/vendor`` from the npm registry, MIT licences kept), nothing else.

Measured in the page (``performance.now()`` from navigation start):

- *first frame*: the first frame with the map drawn (sysmap: its
  ``sysmap-ready`` mark; floors: vis-network's first ``afterDrawing``, or the animation frame after sigma's constructor drew);
- *idle*: when the browser next runs an idle callback after that frame;
- *search*: from a search + Enter for one stakeholder to the end of the last
  frame it causes (two animation frames and a task after the key), opening
  its group on an overview;
- *click*: the same from a click on a stakeholder drawn on the map;
- *filter*: the same from switching the first role filter off (and on again
  in the next run);
- *heap*: the JS heap in use after idle (Chrome DevTools ``JSHeapUsedSize``).

Search, click and filter are repeated ``--runs`` times (a different
stakeholder each time); the table shows the median and the range.
``--baseline-js`` times a second page beside the first, the same map with an
earlier ``map.js`` swapped in, the two taking turns run by run.

Usage::

    python benchmarks/bench_html.py                    # 1k, 5k, 20k
    python benchmarks/bench_html.py --sizes 1000 5000 --sigma
    git show HEAD~3:src/sysmap/templates/map.js > /tmp/old-map.js
    python benchmarks/bench_html.py --sizes 5000 20000 --baseline-js /tmp/old-map.js
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from _util import valid_map

from sysmap.htmlmap import export_html
from sysmap.model import SystemMap

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KINDS = ["serves", "funds", "refers", "informs", "feedback", "governs", "advocates", "collaborates"]
STATUSES = ["existing"] * 8 + ["weak", "proposed"]
VENDOR = Path(__file__).resolve().parent / "vendor"


def random_map(n: int, seed: int = 8) -> SystemMap:
    rng = random.Random(seed)
    roles = ["beneficiary"] * 5 + ["provider"] * 3 + ["leader"] * 2
    orgs = max(1, n // 20)
    org_of = [rng.randrange(orgs) for _ in range(n)]
    members: dict[int, list[int]] = {}
    for i, o in enumerate(org_of):
        members.setdefault(o, []).append(i)
    people = [
        {
            "id": f"s{i}",
            "name": f"Stakeholder {i}",
            "role": rng.choice(roles),
            "organisation": f"Organisation {org_of[i]}",
            "power": rng.randint(0, 5),
            "tags": [rng.choice(["north", "south", "east", "west"])],
        }
        for i in range(n)
    ]
    rels = []
    for _ in range(3 * n):
        a = rng.randrange(n)
        b = rng.choice(members[org_of[a]]) if rng.random() < 0.7 else rng.randrange(n)
        if a != b:
            rels.append(
                {
                    "from": f"s{a}",
                    "to": f"s{b}",
                    "kind": rng.choice(KINDS),
                    "status": rng.choice(STATUSES),
                    "strength": rng.randint(1, 5),
                }
            )
    data = {
        "id": "bench",
        "title": "Benchmark",
        "guiding_question": "How fast?",
        "stakeholders": people,
        "relationships": rels,
    }
    return valid_map(data)


def _replace_scripts(page: str, libraries: list[str], script: str) -> str:
    """The page's data block with only ``libraries`` and ``script`` after it."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    head = page[: page.index("<body>") + len("<body>")]
    data = re.search(r'<script type="application/json" id="sysmap-data">.*?</script>', page, re.S)
    assert data is not None
    libs = "".join(f"<script>{lib}</script>\n" for lib in libraries)
    return (
        head
        + '\n<div id="map" style="width:100vw;height:100vh"></div>\n'
        + data.group(0)
        + "\n"
        + libs
        + f"<script>{script}</script>\n</body>\n</html>\n"
    )


FLOOR_JS = """
var D = JSON.parse(document.getElementById('sysmap-data').textContent);
var net = new vis.Network(document.getElementById('map'), {
  nodes: new vis.DataSet(D.nodes.map(function (n) { return {id: n.id, x: n.x, y: n.y, size: n.size}; })),
  edges: new vis.DataSet(D.edges.map(function (e) { return {from: e.from, to: e.to, arrows: 'to'}; }))
}, {physics: false, layout: {improvedLayout: false}, edges: {smooth: false}});
net.once('afterDrawing', function () {
  performance.mark('sysmap-ready');
  document.documentElement.setAttribute('data-state', 'ready');
});
"""

SIGMA_JS = """
var D = JSON.parse(document.getElementById('sysmap-data').textContent);
var g = new graphology.Graph({multi: true});
D.nodes.forEach(function (n) { g.addNode(n.id, {x: n.x, y: -n.y, size: 2 + n.size / 8, color: '#56B4E9'}); });
D.edges.forEach(function (e) { g.addEdge(e.from, e.to, {size: 1, color: '#bbb'}); });
var r = new Sigma(g, document.getElementById('map'), {renderLabels: false});
// sigma draws its first frame inside the constructor: ready at the next frame
requestAnimationFrame(function () {
  performance.mark('sysmap-ready');
  document.documentElement.setAttribute('data-state', 'ready');
});
"""


def floor_page(page: str) -> str:
    # vis-network is the largest inlined script
    lib = max(re.findall(r"<script>(.*?)</script>", page, re.S), key=len)
    return _replace_scripts(page, [lib], FLOOR_JS)


def sigma_page(page: str) -> str:
    libs = [
        (VENDOR / "graphology.umd.min.js").read_text(encoding="utf-8"),
        (VENDOR / "sigma.min.js").read_text(encoding="utf-8"),
    ]
    return _replace_scripts(page, libs, SIGMA_JS)


TIMES = """async () => {
    const ready = performance.getEntriesByName('sysmap-ready')[0].startTime;
    const idle = await new Promise(r => requestIdleCallback(() => r(performance.now())));
    return {first: ready, idle: idle};
}"""

# From an input event to the end of the last frame it causes: vis-network draws
# in the next animation frame, so two frames and a task after the event.
SETTLE = "await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0))));"

SEARCH = (
    """async name => {
    const t = performance.now();
    const s = document.getElementById('search');
    s.value = name;
    s.dispatchEvent(new Event('input'));
    s.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter'}));
    """
    + SETTLE
    + """
    return performance.now() - t;
}"""
)

CLICK = """async k => {
    const net = sysmapMap.network;
    const known = new Set(sysmapMap.data.nodes.map(n => n.id));
    const drawn = Object.keys(net.body.nodes).filter(id => known.has(id));
    const id = drawn[Math.max(0, drawn.length - 1 - k)];
    const p = net.canvasToDOM(net.getPositions([id])[id]);
    const box = document.querySelector('#map canvas').getBoundingClientRect();
    return {x: box.left + p.x, y: box.top + p.y, id: id};
}"""

AFTER_CLICK = (
    """async () => { const t = window.__clickAt; """
    + SETTLE
    + """ return performance.now() - t; }"""
)

FILTER = (
    """async () => {
    const t = performance.now();
    document.querySelector('#role-filter input').click();
    """
    + SETTLE
    + """
    return performance.now() - t;
}"""
)


def open_page(browser: Any, path: Path) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    leaked: list[str] = []

    def route(r: Any) -> None:
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            leaked.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.goto(path.as_uri(), wait_until="commit")
    page.wait_for_selector("html[data-state=ready]", state="attached", timeout=300_000)
    assert not leaked, leaked
    return context, page


def heap_mb(context: Any, page: Any) -> float:
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return float(metrics["JSHeapUsedSize"]) / 1e6


def time_floor(browser: Any, path: Path) -> dict[str, float]:
    context, page = open_page(browser, path)
    out = page.evaluate(TIMES)
    out["heap"] = heap_mb(context, page)
    context.close()
    return dict(out)


def interactions(page: Any, n: int, k: int) -> dict[str, float]:
    """Run ``k`` (from 0): a search + Enter, a click on a drawn stakeholder, a filter change."""
    out = {"search": page.evaluate(SEARCH, f"Stakeholder {(n // 2 + 7919 * k) % n}")}
    spot = page.evaluate(CLICK, k)
    page.evaluate("() => { window.__clickAt = performance.now(); }")
    page.mouse.click(spot["x"], spot["y"])
    out["click"] = page.evaluate(AFTER_CLICK)
    chosen = page.evaluate("() => document.querySelector('#details-body h3')?.textContent")
    out["clicked_ok"] = float(chosen is not None)
    out["filter"] = page.evaluate(FILTER)  # switches the first role off, then on again, …
    return out


def time_sysmap(browser: Any, paths: dict[str, Path], n: int, runs: int) -> dict[str, Any]:
    """Each page's load figures, then ``runs`` rounds of interactions, the pages
    taking turns (and swapping who goes first) so that load on the machine
    falls on each alike."""
    opened, out = {}, {}
    for label, path in paths.items():  # each page loads alone: times to first frame and idle
        context, page = opened[label] = open_page(browser, path)
        out[label] = dict(page.evaluate(TIMES))
        out[label]["heap"] = heap_mb(context, page)
    labels = list(paths)
    for k in range(runs):
        for label in labels if k % 2 == 0 else labels[::-1]:
            for key, value in interactions(opened[label][1], n, k).items():
                out[label].setdefault(key, []).append(value)
    for context, _ in opened.values():
        context.close()
    return out


def baseline_page(page: str, js: str) -> str:
    """The page with sysmap's map script swapped for ``js`` (an earlier map.js)."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    own = resources.files("sysmap").joinpath("templates", "map.js").read_text(encoding="utf-8")
    assert page.count(own) == 1, "the page does not hold this checkout's map.js"
    return page.replace(own, js)


def spread(values: list[float]) -> str:
    """Median (min–max) of the runs."""
    if len(values) == 1:
        return f"{values[0]:.0f}"
    return f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--sigma", action="store_true", help="also time the sigma.js floor")
    parser.add_argument("--json", type=Path, help="also write the figures here as JSON")
    parser.add_argument(
        "--runs", type=int, default=5, help="searches, clicks and filter changes per page"
    )
    parser.add_argument(
        "--baseline-js",
        type=Path,
        help="also time the page with this map.js instead (e.g. an earlier commit's, from "
        "git show REV:src/sysmap/templates/map.js), taking turns with the current one",
    )
    args = parser.parse_args(argv)
    baseline = args.baseline_js.read_text(encoding="utf-8") if args.baseline_js else None

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
            text = out.read_text(encoding="utf-8")
            floor = folder / f"floor-{n}.html"
            floor.write_text(floor_page(text), encoding="utf-8")
            pages = {"sysmap": out}
            if baseline is not None:
                pages["baseline"] = folder / f"baseline-{n}.html"
                pages["baseline"].write_text(baseline_page(text, baseline), encoding="utf-8")
            row: dict[str, Any] = {
                "n": n,
                "relationships": len(m.relationships),
                "export_s": export_s,
                "file_mb": out.stat().st_size / 1e6,
                **time_sysmap(browser, pages, n, args.runs),
                "floor": time_floor(browser, floor),
            }
            if args.sigma:
                sig = folder / f"sigma-{n}.html"
                sig.write_text(sigma_page(text), encoding="utf-8")
                row["sigma"] = time_floor(browser, sig)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr, flush=True)
        browser.close()
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")

    headers = ["stakeholders", "export s", "file MB", "first frame ms (floor, ×)"]
    headers += ["idle ms (floor, ×)", "search ms", "click ms", "filter ms", "heap MB"]
    if baseline is not None:
        headers += ["baseline search ms", "baseline click ms", "baseline filter ms"]
    if args.sigma:
        headers += ["sigma floor first / idle ms", "sigma heap MB"]
    table = []
    for r in rows:
        s, f = r["sysmap"], r["floor"]
        line = [
            f"{r['n']:,}",
            f"{r['export_s']:.1f}",
            f"{r['file_mb']:.1f}",
            f"{s['first']:.0f} ({f['first']:.0f}, {s['first'] / f['first']:.2f})",
            f"{s['idle']:.0f} ({f['idle']:.0f}, {s['idle'] / f['idle']:.2f})",
            spread(s["search"]),
            spread(s["click"]),
            spread(s["filter"]),
            f"{s['heap']:.0f} (floor {f['heap']:.0f})",
        ]
        if baseline is not None:
            line += [spread(r["baseline"][k]) for k in ("search", "click", "filter")]
        if args.sigma:
            g = r["sigma"]
            line += [f"{g['first']:.0f} / {g['idle']:.0f}", f"{g['heap']:.0f}"]
        table.append(line)
    widths = [max(len(h), *(len(row[i]) for row in table)) for i, h in enumerate(headers)]
    print("  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True)))
    for line in table:
        print("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
