"""Benchmark a live workshop under load, and a crash in the middle of it.

A real server (``sysmap workshop``, uvicorn, a helper process for the file
edits) runs on a copy of ``examples/homelessness-current.yaml`` (the
commented example: 55 stakeholders, 135 relationships). ``--participants``
simulated participants (50) join over HTTP and hold a websocket each; each
sends a contribution every ``--every`` seconds (2) for ``--seconds`` (120),
their starts spread over the first interval. The mix: 10% new stakeholders,
30% new relationships, 45% confirmations of a relationship on the map, 15%
marks of one as weak. Every contribution carries a unique token (in its name
or note) so it can be found in the file afterwards. A simulated facilitator
accepts every proposal as soon as it appears in the queue (except in the 3
seconds before the crash, so that the queue is full when the server dies).

Halfway through, the server's process group is killed with SIGKILL and the
same command is started again; participants and the facilitator reconnect
with the secrets they had. Afterwards the script checks:

- every contribution acknowledged by the server is in the file exactly once
  (none lost, none duplicated) — whether it was accepted before or after the
  crash;
- the queue came back: every proposal pending at the kill was in the queue
  the restarted server sent;
- the file is valid and still has every comment line of the original;

and prints the time from a participant sending a proposal to the
facilitator's page receiving the map with it (the facilitator's accept
included), p50 / p95 / max, over all contributions and without those sent in
the 10 seconds around the crash.

Usage::

    python benchmarks/bench_workshop.py                  # 50 people, 120 s, kill at 60 s
    python benchmarks/bench_workshop.py --seconds 30 --participants 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "homelessness-current.yaml"


class Server:
    """``sysmap workshop`` in its own process group."""

    def __init__(self, map_file: Path, port: int) -> None:
        self.map_file, self.port = map_file, port
        self.proc: subprocess.Popen[str] | None = None
        self.token = self.code = ""

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        cmd = [
            sys.executable,
            "-m",
            "sysmap",
            "workshop",
            str(self.map_file),
            "--port",
            str(self.port),
        ]
        self.proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            start_new_session=True,
        )
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if m := re.search(r"/f/(\S+)", line):
                self.token = m.group(1)
            if m := re.search(r"code (\w+)", line):
                self.code = m.group(1)
                return
        raise SystemExit("the workshop server did not start:\n" + (self.proc.stdout.read() or ""))

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def wait(self, timeout: float = 60) -> None:
        assert self.proc is not None
        self.proc.wait(timeout=timeout)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def join(server: Server, group: str) -> dict[str, Any]:
    body = json.dumps({"code": server.code, "name": "", "group": group}).encode()
    req = urllib.request.Request(
        server.base + "/join", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req) as r:
        return dict(json.loads(r.read()))


class Run:
    def __init__(
        self, server: Server, args: argparse.Namespace, nodes: list[str], edges: list[str]
    ) -> None:
        self.server, self.args, self.nodes, self.edges = server, args, nodes, edges
        self.sent: dict[str, float] = {}  # token -> time sent
        self.acked: dict[str, str] = {}  # cid -> token
        self.applied: dict[str, float] = {}  # cid -> time on the facilitator's map
        self.accepting: set[str] = set()
        self.down = asyncio.Event()
        self.up = asyncio.Event()
        self.up.set()
        self.kill_at = 0.0
        self.pending_at_kill: set[str] = set()
        self.queue_after: set[str] = set()
        self.restarted = False
        self.stop = False
        self.hold = False  # the facilitator is busy: proposals wait in the queue
        self.journalled = self.accepted = 0

    async def live(
        self,
        hello: dict[str, Any],
        on_message: Any,
        outbox: asyncio.Queue[Any],
        skip_maps: bool = False,
    ) -> None:
        """One websocket that reconnects (same hello) after the crash."""
        url = self.server.base.replace("http", "ws") + "/ws"
        while not self.stop:
            await self.up.wait()
            try:
                async with connect(url, max_size=None) as ws:
                    await ws.send(json.dumps(hello))

                    async def pump() -> None:
                        while True:
                            await ws.send(json.dumps(await outbox.get()))

                    sender = asyncio.create_task(pump())
                    try:
                        async for raw in ws:
                            if skip_maps and raw.startswith('{"type": "map"'):
                                continue  # a phone's map: not measured, not parsed
                            await on_message(json.loads(raw), outbox)
                    finally:
                        sender.cancel()
            except (OSError, Exception):  # noqa: BLE001 - the server went away: try again
                await asyncio.sleep(0.2)

    async def facilitator(self) -> None:
        outbox: asyncio.Queue[Any] = asyncio.Queue()

        async def on_message(msg: dict[str, Any], out: asyncio.Queue[Any]) -> None:
            t = time.monotonic()
            if msg["type"] == "queue":
                ids = {item["cid"] for item in msg["items"]}
                if self.restarted and not self.queue_after:
                    self.queue_after = ids | {"(none)"}
                if self.hold:
                    return
                for cid in ids - self.accepting:
                    self.accepting.add(cid)
                    await out.put({"type": "accept", "cid": cid, "edits": {}})
            elif msg["type"] in ("map", "map_delta"):
                for cid in msg.get("applied", []):
                    self.applied.setdefault(cid, t)

        await self.live({"type": "hello", "token": self.server.token}, on_message, outbox)

    async def participant(self, i: int, who: dict[str, Any]) -> None:
        outbox: asyncio.Queue[Any] = asyncio.Queue()
        waiting: list[str] = []

        async def on_message(msg: dict[str, Any], out: asyncio.Queue[Any]) -> None:
            if msg["type"] == "welcome":
                waiting.clear()  # (re)connected: replies to what was in flight are lost
            elif msg["type"] == "ok" and "cid" in msg and waiting:
                self.acked[msg["cid"]] = waiting.pop(0)
            elif msg["type"] == "error" and waiting:
                waiting.pop(0)

        task = asyncio.create_task(
            self.live({"type": "hello", **who}, on_message, outbox, skip_maps=True)
        )
        rng = random.Random(i)
        await asyncio.sleep(self.args.every * i / self.args.participants)
        end = self.t0 + self.args.seconds
        k = 0
        while time.monotonic() < end:
            if self.up.is_set() and outbox.empty():
                token = f"bench-{i}-{k}"
                waiting.append(token)
                self.sent[token] = time.monotonic()
                await outbox.put(self.proposal(rng, token))
                k += 1
            await asyncio.sleep(self.args.every)
        await asyncio.sleep(3)
        task.cancel()

    def proposal(self, rng: random.Random, token: str) -> dict[str, Any]:
        roll = rng.random()
        if roll < 0.10:
            return {
                "type": "add_stakeholder",
                "name": f"Person {token}",
                "role": "beneficiary",
                "note": token,
            }
        if roll < 0.40:
            a, b = rng.sample(self.nodes, 2)
            return {
                "type": "add_relationship",
                "from": a,
                "to": b,
                "kind": "collaborates",
                "note": token,
            }
        edge = rng.choice(self.edges)
        if roll < 0.85:
            return {"type": "confirm_relationship", "edge": edge, "note": token}
        return {"type": "mark_relationship", "edge": edge, "status": "weak", "note": token}

    def unseen(self) -> set[str]:
        return self.pending_at_kill - self.queue_after if self.queue_after else set()

    async def crash(self) -> None:
        # the facilitator stops accepting 3 s before the kill, so that the
        # queue holds proposals when the server dies
        await asyncio.sleep(self.args.seconds / 2 - 3)
        self.hold = True
        await asyncio.sleep(3)
        self.up.clear()
        self.kill_at = time.monotonic()
        self.pending_at_kill = {c for c in self.acked if c not in self.applied}
        await asyncio.to_thread(self.server.kill)
        await asyncio.to_thread(self.server.start)
        self.restarted = True
        self.hold = False
        self.up.set()

    async def main(self, people: list[dict[str, Any]]) -> None:
        self.t0 = time.monotonic()
        tasks = [asyncio.create_task(self.facilitator())]
        if not self.args.no_kill:
            tasks.append(asyncio.create_task(self.crash()))
        await asyncio.gather(*(self.participant(i, who) for i, who in enumerate(people)))
        deadline = time.monotonic() + 120
        # accepted just before the kill, their map message lost with the server:
        # not in the restarted queue; the file check below finds them
        while set(self.acked) - set(self.applied) - self.unseen() and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        self.stop = True
        for t in tasks:
            t.cancel()


def percentiles(values: list[float]) -> str:
    if not values:
        return "no values"
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(0.95 * len(values)))]
    return (
        f"n={len(values)}  p50 {statistics.median(values) * 1000:.0f} ms  "
        f"p95 {p95 * 1000:.0f} ms  max {values[-1] * 1000:.0f} ms"
    )


def end_session(server: Server) -> None:
    async def go() -> None:
        async with connect(server.base.replace("http", "ws") + "/ws") as ws:
            await ws.send(json.dumps({"type": "hello", "token": server.token}))
            await ws.send(json.dumps({"type": "end"}))
            async for raw in ws:
                if json.loads(raw)["type"] == "ended":
                    return

    asyncio.run(go())
    server.wait()


def check(run: Run, map_file: Path, original: str) -> list[str]:
    from sysmap.validate import load_map, validate_file

    problems = []
    report = validate_file(map_file)
    if not report.ok:
        problems.append(f"the file is not valid: {report.errors[:3]}")
    text = map_file.read_text()
    for line in original.splitlines():
        if line.strip().startswith("#") and line.strip() not in text:
            problems.append(f"a comment line is gone: {line.strip()}")
            break
    m = load_map(map_file)
    found: dict[str, int] = {}
    for s in m.stakeholders:
        if s.name.startswith("Person bench-"):
            found[s.name.removeprefix("Person ")] = found.get(s.name.removeprefix("Person "), 0) + 1
    for r in m.relationships:
        for e in r.evidence:
            if e.note and e.note.startswith("bench-"):
                found[e.note] = found.get(e.note, 0) + 1
    # what the server took in and accepted, from its journal (the client may miss
    # the acknowledgement of a proposal sent as the server was killed)
    from sysmap.workshop.session import replay

    state = replay(map_file.parent / "riverton.workshop" / "journal.jsonl")
    token = {c.cid: str(c.payload.get("note")) for c in state.contributions.values()}
    accepted = {token[c.cid] for c in state.contributions.values() if c.status == "accepted"}
    not_accepted = [c.cid for c in state.contributions.values() if c.status != "accepted"]
    lost = [t for t in accepted if found.get(t, 0) == 0]
    twice = [t for t, n in found.items() if n > 1]
    stray = [t for t in found if t not in accepted]
    unjournalled = [t for t in run.acked.values() if t not in set(token.values())]
    for what, items in (
        ("accepted contributions are not in the file", lost),
        ("contributions are in the file more than once", twice),
        ("contributions in the file were never accepted", stray),
        ("acknowledged proposals are not in the journal", unjournalled),
        ("proposals were not accepted by the end", not_accepted),
    ):
        if items:
            problems.append(f"{len(items)} {what}, e.g. {items[:5]}")
    run.journalled, run.accepted = len(token), len(accepted)
    back = run.pending_at_kill & run.queue_after
    gone = [c for c in run.pending_at_kill - back if state.contributions[c].status != "accepted"]
    if gone:
        problems.append(
            f"{len(gone)} proposals pending at the kill neither came back nor were accepted: {gone[:5]}"
        )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--no-kill", action="store_true", help="do not crash the server halfway")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="sysmap-bench-workshop-"))
    map_file = folder / "riverton.yaml"
    shutil.copy(EXAMPLE, map_file)
    original = map_file.read_text()
    from sysmap.validate import load_map
    from sysmap.workshop.views import map_view

    view = map_view(load_map(map_file).model_dump(by_alias=True, mode="json"))
    nodes = [n["id"] for n in view["nodes"] if n["role"] != "factor"]
    edges = [e["key"] for e in view["edges"] if e["kind"] != "influences"]
    server = Server(map_file, args.port)
    server.start()
    groups = ["beneficiary", "provider", "leader", "lewg"]
    people = [join(server, groups[i % len(groups)]) for i in range(args.participants)]
    run = Run(server, args, nodes, edges)
    cpu0 = os.times()
    started = time.monotonic()
    asyncio.run(run.main(people))
    wall = time.monotonic() - started
    end_session(server)
    cpu = os.times()
    problems = check(run, map_file, original)

    latencies = {c: run.applied[c] - run.sent[t] for c, t in run.acked.items() if c in run.applied}
    calm = [
        v
        for c, v in latencies.items()
        if not (run.kill_at and abs(run.sent[run.acked[c]] - run.kill_at) < 5)
    ]
    print(
        f"sysmap workshop under load: {args.participants} participants, one contribution each every "
        f"{args.every:g} s for {args.seconds:g} s, the facilitator accepting all; map {EXAMPLE.name}"
    )
    print(
        f"  contributions sent {len(run.sent)}, acknowledged {len(run.acked)}, on the facilitator's map {len(run.applied)}"
    )
    if not args.no_kill:
        print(
            f"  SIGKILL at {run.kill_at - run.t0:.0f} s: {len(run.pending_at_kill)} acknowledged but not yet "
            f"on the map at the kill: {len(run.pending_at_kill & run.queue_after)} came back in the restarted "
            f"server's queue, {len(run.unseen())} had been accepted just before it"
        )
    print(
        f"  proposal -> facilitator's map, all:            {percentiles(list(latencies.values()))}"
    )
    print(f"  proposal -> facilitator's map, away from crash: {percentiles(calm)}")
    print(
        f"  wall {wall:.0f} s; CPU of this client {cpu.user + cpu.system - cpu0.user - cpu0.system:.0f} s, "
        f"of the servers {cpu.children_user + cpu.children_system - cpu0.children_user - cpu0.children_system:.0f} s"
    )
    print(
        f"  load average of the machine (other work included) over the last 5 minutes: {os.getloadavg()[1]:.1f}"
    )
    print(f"  file: {map_file} ({len(map_file.read_text().splitlines())} lines)")
    if problems:
        print("PROBLEMS:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(
        f"  the journal holds {run.journalled} proposals, {run.accepted} accepted: each is in the file "
        "exactly once, every acknowledged one among them; the file is valid, comments kept"
    )


if __name__ == "__main__":
    main()
