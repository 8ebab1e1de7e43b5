"""Writing files safely: atomic replacement and a lock per map file.

Every file sysmap writes goes through :func:`write_atomic`: the text goes to
a temporary file in the same folder, is flushed to disk, and replaces the
target in one step, so a reader sees the old file or the new one, never half
of one. Editing commands also hold :func:`map_lock` so that two edits of the
same map never lose each other's change.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import filelock

from sysmap.errors import LockTimeout, SysmapError
from sysmap.mapfile import MapFormat, detect_format
from sysmap.model import SystemMap

__all__ = ["write_atomic", "map_lock", "dump_yaml", "dump_json", "dumps_map", "save_map"]


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write text to a file atomically (temporary file, fsync, rename).

    Keeps the permissions of a file being replaced.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise SysmapError(f"{target}: the folder {folder} does not exist — create it first")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _lock_path(path: str | os.PathLike[str]) -> str:
    # Locks live in the temp folder, keyed by the map's real path, so that no
    # lock files litter the folder the map (and its git repository) is in.
    real = os.path.realpath(path)
    digest = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    folder = Path(tempfile.gettempdir()) / "sysmap-locks"
    folder.mkdir(exist_ok=True)
    return str(folder / f"{digest}.lock")


@contextlib.contextmanager
def map_lock(path: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[None]:
    """Hold the edit lock of one map file.

    Raises
    ------
    LockTimeout
        Another process held the lock for longer than ``timeout`` seconds.
    """
    lock = filelock.FileLock(_lock_path(path), timeout=timeout)
    try:
        with lock:
            yield
    except filelock.Timeout:
        raise LockTimeout(
            f"{path}: another edit has held this map for over {timeout:g} s — "
            "try again when it has finished"
        ) from None


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dump_json(data: Any) -> str:
    """JSON text, indented, dates as ISO strings."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def dump_yaml(data: Any) -> str:
    """Block-style YAML text in the layout sysmap writes by hand."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.allow_unicode = True
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def dumps_map(m: SystemMap, format: MapFormat = "yaml") -> str:
    """A map as YAML or JSON text (fields at their defaults left out)."""
    data = m.to_data()
    return dump_json(data) if format == "json" else dump_yaml(data)


def save_map(m: SystemMap, path: str | os.PathLike[str], format: MapFormat | None = None) -> None:
    """Write a map to a file atomically, as YAML or JSON (by the file's suffix).

    This writes a fresh file; to change a hand-written file and keep its
    comments use the functions in :mod:`sysmap.edit`.
    """
    fmt = format or detect_format(path)
    write_atomic(path, dumps_map(m, fmt))
