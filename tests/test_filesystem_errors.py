"""When the filesystem fails: one message, exit 1, nothing half-written.

A full disk, a read-only folder and a folder where the output file should go
each ended in a Python traceback before (issue 14, item 13), and ``export csv``
left half a folder. Every command that writes is run here against each
failure; afterwards the folder must hold exactly what it held before (no
temporary file, no half-written CSV folder, the old map unchanged).

The full disk is simulated by making ``fsync`` (which every atomic write
calls before its rename) fail with ENOSPC, and a read-only folder by making
the temporary file's creation fail with EACCES or EROFS: the tests run as
root in CI, and root can write anywhere. ``/dev/full`` gives a real full disk
behind standard output.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from helpers import ROOT
from sysmap.cli import main
from sysmap.errors import LockTimeout, OutputError
from sysmap.storage import lock_path, map_lock, write_atomic, write_folder_atomic

EXAMPLES = ROOT / "examples"

#: Every command that writes a file, and the file (or folder) it writes.
WRITERS: dict[str, tuple[list[str], str]] = {
    "add": (["add", "stakeholder", "map.yaml", "x", "--name", "X", "--role", "leader"], "map.yaml"),
    "set": (["set", "map.yaml", "people-unsheltered", "power", "2"], "map.yaml"),
    "init --force": (["init", "map.yaml", "--force", "-q", "Who is heard?"], "map.yaml"),
    "map -o": (["map", "map.yaml", "-o", "out.html"], "out.html"),
    "export xlsx": (["export", "xlsx", "map.yaml", "-o", "out.xlsx"], "out.xlsx"),
    "export csv": (["export", "csv", "map.yaml", "-o", "csv"], "csv"),
    "export kumu": (["export", "kumu", "map.yaml", "-o", "out.json"], "out.json"),
    "report -o": (["report", "map.yaml", "-o", "out.md"], "out.md"),
    "plan -o": (["plan", "map.yaml", "redesign.yaml", "-o", "plan.md"], "plan.md"),
    "import -o": (["import", "kumu", "in.json", "-o", "out.yaml"], "out.yaml"),
    "schema -o": (["schema", "-o", "schema.json"], "schema.json"),
}


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with a map, its redesign and a Kumu file to import; the current folder."""
    shutil.copy(EXAMPLES / "homelessness-current.yaml", tmp_path / "map.yaml")
    shutil.copy(EXAMPLES / "homelessness-redesign.yaml", tmp_path / "redesign.yaml")
    from sysmap.formats import export_map
    from sysmap.validate import load_map

    export_map(load_map(tmp_path / "map.yaml"), "kumu", tmp_path / "in.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (hidden ones too) and folder under ``folder``, with its bytes."""
    out: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        out[key] = None if path.is_dir() else path.read_bytes()
    return out


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 1), out, err


def fail_with(code: int, text: str):  # noqa: ANN201 - a stand-in for os functions
    def fail(*args: object, **kwargs: object) -> object:
        raise OSError(code, text)

    return fail


def check_one_message(err: str, target: str, words: str) -> None:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("Error: ") and "Traceback" not in err
    assert target in lines[0] and words in lines[0], lines[0]


# ---------------------------------------------------------------- a full disk


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_full_disk(
    name: str, work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args, target = WRITERS[name]
    before = snapshot(work)
    monkeypatch.setattr(os, "fsync", fail_with(errno.ENOSPC, "No space left on device"))
    code, _, err = run_main(args, capsys)
    assert code == 1
    check_one_message(err, target, "the disk is full (no space left) — free some space")
    assert err.rstrip().endswith("nothing was written")
    assert snapshot(work) == before


def test_full_disk_after_part_of_a_csv_folder(
    work: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the third file fails: the two written already must not be left in an existing folder
    (work / "csv").mkdir()
    (work / "csv" / "elements.csv").write_text("old\n", encoding="utf-8")
    (work / "csv" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(work)
    calls = {"n": 0}
    real = os.fsync

    def third_fails(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(os, "fsync", third_fails)
    code, _, err = run_main(["export", "csv", "map.yaml", "-o", "csv"], capsys)
    assert code == 1
    check_one_message(err, "csv", "the disk is full")
    assert snapshot(work) == before


def test_full_disk_behind_standard_output(work: Path) -> None:
    # a real full device: everything written to /dev/full fails with ENOSPC
    if not Path("/dev/full").exists():
        pytest.fail("/dev/full is missing on this system")
    for args in (["export", "kumu", "map.yaml"], ["summary", "map.yaml"]):
        with open("/dev/full", "w") as full:
            result = subprocess.run(
                [sys.executable, "-m", "sysmap", *args],
                stdout=full,
                stderr=subprocess.PIPE,
                text=True,
                cwd=work,
                timeout=120,
            )
        assert result.returncode == 1
        assert result.stderr.splitlines() == [
            "Error: cannot write the output: No space left on device — check the path, the "
            "permissions and the free space"
        ]


# ---------------------------------------------------------------- a read-only folder


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.EACCES, "permission denied: you cannot write in the folder"),
        (errno.EROFS, "is on a read-only disk — write the file somewhere else"),
    ],
    ids=["permissions", "read-only disk"],
)
@pytest.mark.parametrize("name", sorted(WRITERS))
def test_read_only_folder(
    name: str,
    code: int,
    words: str,
    work: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args, target = WRITERS[name]
    before = snapshot(work)
    monkeypatch.setattr(tempfile, "mkstemp", fail_with(code, os.strerror(code)))
    monkeypatch.setattr(tempfile, "mkdtemp", fail_with(code, os.strerror(code)))
    exit_code, _, err = run_main(args, capsys)
    assert exit_code == 1
    check_one_message(err, target, words)
    assert snapshot(work) == before


# ---------------------------------------------------------------- a folder in the way

FOLDER_IN_THE_WAY = {
    "map -o": "this is a directory. Give a file name.",
    "report -o": "this is a directory. Give a file name.",
    "plan -o": "this is a directory. Give a file name.",
    "schema -o": "this is a directory. Give a file name.",
    "import -o": "this is a directory. Give a file name.",
}


@pytest.mark.parametrize("name", sorted(set(WRITERS) - {"export csv", "add", "set"}))
def test_output_path_is_a_folder(name: str, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args, target = WRITERS[name]
    if target == "map.yaml":  # init --force: the map's own name is a folder
        (work / "map.yaml").unlink()
    (work / target).mkdir()
    (work / target / "keep.txt").write_text("mine\n", encoding="utf-8")
    before = snapshot(work)
    code, _, err = run_main(args, capsys)
    assert code == 1
    words = FOLDER_IN_THE_WAY.get(name, "this is a folder — give a file name")
    check_one_message(err, target, words.replace("this is a directory", "is a directory"))
    assert snapshot(work) == before


@pytest.mark.parametrize("name", ["add", "set"])
def test_map_is_a_folder(name: str, work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args, _ = WRITERS[name]
    (work / "map.yaml").unlink()
    (work / "map.yaml").mkdir()
    before = snapshot(work)
    code, _, err = run_main(args, capsys)
    assert code == 1
    check_one_message(err, "map.yaml", "this is a folder, not a file")
    assert snapshot(work) == before


def test_csv_output_is_a_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (work / "csv").write_text("a file\n", encoding="utf-8")
    before = snapshot(work)
    code, _, err = run_main(["export", "csv", "map.yaml", "-o", "csv"], capsys)
    assert code == 1
    check_one_message(err, "csv", "a CSV map is a folder — give a folder name")
    assert snapshot(work) == before


def test_csv_export_into_an_existing_folder_keeps_other_files(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (work / "csv").mkdir()
    (work / "csv" / "notes.txt").write_text("mine\n", encoding="utf-8")
    code, _, _ = run_main(["export", "csv", "map.yaml", "-o", "csv"], capsys)
    assert code == 0
    names = sorted(p.name for p in (work / "csv").iterdir())
    assert "notes.txt" in names and "elements.csv" in names
    assert [n for n in os.listdir(work) if n.endswith(".tmp")] == []


def test_a_second_csv_export_leaves_no_sheet_of_the_first(
    work: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the first map has loops (loops.csv); the second has none: an old loops.csv left in
    # the folder would come back on import as loops of the second map
    (work / "tiny.yaml").write_text(
        "id: tiny\ntitle: Tiny\nguiding_question: Who is heard?\nstakeholders:\n"
        "  - {id: a, name: A, role: leader}\n",
        encoding="utf-8",
    )
    assert run_main(["export", "csv", "map.yaml", "-o", "csv"], capsys)[0] == 0
    assert (work / "csv" / "loops.csv").exists()
    (work / "csv" / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert run_main(["export", "csv", "tiny.yaml", "-o", "csv"], capsys)[0] == 0
    names = sorted(p.name for p in (work / "csv").iterdir())
    assert names == ["connections.csv", "elements.csv", "map.csv", "notes.txt"]
    from sysmap.formats import import_map
    from sysmap.validate import load_map

    assert import_map("csv", work / "csv").map == load_map(work / "tiny.yaml")


# ---------------------------------------------------------------- temporary files


def dead_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_killed_writes_temporary_file_is_removed_by_the_next_write(work: Path) -> None:
    # a real kill: a child starts writing the map and is killed before the rename
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, time\n"
            "os.fsync = lambda fd: time.sleep(600)\n"
            "from sysmap.storage import write_atomic\n"
            "write_atomic('map.yaml', 'x' * 5_000_000)\n",
        ],
        cwd=work,
    )
    deadline = time.monotonic() + 120
    temps: list[Path] = []
    while not temps and time.monotonic() < deadline:  # written, waiting for fsync
        time.sleep(0.1)
        temps = [
            p
            for p in work.iterdir()
            if p.name.startswith(".map.yaml.") and p.stat().st_size == 5_000_000
        ]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert len(temps) == 1 and temps[0].stat().st_size == 5_000_000
    old = time.time() - 60
    os.utime(temps[0], (old, old))  # the kill was a minute ago
    before = (work / "map.yaml").read_text(encoding="utf-8")
    write_atomic(work / "map.yaml", before)
    assert not temps[0].exists()
    assert (work / "map.yaml").read_text(encoding="utf-8") == before


def test_which_temporary_files_are_stale(work: Path) -> None:
    now = time.time()
    files = {
        f".map.yaml.{dead_pid()}-gone1234.tmp": now - 60,  # its process ended: removed
        f".map.yaml.{os.getpid()}-live1234.tmp": now,  # a write under way: kept
        f".map.yaml.{os.getpid()}-aged1234.tmp": now - 2 * 86400,  # over a day old: removed
        f".map.yaml.{dead_pid()}-young123.tmp": now,  # just made: kept (it may be on its way)
        ".map.yaml.notours.tmp": now - 2 * 86400,  # not a name sysmap makes: kept
        f".other.yaml.{dead_pid()}-gone1234.tmp": now - 60,  # another file's: kept
    }
    for name, mtime in files.items():
        (work / name).write_text("partial", encoding="utf-8")
        os.utime(work / name, (mtime, mtime))
    write_atomic(work / "map.yaml", (work / "map.yaml").read_text(encoding="utf-8"))
    left = sorted(p.name for p in work.iterdir() if p.name.endswith(".tmp"))
    kept = [n for n in files if "gone" not in n.split(".")[-2] or n.startswith(".other")]
    kept = [n for n in kept if "aged" not in n]
    assert left == sorted(kept)


def test_a_failed_folder_write_leaves_no_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "fsync", fail_with(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OutputError, match="the disk is full"):
        write_folder_atomic(tmp_path / "out", {"a.csv": "1\n", "b.csv": "2\n"})
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- locks


def test_an_edit_leaves_no_lock_file(work: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shared = Path(tempfile.gettempdir()) / "sysmap-locks"
    had = sorted(os.listdir(shared)) if shared.exists() else None
    code, _, _ = run_main(WRITERS["add"][0], capsys)
    assert code == 0
    assert sorted(p.name for p in work.iterdir() if p.name.startswith(".")) == []
    assert (sorted(os.listdir(shared)) if shared.exists() else None) == had


def test_the_lock_is_beside_the_map_and_shared_by_a_link(work: Path) -> None:
    (work / "link.yaml").symlink_to(work / "map.yaml")
    assert lock_path(work / "link.yaml") == work / ".map.yaml.lock"
    with map_lock(work / "map.yaml"):
        assert (work / ".map.yaml.lock").exists()
        with pytest.raises(
            LockTimeout, match="another edit has held this map for over 0.2 s"
        ) as caught:
            with map_lock(work / "link.yaml", timeout=0.2):
                pass
    assert (caught.value.path, caught.value.timeout) == (str(work / "link.yaml"), 0.2)
    assert not (work / ".map.yaml.lock").exists()


def test_the_lock_keeps_edits_apart(work: Path) -> None:
    # 4 threads add 1 to a number 25 times each, reading and writing it under the lock;
    # without the lock some additions are lost. Each release removes the lock file, so
    # this also checks that a waiter never locks a file that was removed under it.
    counter = work / "count.txt"
    counter.write_text("0", encoding="utf-8")

    def add() -> None:
        for _ in range(25):
            with map_lock(counter, timeout=60):
                n = int(counter.read_text(encoding="utf-8"))
                time.sleep(0.001)
                counter.write_text(str(n + 1), encoding="utf-8")

    threads = [threading.Thread(target=add) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counter.read_text(encoding="utf-8") == "100"
    assert not (work / ".count.txt.lock").exists()
