"""The workshop's heart: one session, one map file, everyone connected.

:class:`Workshop` holds the session (rebuilt from its journal), the map as
the room sees it (the file plus accepted changes not yet written), and the
connections. Everything that changes the session runs on the server's one
event loop, in the order it arrives; accepted changes reach the file through
one writer task, several at a time (:mod:`sysmap.workshop.filemap`), and a
watcher notices edits made outside (``sysmap add …`` in a terminal).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import secrets
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any

from sysmap.errors import EditError, MapInvalid, SysmapError, WorkshopError
from sysmap.mapfile import detect_format, parse_text, read_text
from sysmap.storage import write_atomic
from sysmap.validate import validate_text
from sysmap.workshop import protocol as p
from sysmap.workshop.contributions import EDITABLE, describe, plan_steps
from sysmap.workshop.filemap import text_hash, write_edit
from sysmap.workshop.session import Journal, SessionState, apply_event, now, replay
from sysmap.workshop.steps import apply_step, find_relationship, inverse
from sysmap.workshop.summary import SessionSummary, summarize
from sysmap.workshop.views import (
    edge_key,
    edge_view,
    element_name,
    groups_of,
    map_view,
    node_view,
    participant_view,
    resolve_edge,
    stage_info,
)

__all__ = ["Workshop", "session_folder", "CODE_ALPHABET", "CODE_LENGTH"]

#: Join codes use letters and digits that cannot be mistaken for each other.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
#: 31 ** 6 ≈ 887 million codes; with the join limit below, guessing is hopeless.
CODE_LENGTH = 6
#: Wrong join codes allowed per address per minute, and from everyone per minute.
JOIN_TRIES_PER_ADDRESS = 5
JOIN_TRIES_ALL = 60
#: A participant may send this many messages at once, then one a second.
BURST, PER_SECOND = 10, 1.0
#: The facilitator's map, queue and status go out at most this often (seconds),
#: the participants' map at most this often: many changes at once go together.
FACILITATOR_EVERY = 0.2
PARTICIPANT_MAP_EVERY = 1.0


def session_folder(map_file: str | os.PathLike[str]) -> Path:
    """Where a map's workshop keeps its journal, its copy of the map at the
    start and its summary: ``riverton.yaml`` → ``riverton.workshop/``."""
    path = Path(map_file)
    return path.with_name(path.stem + ".workshop")


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _hash(secret: str) -> str:
    return sha256(secret.encode()).hexdigest()


@dataclass
class Client:
    """One open page."""

    ws: Any
    role: str  # facilitator or participant
    pid: str = ""
    tokens: float = BURST
    last: float = field(default_factory=time.monotonic)
    outbox: dict[str, str] = field(default_factory=dict)  # newest message of each kind
    sending: bool = False

    def allow(self) -> bool:
        """Take one message from this client's allowance (a token bucket)."""
        t = time.monotonic()
        self.tokens = min(BURST, self.tokens + (t - self.last) * PER_SECOND)
        self.last = t
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class Workshop:
    """A live workshop on one map file.

    Parameters
    ----------
    map_file : the map (YAML or JSON); it stays the truth
    accept_directly : write proposals without the facilitator's review
    show_sensitive : show sensitive stakeholders to participants unredacted
    names_in_map : write participants' display names into evidence notes
    summary : also write the session summary here when the session ends
    executor : where the file edits are computed (a process pool keeps the
        server responsive on big maps); default: a thread
    """

    def __init__(
        self,
        map_file: str | os.PathLike[str],
        *,
        accept_directly: bool = False,
        show_sensitive: bool = False,
        names_in_map: bool = False,
        summary: str | os.PathLike[str] | None = None,
        executor: Executor | None = None,
    ) -> None:
        self.path = Path(map_file)
        self.folder = session_folder(map_file)
        self.summary_file = Path(summary) if summary else None
        self.executor = executor
        self.options = {
            "accept_directly": accept_directly,
            "show_sensitive": show_sensitive,
            "names_in_map": names_in_map,
        }
        self.state = SessionState()
        self.journal: Journal | None = None
        self.data: dict[str, Any] = {}
        self.clients: dict[int, Client] = {}
        self.base_url = "http://127.0.0.1"
        self.file_problem = ""
        self.on_end: Callable[[], None] | None = None
        self._back: dict[str, str] = {}
        self._shown_names: dict[str, Any] = {}  # the names participants see, by id
        self._maps: dict[str, str] = {}
        self._applied: list[str] = []
        self._dirty: set[str] = set()
        self._mine: set[str] = set()
        self._changed = asyncio.Event()
        self._to_write = asyncio.Event()
        self._writing = False
        self._last_hash = ""
        self._signature: tuple[int, int, int] | None = None
        self._sent_at: dict[str, float] = {}
        self._delta: dict[str, Any] = {"nodes": {}, "edges": {}, "loops": False}
        self._whole_map = True
        self._build_time: dict[str, float] = {}
        self._pushing: set[asyncio.Task[Any]] = set()
        self._tries: dict[str, list[float]] = {}
        self._tasks: list[asyncio.Task[Any]] = []
        self.version = 0

    # ------------------------------------------------------------ session life

    @property
    def facilitator_url(self) -> str:
        """The facilitator's address (keep it to yourself: it holds the token)."""
        return f"{self.base_url}/f/{self.state.token}"

    @property
    def join_url(self) -> str:
        """The address participants open (it holds the join code)."""
        return f"{self.base_url}/?code={self.state.code}" if self.state.code else self.base_url

    def open(self) -> None:
        """Start or resume the session: read the map and the journal.

        Raises
        ------
        MapInvalid
            The map has problems; the workshop starts only on a valid map.
        """
        text = read_text(self.path)
        fmt = detect_format(self.path, text)
        report = validate_text(text, fmt, str(self.path))
        if not report.ok:
            raise MapInvalid(report.problems)
        self.folder.mkdir(exist_ok=True)
        journal = self.folder / "journal.jsonl"
        if journal.exists():
            self.state = replay(journal)
            if self.state.ended:
                stamp = self.state.session or "old"
                journal.rename(self.folder / f"journal-{stamp}.jsonl")
                self.state = SessionState()
        self.journal = Journal(journal)
        if not self.state.session:
            write_atomic(self.folder / f"before{self.path.suffix}", text)
            self.record(
                {
                    "e": "start",
                    "session": secrets.token_hex(4),
                    "token": secrets.token_urlsafe(32),
                    "code": _new_code(),
                    "map_file": str(self.path),
                    "started_at": now(),
                    "settings": self.options,
                }
            )
        elif self.state.writing and text_hash(text) == self.state.writing["after"]:
            self.record({"e": "written", "jobs": self.state.writing["jobs"]})
        self._load(text, fmt)
        self._to_write.set()

    def _load(self, text: str, fmt: str) -> None:
        """The room's map: the file's data plus every change not yet written."""
        data = parse_text(text, fmt, str(self.path))  # type: ignore[arg-type]
        for _job, steps in self.state.pending:
            for step in steps:
                with contextlib.suppress(EditError):
                    apply_step(data, step)
        self.data = data
        self._whole_map = True
        self._last_hash = text_hash(text)
        self._signature = self._stat()
        self._touch("map", "status", "queue")

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def record(self, event: dict[str, Any]) -> None:
        """Journal an event (on disk first), then let it take effect."""
        assert self.journal is not None
        self.journal.append(event)
        apply_event(self.state, event)

    async def start(self) -> None:
        """Open the session and start the writer, the watcher and the broadcaster."""
        if self.journal is None:
            await asyncio.to_thread(self.open)
        for job in (self._writer(), self._watcher(), self._broadcaster()):
            self._tasks.append(asyncio.create_task(job))

    async def stop(self) -> None:
        """Write what is accepted, stop the tasks, close the journal."""
        await self.flush()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        if self.journal is not None:
            self.journal.close()

    async def flush(self, timeout: float = 60.0) -> None:
        """Wait until every accepted change is in the file (or ``timeout``)."""
        end = time.monotonic() + timeout
        while (self.state.pending or self._writing) and time.monotonic() < end:
            if self.file_problem and not self._writing:
                return
            self._to_write.set()
            await asyncio.sleep(0.05)

    def summary(self) -> SessionSummary:
        """The session summary so far (see :func:`sysmap.workshop.summarize`)."""
        return summarize(self.state, self.folder / f"before{self.path.suffix}")

    async def end(self) -> SessionSummary:
        """End the session: no more joining, everything written, summary saved."""
        if not self.state.ended:
            self.record({"e": "end", "at": now()})
        await self.flush()
        result = self.summary()
        text = result.format_markdown() + "\n"
        write_atomic(self.folder / "summary.md", text)
        if self.summary_file is not None:
            write_atomic(self.summary_file, text)
        message = json.dumps({"type": "ended", "summary": result.format_text()})
        await asyncio.gather(*(self._send(c, message) for c in list(self.clients.values())))
        if self.on_end is not None:
            self.on_end()
        return result

    # ------------------------------------------------------------ joining

    def join(self, body: Any, address: str) -> dict[str, Any]:
        """Let someone in with the join code; returns their id and secret.

        Raises
        ------
        WorkshopError
            A wrong or revoked code, too many tries, the session over, an
            unknown group.
        """
        t = time.monotonic()
        tries = [x for x in self._tries.get(address, []) if t - x < 60]
        everyone = sum(1 for xs in self._tries.values() for x in xs if t - x < 60)
        if len(tries) >= JOIN_TRIES_PER_ADDRESS or everyone >= JOIN_TRIES_ALL:
            raise WorkshopError(
                "too many wrong codes — wait a minute, then try again", code="too-many-tries"
            )
        try:
            req = p.JoinRequest.model_validate(body)
        except Exception:  # noqa: BLE001 - any bad body gets the same answer
            raise WorkshopError(
                "give the join code, a group and (if you like) a name", code="bad-request"
            ) from None
        code = req.code.strip().upper().replace(" ", "")
        if (
            self.state.ended
            or not self.state.code
            or not secrets.compare_digest(code, self.state.code)
        ):
            self._tries[address] = [*tries, t]
            raise WorkshopError(
                "that join code is not right (or it was replaced) — ask the facilitator",
                code="wrong-code",
            )
        groups = groups_of(self.data)
        if req.group not in groups:
            raise WorkshopError("choose one of the groups offered", code="unknown-group")
        pid, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
        self.record(
            {
                "e": "join",
                "pid": pid,
                "secret_hash": _hash(secret),
                "name": req.name,
                "group": req.group,
                "at": now(),
            }
        )
        self._touch("status")
        return {"pid": pid, "secret": secret, "session": self.state.session}

    def check_facilitator(self, token: str) -> bool:
        return bool(self.state.token) and secrets.compare_digest(
            token.encode(), self.state.token.encode()
        )

    def check_participant(self, pid: str, secret: str) -> bool:
        person = self.state.participants.get(pid)
        return person is not None and secrets.compare_digest(_hash(secret), person.secret_hash)

    # ------------------------------------------------------------ proposals

    def _real(self, ident: str) -> str:
        return self._back.get(ident, ident)

    def _real_key(self, key: str) -> str:
        ends, _, n = key.rpartition("#")
        pair, _, kind = ends.rpartition(":")
        source, _, target = pair.partition("->")
        return f"{self._real(source)}->{self._real(target)}:{kind}#{n}"

    def propose(self, pid: str, msg: Any) -> str:
        """Take a participant's proposal into the queue (or the map, when
        proposals are accepted directly); returns its id."""
        person = self.state.participants[pid]
        payload = msg.model_dump(by_alias=True)
        seen = dict(payload)  # as the participant saw it (sensitive people redacted)
        m = self.data
        if payload["type"] == "add_relationship":
            payload["from"], payload["to"] = self._real(payload["from"]), self._real(payload["to"])
        elif payload["type"] == "add_loop":
            payload["path"] = [self._real(x) for x in payload["path"]]
        elif payload["type"] in ("confirm_relationship", "mark_relationship"):
            payload["edge"] = self._real_key(payload["edge"])
            shown = resolve_edge(m, payload["edge"])
            if shown is None:
                raise WorkshopError("that relationship is no longer on the map", code="not-on-map")
            payload["shown"] = {k: shown[k] for k in ("from", "to", "kind") if k in shown}
            ends, _, _n = seen["edge"].rpartition("#")
            pair, _, kind = ends.rpartition(":")
            source, _, target = pair.partition("->")
            seen["shown"] = {"from": source, "to": target, "kind": kind}
        cid = f"c{len(self.state.contributions) + 1}"
        self.record(
            {
                "e": "propose",
                "cid": cid,
                "pid": pid,
                "group": person.group,
                "kind": payload["type"],
                "payload": payload,
                "label": describe(payload, m),
                "shown_label": describe(seen, self._shown_names) if self._back else None,
                "at": now(),
            }
        )
        self._mine.add(pid)
        self._touch("queue")
        if self.state.settings.get("accept_directly"):
            with contextlib.suppress(SysmapError):
                self.accept(cid)
        return cid

    def answer(self, pid: str, msg: p.Answer) -> None:
        person = self.state.participants[pid]
        ev = {"e": "answer", "pid": pid, "group": person.group, "stage": msg.stage}
        self.record({**ev, "question": msg.question, "text": msg.text, "at": now()})
        self._touch("queue")

    # ------------------------------------------------------------ decisions

    def _pending(self, cid: str) -> Any:
        c = self.state.contributions.get(cid)
        if c is None or c.status != "pending":
            raise WorkshopError(
                f"'{cid[:40]}' is not waiting in the queue (decided already?)", code="not-in-queue"
            )
        return c

    def _apply(self, steps: list[Any]) -> None:
        for step in steps:
            apply_step(self.data, step)
            self._note_change(step)
        self._touch("map", "queue", "status")
        self._to_write.set()

    def _note_change(self, step: dict[str, Any]) -> None:
        """Keep what a step changed, so the projected map gets only that."""
        op, delta = step["op"], self._delta
        if op == "add_stakeholder":
            delta["nodes"][step["item"]["id"]] = node_view(step["item"])
            return
        if op in ("add_relationship", "add_evidence"):
            rels = self.data["relationships"]
            index = len(rels) - 1
            if op == "add_evidence":
                found = find_relationship(self.data, step["match"])
                index = index if found is None else found
            key = edge_key(self.data, index)
            delta["edges"][key] = edge_view(key, rels[index])
            return
        if op == "add_loop":
            delta["loops"] = True
            return
        self._whole_map = True  # something went: draw it all again

    def accept(self, cid: str, edits: dict[str, Any] | None = None) -> None:
        """Accept a proposal (with the facilitator's corrections, if any).

        Raises
        ------
        WorkshopError, EditError
            Not in the queue, a field that cannot be corrected, or the
            proposal does not fit the map; it stays in the queue.
        """
        c = self._pending(cid)
        edits = {k: v for k, v in (edits or {}).items() if v not in (None, "")}
        allowed = EDITABLE[c.kind]
        wrong = [k for k in edits if k not in allowed]
        if wrong:
            raise WorkshopError(
                f"'{wrong[0]}' cannot be changed here — change {', '.join(allowed)}",
                code="not-editable",
            )
        payload = {**c.payload, **edits}
        for key in ("strength", "trust"):
            if isinstance(payload.get(key), str) and payload[key].isdigit():
                payload[key] = int(payload[key])
        person = self.state.participants[c.pid]
        steps = plan_steps(
            payload,
            self.data,
            c.group,
            person.name,
            self.state.settings["names_in_map"],
        )
        self._apply(steps)
        self.record({"e": "accept", "cid": cid, "steps": steps, "payload": payload, "at": now()})
        self._applied.append(cid)
        self._mine.add(c.pid)

    def reject(self, cid: str, reason: str = "") -> None:
        c = self._pending(cid)
        self.record({"e": "reject", "cid": cid, "reason": reason, "at": now()})
        self._mine.add(c.pid)
        self._touch("queue")

    def merge(self, cid: str, into: str) -> None:
        """Merge a proposal into what is on the map.

        A proposed stakeholder merged into a stakeholder id adds nothing; a
        proposed relationship merged into a relationship (its key) becomes a
        confirmation of it, with the proposer's evidence.
        """
        c = self._pending(cid)
        person = self.state.participants[c.pid]
        if c.kind == "add_stakeholder":
            if element_name(self.data, into) is None:
                raise WorkshopError(
                    f"'{into[:60]}' is not on the map — give a stakeholder id", code="not-on-map"
                )
            steps: list[Any] = []
        elif c.kind == "add_relationship":
            confirm = {
                "type": "confirm_relationship",
                "edge": into,
                "note": c.payload.get("note", ""),
            }
            confirm.update({k: c.payload.get(k) for k in ("strength", "trust")})
            steps = plan_steps(
                confirm, self.data, c.group, person.name, self.state.settings["names_in_map"]
            )
        else:
            raise WorkshopError(
                "merge a new stakeholder or relationship; accept or reject the others",
                code="cannot-merge",
            )
        if steps:
            self._apply(steps)
            self._applied.append(cid)
        self.record(
            {"e": "merge", "cid": cid, "steps": steps, "reason": f"same as {into}", "at": now()}
        )
        self._mine.add(c.pid)
        self._touch("queue")

    def undo(self) -> str:
        """Undo the last accepted change; returns what was undone.

        Raises
        ------
        WorkshopError
            Nothing to undo, or the change cannot be taken back any more.
        """
        if not self.state.accepted:
            raise WorkshopError("nothing to undo", code="nothing-to-undo")
        c = self.state.contributions[self.state.accepted[-1]]
        steps = [inverse(s) for s in reversed(c.steps)]
        try:
            self._apply(steps)
        except EditError as exc:
            raise WorkshopError(f"cannot undo “{c.label}”: {exc}", code="cannot-undo") from None
        self.record({"e": "undo", "cid": c.cid, "steps": steps, "at": now()})
        self._mine.add(c.pid)
        return c.label

    def settings(self, msg: p.Settings) -> None:
        changes = {k: v for k, v in msg.model_dump().items() if k != "type" and v is not None}
        self.record({"e": "settings", "settings": changes})
        self._touch("map", "status")

    def revoke_code(self) -> str:
        """Replace the join code; the old one stops working at once."""
        self.record({"e": "code", "code": _new_code()})
        self._touch("status")
        return self.state.code

    def set_stage(self, stage: str) -> None:
        self.record({"e": "stage", "stage": stage})
        self._touch("stage", "status")

    # ------------------------------------------------------------ the file

    async def _writer(self) -> None:
        while True:
            await self._to_write.wait()
            self._to_write.clear()
            jobs = list(self.state.pending)
            if not jobs:
                continue
            self._writing = True
            ids = [j for j, _ in jobs]

            def journal(digest: str, ids: list[str] = ids) -> None:
                self.record({"e": "writing", "jobs": ids, "after": digest})

            try:
                digest, failed = await asyncio.to_thread(
                    write_edit, self.path, jobs, before_write=journal, executor=self.executor
                )
            except SysmapError as exc:
                self.file_problem = str(exc)
                self._touch("status")
                self._writing = False
                await asyncio.sleep(1.0)
                self._to_write.set()
                continue
            self.file_problem = ""
            self._last_hash, self._signature = digest, self._stat()
            for job, reason in failed.items():
                self.record({"e": "fail", "job": job, "reason": reason})
            self.record({"e": "written", "jobs": [j for j, _ in jobs if j not in failed]})
            if failed:
                self._load(read_text(self.path), detect_format(self.path))
            self._writing = False
            self._touch("status", "queue")

    async def _watcher(self) -> None:
        while True:
            await asyncio.sleep(0.3)
            if self._writing:
                continue
            sig = self._stat()
            if sig is None or sig == self._signature:
                continue
            self._signature = sig
            try:
                text = read_text(self.path)
            except SysmapError as exc:
                self.file_problem = str(exc)
                self._touch("status")
                continue
            if text_hash(text) == self._last_hash:
                continue
            fmt = detect_format(self.path, text)
            report = validate_text(text, fmt, str(self.path))
            if not report.ok:
                self.file_problem = "the map file has problems (sysmap validate): " + "; ".join(
                    x.format() for x in report.errors[:3]
                )
                self._touch("status")
                continue
            self.file_problem = ""
            self.record({"e": "external"})
            self._load(text, fmt)

    # ------------------------------------------------------------ what pages see

    def _touch(self, *what: str) -> None:
        self._dirty.update(what)
        if "map" in what:
            self.version += 1
        self._changed.set()

    def status(self) -> dict[str, Any]:
        online = {c.pid for c in self.clients.values() if c.role == "participant"}
        by_group: dict[str, int] = {}
        for person in self.state.participants.values():
            by_group[person.group] = by_group.get(person.group, 0) + 1
        return {
            "type": "status",
            "online": len(online),
            "joined": len(self.state.participants),
            "by_group": by_group,
            "settings": self.state.settings,
            "code": self.state.code,
            "join_url": self.join_url,
            "unwritten": len(self.state.pending),
            "file_problem": self.file_problem,
            "stage": self.state.stage,
            "can_undo": (
                self.state.contributions[self.state.accepted[-1]].label
                if self.state.accepted
                else ""
            ),
        }

    def queue_message(self) -> dict[str, Any]:
        names = {pid: x.name for pid, x in self.state.participants.items()}

        def item(c: Any) -> dict[str, Any]:
            out = {
                k: getattr(c, k)
                for k in ("cid", "group", "kind", "label", "status", "reason", "at")
            }
            out["name"] = names.get(c.pid, "")
            out["payload"] = {k: v for k, v in c.payload.items() if k not in ("type", "shown")}
            return out

        decided = [c for c in self.state.contributions.values() if c.status != "pending"]
        return {
            "type": "queue",
            "items": [item(c) for c in self.state.queue()],
            "recent": [item(c) for c in decided[-12:]][::-1],
            "answers": self.state.answers[-30:][::-1],
            "editable": EDITABLE,
        }

    def mine(self, pid: str) -> dict[str, Any]:
        items = [
            {
                "cid": c.cid,
                "label": c.shown_label or c.label,
                "status": c.status,
                "reason": c.reason,
            }
            for c in self.state.contributions.values()
            if c.pid == pid
        ]
        return {"type": "mine", "items": items[-30:][::-1]}

    def welcome(self, client: Client) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "welcome",
            "role": client.role,
            "session": self.state.session,
            "groups": groups_of(self.data),
            "stage": stage_info(self.state.stage),
            "stages": ["who", "why", "what", "how"],
        }
        if client.role == "participant":
            person = self.state.participants[client.pid]
            out["me"] = {"name": person.name, "group": person.group}
        return out

    def _map_text(self, audience: str) -> str:
        started = time.thread_time()  # processor time: a busy machine must not slow it further
        text = self._build_map(audience)
        key = "map" if audience == "facilitator" else "participant_map"
        self._build_time[key] = time.thread_time() - started
        return text

    def full_map(self, audience: str) -> str:
        """The whole map as one audience sees it (for a page that just connected)."""
        if audience == "facilitator":
            return json.dumps(
                {"type": "map", "version": self.version, "map": map_view(self.data)},
                ensure_ascii=False,
            )
        view, self._back = participant_view(self.data, bool(self.state.settings["show_sensitive"]))
        self._shown_names = {"stakeholders": view["nodes"]}
        return json.dumps({"type": "map", "version": self.version, "map": view}, ensure_ascii=False)

    def _build_map(self, audience: str) -> str:
        if audience != "facilitator":
            return self.full_map(audience)
        delta, self._delta = self._delta, {"nodes": {}, "edges": {}, "loops": False}
        applied, self._applied = self._applied, []
        if self._whole_map:
            self._whole_map = False
            msg: dict[str, Any] = {
                "type": "map",
                "version": self.version,
                "map": map_view(self.data),
            }
        else:
            # only what changed: on a big map the whole of it is too much to send five times a second
            msg = {
                "type": "map_delta",
                "version": self.version,
                "nodes": list(delta["nodes"].values()),
                "edges": list(delta["edges"].values()),
            }
            if delta["loops"]:
                msg["loops"] = map_view({"loops": self.data.get("loops")})["loops"]
        msg["applied"] = applied
        return json.dumps(msg, ensure_ascii=False)

    async def _send(self, client: Client, text: str) -> None:
        try:
            await asyncio.wait_for(client.ws.send_text(text), timeout=5)
        except Exception:  # noqa: BLE001 - a page that went away; its handler cleans up
            return

    async def _broadcaster(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            try:
                await self._broadcast()
            except Exception as exc:  # noqa: BLE001 - keep the room going; say what broke
                self.file_problem = f"could not draw the map: {exc}"
            await asyncio.sleep(0.01)  # let changes that come together go out together

    def _due(self, name: str, every: float) -> bool:
        """Whether ``name`` may go out now; if not, wake up when it may.

        On a big map, a message that takes long to build goes out less often:
        at most once per ``every`` seconds and per five times its build time.
        """
        every = max(every, 5 * self._build_time.get(name, 0.0))
        wait = self._sent_at.get(name, 0.0) + every - time.monotonic()
        if wait <= 0:
            self._sent_at[name] = time.monotonic()
            return True
        self._dirty.add(name)  # keep it for when the wait is over
        asyncio.get_running_loop().call_later(wait + 0.005, self._changed.set)
        return False

    async def _broadcast(self) -> None:
        dirty, self._dirty = self._dirty, set()
        facs = [c for c in self.clients.values() if c.role == "facilitator"]
        parts = [c for c in self.clients.values() if c.role == "participant"]
        if "map" in dirty:
            dirty.add("participant_map")
        # the projected screen first: it must follow the room within a second
        texts = []
        if "map" in dirty and self._due("map", FACILITATOR_EVERY):
            texts.append(self._map_text("facilitator"))
        if "queue" in dirty and self._due("queue", FACILITATOR_EVERY):
            texts.append(json.dumps(self.queue_message(), ensure_ascii=False))
        if "status" in dirty and self._due("status", FACILITATOR_EVERY):
            texts.append(json.dumps(self.status(), ensure_ascii=False))
        if "stage" in dirty:
            stage = json.dumps({"type": "stage", **stage_info(self.state.stage)})
            texts.append(stage)
            await asyncio.gather(*(self._send(c, stage) for c in parts))
        await asyncio.gather(*(self._send(c, t) for c in facs for t in texts))
        if "participant_map" in dirty and self._due("participant_map", PARTICIPANT_MAP_EVERY):
            # redaction takes a while on a big map: let the loop answer meanwhile
            text = await asyncio.to_thread(self._map_text, "participant")
            for c in parts:
                self._push(c, "map", text)
        mine, self._mine = self._mine, set()
        for c in parts:
            if c.pid in mine:
                self._push(c, "mine", json.dumps(self.mine(c.pid), ensure_ascii=False))

    def _push(self, client: Client, kind: str, text: str) -> None:
        """Send to one phone without waiting for it; a slow phone gets the newest
        map when it is ready for one, not every map in between."""
        client.outbox.pop(kind, None)
        client.outbox[kind] = text
        if not client.sending:
            client.sending = True
            task = asyncio.create_task(self._drain(client))
            self._pushing.add(task)
            task.add_done_callback(self._pushing.discard)

    async def _drain(self, client: Client) -> None:
        try:
            while client.outbox:
                kind = next(iter(client.outbox))
                await self._send(client, client.outbox.pop(kind))
        finally:
            client.sending = False
