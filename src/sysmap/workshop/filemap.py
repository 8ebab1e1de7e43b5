"""Writing accepted contributions into the map file, several in one edit.

:func:`compute_edit` is a pure function (text in, text out) so the server
can run it in a helper process while it keeps answering the room;
:func:`write_edit` holds the map's lock (:func:`sysmap.storage.map_lock`),
reads the file, computes, and writes atomically
(:func:`sysmap.storage.write_atomic`), the same guarantees as
:mod:`sysmap.edit`: comments and order kept, the map validated before and
after, nothing half-written.

Why not one :mod:`sysmap.edit` call per contribution: each such call reads
and rewrites the whole file, so a room of fifty people would queue behind
the file; here everything accepted since the last write goes in one edit.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import Executor
from io import StringIO
from typing import Any

from sysmap.edit import commented_map, round_trip_yaml
from sysmap.errors import EditError
from sysmap.mapfile import detect_format, read_text
from sysmap.storage import dump_json, map_lock, write_atomic
from sysmap.validate import validate_text
from sysmap.workshop.steps import Step, apply_step, find_relationship

__all__ = ["Job", "compute_edit", "write_edit", "text_hash"]

#: One contribution's steps: (contribution id, steps).
Job = tuple[str, list[Step]]


def text_hash(text: str) -> str:
    """The SHA-256 of a text (how the journal recognises a file it wrote)."""
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _new_seq() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()


def _tail(node: Any) -> tuple[Any, Any, int] | None:
    """Where the comment after a block's last line is kept: (owner, key, slot)."""
    while True:
        if isinstance(node, dict) and node:
            key = list(node.keys())[-1]
            value = node[key]
            if isinstance(value, (dict, list)) and value:
                node = value
                continue
            return (node, key, 2) if hasattr(node, "ca") else None
        if isinstance(node, list) and node:
            if isinstance(node[-1], (dict, list)) and node[-1]:
                node = node[-1]
                continue
            return (node, len(node) - 1, 0) if hasattr(node, "ca") else None
        return None


def _comment_holder(data: Any, step: Step) -> Any:
    """The block whose closing comment must stay after what ``step`` adds."""
    op = step["op"]
    section = {"add_stakeholder": "stakeholders", "add_relationship": "relationships"}.get(op)
    section = "loops" if op == "add_loop" else section
    if section is not None:
        seq = data.get(section)
        return seq if isinstance(seq, list) and seq else None
    if op == "add_evidence":
        index = find_relationship(data, step["match"])
        return None if index is None else data["relationships"][index]
    return None


def _apply_keeping_comments(data: Any, step: Step) -> None:
    # A comment after a list's last item usually introduces what follows the
    # list (the next section): keep it after the item this step adds.
    holder = _comment_holder(data, step)
    before = _tail(holder) if holder is not None else None
    apply_step(data, step, new_map=commented_map, new_seq=_new_seq)
    if before is None:
        return
    owner, key, slot = before
    entry = owner.ca.items.get(key)
    token = entry[slot] if entry and len(entry) > slot else None
    after = _tail(holder)
    if token is None or after is None or after[:2] == (owner, key):
        return
    first, _, rest = token.value.partition("\n")
    if first.strip():
        # an end-of-line comment stays on its line; only the lines after it move
        if not rest.strip():
            return
        from ruamel.yaml.tokens import CommentToken

        entry[slot] = CommentToken(first + "\n", token.start_mark, None)
        token = CommentToken("\n" + rest, token.start_mark, None)
    else:
        entry[slot] = None
    new_owner, new_key, new_slot = after
    target = new_owner.ca.items.setdefault(new_key, [None, None, None, None])
    while len(target) < 4:
        target.append(None)
    target[new_slot] = token


def _apply_all(text: str, fmt: str, jobs: list[Job], failed: dict[str, str]) -> str:
    if fmt == "json":
        data = json.loads(text)
    else:
        yaml = round_trip_yaml()
        data = yaml.load(text)
    for cid, steps in jobs:
        try:
            for step in steps:
                if fmt == "json":
                    apply_step(data, step)
                else:
                    _apply_keeping_comments(data, step)
        except EditError as exc:
            failed[cid] = str(exc)
    if fmt == "json":
        return dump_json(data)
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def compute_edit(text: str, fmt: str, name: str, jobs: list[Job]) -> tuple[str, dict[str, str]]:
    """The file's new text with ``jobs`` applied, and the jobs that failed.

    A job that cannot be applied (an id taken meanwhile, an item gone) is
    left out with its reason; if the result would be an invalid map, the jobs
    are applied one at a time and each one that breaks it is left out.

    Raises
    ------
    EditError
        The map had problems before (fix them; nothing is written).
    """
    before = validate_text(text, fmt, name)  # type: ignore[arg-type]
    if not before.ok:
        raise EditError(
            f"{name} has problems; fix them so the workshop can write to it "
            f"(sysmap validate {name}):\n" + "\n".join(p.format() for p in before.errors)
        )
    failed: dict[str, str] = {}
    new_text = _apply_all(text, fmt, jobs, failed)
    if validate_text(new_text, fmt, name).ok:  # type: ignore[arg-type]
        return new_text, failed
    failed = {}
    current = text
    for cid, steps in jobs:
        one: dict[str, str] = {}
        candidate = _apply_all(current, fmt, [(cid, steps)], one)
        report = validate_text(candidate, fmt, name)  # type: ignore[arg-type]
        if one:
            failed.update(one)
        elif not report.ok:
            failed[cid] = "; ".join(p.message for p in report.errors[:3])
        else:
            current = candidate
    return current, failed


def write_edit(
    path: str | os.PathLike[str],
    jobs: list[Job],
    *,
    before_write: Callable[[str], None] | None = None,
    executor: Executor | None = None,
    timeout: float = 30.0,
) -> tuple[str, dict[str, str]]:
    """Apply ``jobs`` to the map file in one edit, under its lock.

    Parameters
    ----------
    before_write : called with the new text's hash just before the file is
        replaced (the journal records it, so a restart knows whether the
        write happened).
    executor : where to run :func:`compute_edit` (a process pool keeps a
        server responsive); default: here.

    Returns
    -------
    (str, dict)
        The hash of the text written, and the failed jobs with their reasons.
    """
    name = str(path)
    with map_lock(path, timeout=timeout):
        text = read_text(path)
        fmt = detect_format(path, text)
        if executor is None:
            new_text, failed = compute_edit(text, fmt, name, jobs)
        else:
            new_text, failed = executor.submit(compute_edit, text, fmt, name, jobs).result()
        digest = text_hash(new_text)
        if new_text != text:
            if before_write is not None:
                before_write(digest)
            write_atomic(path, new_text)
    return digest, failed
