"""Benchmark hostile and broken input files: time and memory to refuse them.

Each case runs the command line in a fresh Python process, which reports its
own CPU time and peak resident memory (``getrusage``), the exit code and how
many lines it printed. Beside each hostile file runs a well-formed file of
about the same size, so the figures say what a bad file costs compared with a
good one in the same run:

- **xlsx bomb**: a 1 MB workbook whose one sheet unzips to 1 GB, imported
  (beside it: a plain workbook of 1,000 stakeholders);
- **xlsx padded**: that workbook with an unreferenced 1 GB part;
- **xlsx liar**: that workbook with a 1 GB sheet that declares 5,000 bytes;
- **1M empty stakeholders**: a 7 MB map of a million ``- {}`` items, validated
  (beside it: a valid 7 MB map of 175,000 stakeholders);
- **kumu 100k deep**: Kumu JSON nested 100,000 levels, imported;
- **named pipe**: a FIFO nobody writes to, validated (a hang is stopped after
  20 seconds and reported as such).

``--before REV`` runs every case a second time against the source of a git
revision (extracted with ``git archive``), side by side in the same run;
``--limit-gb`` caps each process's address space so that an old version
cannot take the machine's memory. Usage::

    python benchmarks/bench_hostile.py
    python benchmarks/bench_hostile.py --before 2f3faeb --limit-gb 8
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _util import environment, format_table  # noqa: E402

MIB = 1 << 20
#: A named pipe nobody writes to is given this long before the run counts as hung.
PIPE_WAIT = 20.0
_RUNS = itertools.count(1)

#: Runs in the child: the command line in-process, then its own figures as JSON.
CHILD = """
import contextlib, io, json, resource, sys, time
from sysmap.cli import main
out = io.StringIO()
code = 0
c0 = time.process_time(); t0 = time.perf_counter()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:
        code = type(exc).__name__
r = resource.getrusage(resource.RUSAGE_SELF)
lines = out.getvalue().splitlines()
print(json.dumps({"exit": code, "cpu": time.process_time() - c0,
                  "wall": time.perf_counter() - t0, "rss_mb": r.ru_maxrss * 1024 / 1e6,
                  "lines": len(lines), "first": lines[0][:100] if lines else ""}))
"""


def _part(archive: zipfile.ZipFile, name: str, head: bytes, size: int, tail: bytes) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        part.write(head)
        chunk = b"A" * MIB
        for _ in range(size // MIB):
            part.write(chunk)
        part.write(tail)


def _liar(good: Path, path: Path) -> None:
    """The good workbook with 1 GB of spaces in its first sheet, declared as 5,000 bytes."""
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(good) as source:
            for info in source.infolist():
                if info.filename != sheet:
                    archive.writestr(info.filename, source.read(info))
                    continue
                head, tail = source.read(info).rsplit(b"</worksheet>", 1)
                _part(archive, sheet, head, 1 << 30, b"</worksheet>" + tail)
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        name_len = struct.unpack("<H", data[at + 28 : at + 30])[0]
        if bytes(data[at + 46 : at + 46 + name_len]) == sheet.encode():
            struct.pack_into("<I", data, at + 24, 5000)
            local = struct.unpack("<I", data[at + 42 : at + 46])[0]
            struct.pack_into("<I", data, local + 22, 5000)
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


def make_files(folder: Path) -> dict[str, list[str]]:
    """Write every case's input; the command line of each case."""
    # a plain workbook every version reads: 1,000 stakeholders, 2,000 relationships
    import openpyxl

    wb = openpyxl.Workbook()
    elements = wb.active
    elements.title = "Elements"
    elements.append(["Id", "Label", "Role"])
    for i in range(1000):
        elements.append([f"s{i}", f"Stakeholder {i}", ("beneficiary", "provider", "leader")[i % 3]])
    connections = wb.create_sheet("Connections")
    connections.append(["From", "To", "Type"])
    for i in range(2000):
        connections.append([f"s{i % 1000}", f"s{(i * 7 + 1) % 1000}", "serves"])
    wb.save(folder / "good.xlsx")
    with zipfile.ZipFile(folder / "bomb.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        _part(
            archive,
            "xl/worksheets/sheet1.xml",
            b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>',
            1 << 30,
            b"</t></is></c></row></sheetData></worksheet>",
        )
    with zipfile.ZipFile(folder / "padded.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(folder / "good.xlsx") as source:
            for info in source.infolist():
                archive.writestr(info.filename, source.read(info))
        _part(archive, "xl/media/padding.bin", b"", 1 << 30, b"")
    _liar(folder / "good.xlsx", folder / "liar.xlsx")
    head = "id: x\ntitle: t\nguiding_question: q\nstakeholders:\n"
    (folder / "empty.yaml").write_text(head + "  - {}\n" * 1_000_000, encoding="utf-8")
    people = "".join(f"  - {{id: s{i:06d}, name: S{i}, role: leader}}\n" for i in range(175_000))
    (folder / "valid.yaml").write_text(head + people, encoding="utf-8")
    deep = 100_000
    (folder / "deep.json").write_text(
        '{"elements": ' + "[" * deep + "]" * deep + "}", encoding="utf-8"
    )
    os.mkfifo(folder / "pipe.yaml")
    return {
        "xlsx bomb (1 MB → 1 GB sheet)": ["import", "xlsx", "bomb.xlsx", "-o", "o.yaml"],
        "xlsx with a 1 GB unreferenced part": ["import", "xlsx", "padded.xlsx", "-o", "o.yaml"],
        "xlsx whose 1 GB sheet declares 5 kB": ["import", "xlsx", "liar.xlsx", "-o", "o.yaml"],
        "  beside it: a 1,000-stakeholder workbook": [
            "import",
            "xlsx",
            "good.xlsx",
            "-o",
            "o.yaml",
        ],
        "1M empty stakeholders (7 MB)": ["validate", "empty.yaml"],
        "  beside it: a valid 7 MB map": ["validate", "valid.yaml"],
        "kumu nested 100,000 deep": ["import", "kumu", "deep.json", "-o", "o.yaml"],
        "a named pipe as the map": ["validate", "pipe.yaml"],
    }


def run_case(
    args: list[str], folder: Path, src: Path, limit: int | None, timeout: float
) -> dict[str, Any]:
    def cap() -> None:
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {**os.environ, "PYTHONPATH": str(src)}
    args = [a if a != "o.yaml" else f"out-{next(_RUNS)}.yaml" for a in args]
    wait = PIPE_WAIT if "pipe.yaml" in args else timeout
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, *args],
            cwd=folder,
            capture_output=True,
            text=True,
            env=env,
            preexec_fn=cap,
            timeout=wait,
        )
    except subprocess.TimeoutExpired:
        word = "waits on the pipe" if wait == PIPE_WAIT else "still running"
        return {"exit": f"{word}, stopped after {wait:g} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        died = proc.stderr.strip().splitlines()[-1:] or [f"status {proc.returncode}"]
        return {"exit": f"died: {died[0][:60]}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def extract(rev: str, into: Path) -> Path:
    archive = into / "src.tar"
    with open(archive, "wb") as fh:
        subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, stdout=fh, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", help="a git revision to run side by side")
    parser.add_argument("--limit-gb", type=float, default=8.0, help="address space per process")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds per case")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument("--only", help="run only the cases whose name holds this text")
    opts = parser.parse_args()
    limit = int(opts.limit_gb * (1 << 30)) if opts.limit_gb else None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases = make_files(folder)
        versions = {"this tree": ROOT / "src"}
        if opts.before:
            old = folder / "before"
            old.mkdir()
            versions[opts.before] = extract(opts.before, old)
        rows, figures = [], {}
        for name, args in cases.items():
            if opts.only and opts.only not in name:
                continue
            for version, src in versions.items():
                r = run_case(args, folder, src, limit, opts.timeout)
                figures[f"{name} | {version}"] = r
                rows.append(
                    [
                        name,
                        version,
                        str(r.get("exit")),
                        f"{r['cpu']:.2f}" if "cpu" in r else "–",
                        f"{r['rss_mb']:.0f}" if "rss_mb" in r else "–",
                        f"{r['lines']:,}" if "lines" in r else "–",
                    ]
                )
        print(format_table(["case", "version", "exit", "CPU s", "peak MB", "lines printed"], rows))
        print(json.dumps(environment()))
        if opts.json:
            opts.json.write_text(
                json.dumps({"environment": environment(), "cases": figures}, indent=2)
            )


if __name__ == "__main__":
    main()
