"""A workshop session's state, and the journal that lets it survive a restart.

Everything that changes the session — someone joins, proposes, the
facilitator accepts, rejects, merges or undoes, a batch is written to the
file — is one *event*. Each event is appended to the journal (one JSON line,
written through to the operating system, fsync'd within 50 ms) before it
takes effect, and :func:`apply_event` is the
only place an event changes the state, both live and when the journal is
read back (:func:`replay`); so a server that is stopped, or killed, comes
back with the same participants, queue and accepted changes.

Whether the last batch reached the file is known by its hash: the journal
records the hash of the text about to be written (``writing``) before the
file is replaced, and ``written`` after; on restart a batch whose text is the
file's is taken as written, any other is written again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sysmap.errors import WorkshopError
from sysmap.workshop.steps import Step

__all__ = ["Participant", "Contribution", "SessionState", "Journal", "apply_event", "replay"]


def now() -> str:
    """The time now, UTC, to the second (ISO 8601)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class Participant:
    pid: str
    secret_hash: str
    name: str
    group: str
    joined_at: str


@dataclass
class Contribution:
    """One proposal and what became of it."""

    cid: str
    pid: str
    group: str
    kind: str
    payload: dict[str, Any]
    label: str
    at: str
    status: str = "pending"  # pending, accepted, rejected, merged, failed, undone
    steps: list[Step] = field(default_factory=list)
    reason: str = ""
    written: bool = False
    shown_label: str | None = None  # as the participant saw it, sensitive people redacted

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class SessionState:
    """Everything a session knows, rebuilt from its journal."""

    session: str = ""
    token: str = ""
    code: str = ""
    map_file: str = ""
    started_at: str = ""
    ended_at: str = ""
    stage: str = "who"
    settings: dict[str, bool] = field(
        default_factory=lambda: {
            "accept_directly": False,
            "show_sensitive": False,
            "names_in_map": False,
        }
    )
    participants: dict[str, Participant] = field(default_factory=dict)
    contributions: dict[str, Contribution] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)  # undo stack, oldest first
    answers: list[dict[str, Any]] = field(default_factory=list)
    pending: list[tuple[str, list[Step]]] = field(default_factory=list)  # jobs not yet written
    writing: dict[str, Any] | None = None  # the last batch being written
    external_edits: int = 0

    @property
    def ended(self) -> bool:
        return bool(self.ended_at)

    def queue(self) -> list[Contribution]:
        """Proposals waiting for the facilitator, oldest first."""
        return [c for c in self.contributions.values() if c.status == "pending"]


def _job_done(state: SessionState, job: str) -> None:
    state.pending = [(j, s) for j, s in state.pending if j != job]
    c = state.contributions.get(job)
    if c is not None:
        c.written = True


def apply_event(state: SessionState, ev: dict[str, Any]) -> None:
    """Change the session by one journal event (live and on replay)."""
    if ev["e"] in _CONTRIBUTION_EVENTS:
        _contribution_event(state, ev)
    else:
        _session_event(state, ev)


#: The events about one contribution (the rest are about the session).
_CONTRIBUTION_EVENTS = ("propose", "accept", "merge", "reject", "undo", "fail")


def _contribution_event(state: SessionState, ev: dict[str, Any]) -> None:
    """A proposal made, decided, undone or failed when written."""
    e = ev["e"]
    if e == "propose":
        state.contributions[ev["cid"]] = Contribution(
            ev["cid"], ev["pid"], ev["group"], ev["kind"], ev["payload"], ev["label"], ev["at"]
        )
        state.contributions[ev["cid"]].shown_label = ev.get("shown_label")
    elif e in ("accept", "merge"):
        c = state.contributions[ev["cid"]]
        c.status = "accepted" if e == "accept" else "merged"
        c.payload = ev.get("payload") or c.payload
        c.steps = ev.get("steps") or []
        c.reason = ev.get("reason", "")
        if c.steps:
            state.accepted.append(c.cid)
            state.pending.append((c.cid, c.steps))
    elif e == "reject":
        c = state.contributions[ev["cid"]]
        c.status, c.reason = "rejected", ev.get("reason", "")
    elif e == "undo":
        c = state.contributions[ev["cid"]]
        c.status = "undone"
        state.accepted.remove(c.cid)
        state.pending.append(("undo:" + c.cid, ev["steps"]))
    elif e == "fail":
        job = ev["job"]
        state.pending = [(j, s) for j, s in state.pending if j != job]
        failed = state.contributions.get(job)
        if failed is not None:
            failed.status, failed.reason = "failed", ev["reason"]
            if failed.cid in state.accepted:
                state.accepted.remove(failed.cid)


def _session_event(state: SessionState, ev: dict[str, Any]) -> None:
    """The session started or ended, someone joined, the map was written, a
    setting or the stage changed, an answer came in."""
    e = ev["e"]
    if e == "start":
        for key in ("session", "token", "code", "map_file", "started_at"):
            setattr(state, key, ev[key])
        state.settings.update(ev.get("settings") or {})
    elif e == "join":
        state.participants[ev["pid"]] = Participant(
            ev["pid"], ev["secret_hash"], ev["name"], ev["group"], ev["at"]
        )
    elif e == "writing":
        state.writing = {"jobs": ev["jobs"], "after": ev["after"]}
    elif e == "written":
        for job in ev["jobs"]:
            _job_done(state, job)
        state.writing = None
    elif e == "stage":
        state.stage = ev["stage"]
    elif e == "settings":
        state.settings.update(ev["settings"])
    elif e == "code":
        state.code = ev["code"]
    elif e == "answer":
        state.answers.append(
            {k: ev[k] for k in ("pid", "group", "stage", "question", "text", "at")}
        )
    elif e == "external":
        state.external_edits += 1
    elif e == "end":
        state.ended_at = ev["at"]
        state.code = ""


class Journal:
    """An append-only file of events (JSON lines, readable only by you).

    Each event is written to the operating system before :meth:`append`
    returns, so a server that is killed loses nothing; a helper thread makes
    the disk hold it (fsync) within ``sync_every`` seconds, so a power cut
    loses at most that much (``sync_every=0``: fsync on every event).

    Example
    -------
    >>> import tempfile, pathlib
    >>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "journal.jsonl")
    >>> j.append({"e": "stage", "stage": "why"})
    >>> j.close()
    >>> replay(j.path).stage
    'why'
    """

    def __init__(self, path: str | os.PathLike[str], sync_every: float = 0.05) -> None:
        self.path = Path(path)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self._lock = threading.Lock()  # the file writer's thread journals too
        self._sync_every = sync_every
        self._unsynced = threading.Event()
        self._closed = False
        if sync_every > 0:
            threading.Thread(target=self._syncer, name="sysmap-journal", daemon=True).start()

    def append(self, event: dict[str, Any]) -> None:
        """Write one event (to the operating system at once, to disk soon)."""
        line = json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()
            if self._sync_every <= 0:
                os.fsync(self._file.fileno())
        self._unsynced.set()

    def _syncer(self) -> None:
        while not self._closed:
            self._unsynced.wait()
            self._unsynced.clear()
            with contextlib.suppress(OSError, ValueError):
                os.fsync(self._file.fileno())
            time.sleep(self._sync_every)

    def close(self) -> None:
        self._closed = True
        with self._lock, contextlib.suppress(OSError, ValueError):
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        self._unsynced.set()


def replay(path: str | os.PathLike[str]) -> SessionState:
    """The session a journal describes.

    A last line cut short (the server killed while writing it) is ignored;
    damage anywhere else is an error, since events after it would be lost.

    Raises
    ------
    WorkshopError
        A line that is not an event, other than the last.
    """
    state = SessionState()
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            apply_event(state, event)
        except (ValueError, KeyError, TypeError) as exc:
            if number >= len(lines) - 1:
                break  # torn last line
            raise WorkshopError(
                f"{path}:{number}: the workshop journal is damaged ({exc}) — move it "
                "aside to start a new session",
                code="damaged-journal",
            ) from None
    return state
