"""Writing files safely: atomic replacement and a lock per map file.

Every file sysmap writes goes through :func:`write_atomic`: the text goes to
a temporary file in the same folder, is flushed to disk, and replaces the
target in one step, so a reader sees the old file or the new one, never half
of one. A write that fails (a full disk, a read-only folder, a folder where
the file should be) raises :class:`~sysmap.errors.OutputError` and leaves the
target as it was; a temporary file left by a process that was killed is
removed by the next write to the same file. :func:`write_folder_atomic` does
the same for a folder of files. Editing commands also hold :func:`map_lock`,
a hidden lock file beside the map that is removed when the edit ends, so that
two edits of the same map never lose each other's change.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import yaml_rs
from pydantic_core import PydanticSerializationError, to_json

from sysmap.errors import LockTimeout, OutputError
from sysmap.mapfile import MapFormat, detect_format
from sysmap.model import SystemMap
from sysmap.yamlwrite import UnwritableValue, yaml_text

__all__ = [
    "write_atomic",
    "write_folder_atomic",
    "output_error",
    "map_lock",
    "dump_yaml",
    "dump_json",
    "write_json",
    "dumps_map",
    "save_map",
    "STALE_TEMP_SECONDS",
]

#: A temporary file of ours older than this is removed by the next write to
#: the same target (one whose process is gone goes after a few seconds).
STALE_TEMP_SECONDS = 24 * 3600
_DEAD_TEMP_SECONDS = 5.0


def output_error(target: str | os.PathLike[str], exc: OSError) -> OutputError:
    """The :class:`OutputError` for a failed write: what happened, what to do."""
    folder = Path(target).parent
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        why = "the disk is full (no space left) — free some space and run the command again"
    elif code == errno.EROFS:
        why = f"the folder {folder} is on a read-only disk — write the file somewhere else"
    elif code in (errno.EACCES, errno.EPERM):
        why = (
            f"permission denied: you cannot write in the folder {folder} — write the "
            "file somewhere else, or check the folder's permissions"
        )
    elif code == errno.EISDIR:
        why = "this is a folder — give a file name"
    elif code == errno.ENOENT:
        why = f"the folder {folder} does not exist — create it first"
    else:
        why = f"cannot write the file ({exc.strerror or exc}) — check the path and the disk"
    return OutputError(f"{target}: {why}; nothing was written", path=str(target))


def _temp_prefix(name: str) -> str:
    return f".{name}."


_OURS = re.compile(r"\.(\d+)-[A-Za-z0-9_]+\.tmp$")


def _clear_stale_temps(folder: Path, name: str) -> None:
    """Remove temporary files a killed write of ``name`` left in ``folder``."""
    prefix = _temp_prefix(name)
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.startswith(prefix):
                continue
            match = _OURS.fullmatch(entry.name[len(prefix) - 1 :])
            if match is None:
                continue
            with contextlib.suppress(OSError):
                age = now - entry.stat(follow_symlinks=False).st_mtime
                gone = age > _DEAD_TEMP_SECONDS and not _alive(int(match.group(1)))
                if gone or age > STALE_TEMP_SECONDS:
                    if entry.is_dir(follow_symlinks=False):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def _folder_of(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def _check_target(target: Path, *, folder_ok: bool = False) -> Path:
    folder = _folder_of(target)
    if not folder.is_dir():
        raise OutputError(
            f"{target}: the folder {folder} does not exist — create it first", path=str(target)
        )
    if not folder_ok and target.is_dir():
        raise OutputError(
            f"{target}: this is a folder — give a file name; nothing was written", path=str(target)
        )
    _clear_stale_temps(folder, target.name)
    return folder


def write_atomic(path: str | os.PathLike[str], text: str | bytes | Iterable[bytes]) -> None:
    """Write text (or bytes, or bytes in pieces) to a file atomically: temporary
    file, fsync, rename.

    Keeps the permissions of a file being replaced.

    Raises
    ------
    OutputError
        The folder is missing or read-only, the disk is full, or the path is
        a folder; the target is left as it was and no temporary file remains.
    """
    target = Path(path)
    folder = _check_target(target)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f"{_temp_prefix(target.name)}{os.getpid()}-", suffix=".tmp"
        )
        if not isinstance(text, str):
            with os.fdopen(fd, "wb") as fb:
                for piece in [text] if isinstance(text, bytes) else text:
                    fb.write(piece)
                fb.flush()
                os.fsync(fb.fileno())
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        _set_mode(tmp, target)
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise output_error(target, exc) from None
        raise


def _set_mode(tmp: str, target: Path) -> None:
    if target.exists():
        os.chmod(tmp, target.stat().st_mode & 0o7777)
    else:
        os.chmod(tmp, 0o666 & ~_umask())


def write_folder_atomic(
    path: str | os.PathLike[str],
    files: Mapping[str, str | bytes],
    replaces: Iterable[str] = (),
) -> None:
    """Write several files into a folder so that a failure changes nothing.

    The files are written in full to a hidden temporary folder beside the
    target first. A new folder then takes the temporary folder's place in
    one rename; in an existing folder each file replaces its old version by
    a rename, and the files named in ``replaces`` that this write does not
    hold are removed (an earlier write's, which would be read with the new
    ones); other files in the folder are left alone.

    Raises
    ------
    OutputError
        As :func:`write_atomic`; also when ``path`` is a file.
    """
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputError(
            f"{target}: this is a file, and a folder is needed here — give a folder name",
            path=str(target),
        )
    folder = _check_target(target, folder_ok=True)
    tmp = ""
    try:
        tmp = tempfile.mkdtemp(
            dir=folder, prefix=f"{_temp_prefix(target.name)}{os.getpid()}-", suffix=".tmp"
        )
        for name, content in files.items():
            write_atomic(Path(tmp) / name, content)
        if target.is_dir():
            for name in files:
                os.replace(Path(tmp) / name, target / name)
            os.rmdir(tmp)
            for name in set(replaces) - set(files):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(target / name)
        else:
            os.chmod(tmp, 0o777 & ~_umask())
            os.rename(tmp, target)
    except BaseException as exc:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OutputError):
            raise OutputError(str(exc).replace(tmp, str(target)), path=str(target)) from None
        if isinstance(exc, OSError):
            raise output_error(target, exc) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The hidden lock file of a map: ``.name.lock`` beside the file it points to.

    Two paths to the same file (a symbolic link, a relative path) share it.
    """
    real = Path(os.path.realpath(path))
    return real.parent / f".{real.name}.lock"


@contextlib.contextmanager
def map_lock(path: str | os.PathLike[str], timeout: float = 30.0) -> Iterator[None]:
    """Hold the edit lock of one map file; the lock file is removed afterwards.

    Raises
    ------
    LockTimeout
        Another process held the lock for longer than ``timeout`` seconds.
    OutputError
        The lock cannot be made (the map's folder is read-only).
    """
    lock = lock_path(path)
    if not lock.parent.is_dir():
        yield  # no such folder: reading the map says so
        return
    try:
        import fcntl  # POSIX only
    except ImportError:  # pragma: no cover - Windows: filelock removes its file itself
        yield from _filelock(path, lock, timeout)
        return
    fd = _acquire(path, lock, timeout, fcntl)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock)  # while still held, so that no waiter locks a removed file
        os.close(fd)


def _acquire(path: str | os.PathLike[str], lock: Path, timeout: float, fcntl: Any) -> int:
    """Lock ``lock`` with flock, making sure the file locked is still the one at the path."""
    deadline = time.monotonic() + timeout
    pause = 0.005
    while True:
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError(
                f"{path}: cannot lock the map for editing ({exc.strerror}) — the folder "
                f"{lock.parent} must be writable to edit the map",
                path=str(lock),
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            if time.monotonic() >= deadline:
                raise _lock_timeout(path, timeout) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
            continue
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except OSError:
            same = False
        if same:
            return fd
        os.close(fd)  # the holder removed it as we opened it: lock the new one


def _lock_timeout(path: str | os.PathLike[str], timeout: float) -> LockTimeout:
    return LockTimeout(
        f"{path}: another edit has held this map for over {timeout:g} s — "
        "try again when it has finished",
        path=str(path),
        timeout=timeout,
    )


def _filelock(path: str | os.PathLike[str], lock: Path, timeout: float) -> Iterator[None]:
    import filelock  # only on Windows, where fcntl is missing

    try:
        with filelock.FileLock(str(lock), timeout=timeout):
            yield
    except filelock.Timeout:
        raise _lock_timeout(path, timeout) from None


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dump_json(data: Any) -> str:
    """JSON text, indented, dates as ISO strings.

    Written by pydantic-core's Rust encoder: the same text as ``json.dumps(data,
    indent=2, ensure_ascii=False)`` (a tiny float may be written 0.00001, not
    1e-05) about five times faster — on a 50k-relationship map 0.15 s, not 0.8 s.
    """
    try:
        return to_json(data, indent=2, fallback=_json_default).decode() + "\n"
    except PydanticSerializationError as exc:
        raise TypeError(str(exc)) from None


def write_json(path: str | os.PathLike[str], data: Any, depth: int = 6) -> None:
    """Write data as :func:`dump_json` text to a file atomically, piece by piece.

    The first ``depth`` levels of dicts and short lists are written an entry
    at a time (longer lists :data:`JSON_CHUNK` items at a time), so a big result
    (``analyze --format json`` at 50k stakeholders: 140 MB) is never held as
    one string, nor twice (bytes, then text): the peak is one piece.
    """
    write_atomic(path, _json_pieces(data, 0, depth))


#: A list of at most this many items is written by :func:`write_json` an item at
#: a time (each may be large); a longer one :data:`JSON_CHUNK` items at a time.
JSON_FEW = 20
JSON_CHUNK = 1000


def _json_pieces(value: Any, level: int, depth: int) -> Iterator[bytes]:
    indent = b"  " * level
    if depth > 0 and isinstance(value, list) and value:
        yield b"[\n"
        if len(value) <= JSON_FEW:  # a few items, each maybe large: one at a time
            for i, item in enumerate(value):
                yield (b",\n" if i else b"") + indent + b"  "
                yield from _json_pieces(item, level + 1, depth - 1)
        else:  # many: a chunk of items a piece
            for start in range(0, len(value), JSON_CHUNK):
                text = to_json(value[start : start + JSON_CHUNK], indent=2, fallback=_json_default)
                # the items' lines as the whole list writes them: "[\n" and "\n]" off
                yield (
                    (b",\n" if start else b"") + indent + text[2:-2].replace(b"\n", b"\n" + indent)
                )
        yield b"\n" + indent + b"]" + (b"\n" if level == 0 else b"")
        return
    if not (isinstance(value, dict) and value and depth > 0):
        text = to_json(value, indent=2, fallback=_json_default)
        yield text.replace(b"\n", b"\n" + indent) if level else text
        if level == 0:
            yield b"\n"
        return
    inner = b"  " * (level + 1)
    yield b"{\n"
    for i, (key, item) in enumerate(value.items()):
        yield inner + to_json({key: 0})[1:-3] + b": "  # the key as the whole dict writes it
        yield from _json_pieces(item, level + 1, depth - 1)
        yield b",\n" if i < len(value) - 1 else b"\n"
    yield indent + b"}" + (b"\n" if level == 0 else b"")


# a line of indented JSON holding only a number, maybe after its key: "strength": 3.0,
_NUMBER_LINE = re.compile(r' *(?:"(?:[^"\\]|\\.)*": )?-?\d+\.0,?')
_WHOLE_FLOAT = re.compile(r"\.0(,?)\n")


def _map_json(m: SystemMap) -> str:
    """The map as JSON text, written from the model by pydantic-core.

    The same text as :func:`dump_json` of :meth:`SystemMap.to_data` — ``sysmap``
    first, whole numbers stored as floats written as people type them
    (``strength: 3``) — without building the plain data first: on a
    50k-relationship map 0.3 s instead of 2.3 s.
    """
    body = m.model_dump_json(by_alias=True, exclude_defaults=True, exclude={"sysmap"}, indent=2)
    parts = ['{\n  "sysmap": ', str(m.sysmap), ",\n"]
    last = 2  # past the opening "{\n"
    for hit in _WHOLE_FLOAT.finditer(body):
        end = hit.start()
        start = body.rfind("\n", 0, end) + 1
        if _NUMBER_LINE.fullmatch(body, start, end + 2 + len(hit.group(1))):
            parts.append(body[last:end])
            last = end + 2
    parts.append(body[last:])
    return "".join(parts) + "\n"


def dump_yaml(data: Any) -> str:
    """Block-style YAML text in the layout sysmap writes by hand.

    Written by :func:`sysmap.yamlwrite.yaml_text`; data it cannot write (a
    value of another type, a number that is not finite) by yaml_rs, read back
    to check, or else ruamel.yaml.
    """
    if isinstance(data, dict):
        try:
            return yaml_text(data)
        except UnwritableValue:
            pass
    try:
        text = yaml_rs.dumps(data).removeprefix("---\n").rstrip("\n") + "\n"
        if yaml_rs.loads(text, parse_datetime=True) == data:
            return text
    except Exception:  # noqa: BLE001 - the careful writer below handles every case
        pass
    # ruamel.yaml is slow to import, and needed only for data nothing else can write
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
    if format == "json":
        return _map_json(m)
    return _map_yaml(m)


def _map_yaml(m: SystemMap) -> str:
    """The map as YAML text: :meth:`SystemMap.to_data`'s data, faster.

    At 60k relationships: 0.15 s for the data (to_data takes 1.4 s, most of
    it collecting garbage among a million new objects, none in a cycle), 0.45 s
    to write it (yaml_rs took 1.5 s, and a read-back check).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        data = m.model_dump(by_alias=True, exclude_defaults=True, exclude={"sysmap"})
    finally:
        if enabled:
            gc.enable()
    try:
        return yaml_text({"sysmap": m.sysmap, **data}, whole=True)
    except UnwritableValue:
        return dump_yaml(m.to_data())


def save_map(m: SystemMap, path: str | os.PathLike[str], format: MapFormat | None = None) -> None:
    """Write a map to a file atomically, as YAML or JSON (by the file's suffix).

    This writes a fresh file; to change a hand-written file and keep its
    comments use the functions in :mod:`sysmap.edit`.
    """
    fmt = format or detect_format(path)
    write_atomic(path, dumps_map(m, fmt))
