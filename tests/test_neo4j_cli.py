"""``sysmap neo4j``: exit codes, exact messages, no tracebacks, on FalkorDB embedded.

Errors that need a server which behaves badly are made real where we can: a
closed port for "server down", a FalkorDB server with a password for "bad
credentials". Neo4j's own "no such database" needs a Neo4j; its translation
is checked with the driver's real exception next to them.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

import neo4j_engines
from helpers import ROOT
from neo4j_engines import HAVE_FALKORDBLITE, falkordb_uri
from sysmap.cli import main
from sysmap.validate import load_map

SMALL = ROOT / "examples" / "small.yaml"
CURRENT = ROOT / "examples" / "homelessness-current.yaml"

# the engine fixtures, shared with the other Neo4j tests
falkordb_folder = neo4j_engines.falkordb_folder


def invoke(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return int(info.value.code or 0), out, err


@pytest.fixture
def db(falkordb_folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty graph in FalkorDB embedded, named by SYSMAP_NEO4J_* as a user would.

    Returns how messages name it.
    """
    uri = falkordb_uri(falkordb_folder)
    graph = f"cli-{uuid.uuid4().hex[:8]}"
    for var in ("SYSMAP_NEO4J_USER", "SYSMAP_NEO4J_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SYSMAP_NEO4J_URI", uri)
    monkeypatch.setenv("SYSMAP_NEO4J_DATABASE", graph)
    return f"FalkorDB at {uri}, graph '{graph}'"


def test_push_list_pull_delete(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    where = db
    code, out, _ = invoke(["neo4j", "push", str(SMALL)], capsys)
    assert code == 0
    assert out == (
        f"Pushed small version 2025-04-30 in {where}: "
        "9 stakeholders, 3 factors, 15 relationships, 1 loop\n"
    )
    code, out, _ = invoke(["neo4j", "push", str(SMALL)], capsys)
    assert (code, out) == (
        0,
        f"small version 2025-04-30 is already stored in {where} (unchanged)\n",
    )
    code, out, _ = invoke(["neo4j", "push", str(CURRENT), "--version", "draft"], capsys)
    assert code == 0 and out.startswith("Pushed riverton-current version draft")

    code, out, _ = invoke(["neo4j", "list"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == [
        "map",
        "version",
        "stage",
        "stakeholders",
        "relationships",
        "pushed",
        "(UTC)",
        "title",
    ]
    assert lines[1].split()[:5] == ["riverton-current", "draft", "current", "49", "135"]
    assert lines[2].split()[:5] == ["small", "2025-04-30", "current", "9", "15"]
    assert lines[2].endswith("Small hand-checkable map")

    code, out, _ = invoke(["neo4j", "list", "small", "--format", "json"], capsys)
    data = json.loads(out)
    assert [(v["map_id"], v["version"], v["relationships"]) for v in data] == [
        ("small", "2025-04-30", 15)
    ]

    target = tmp_path / "back.yaml"
    code, _, err = invoke(["neo4j", "pull", "small", "-o", str(target)], capsys)
    assert code == 0
    assert err == f"Wrote {target}: 9 stakeholders, 3 factors, 15 relationships, 1 loop\n"
    assert load_map(target) == load_map(SMALL)
    code, _, err = invoke(["neo4j", "pull", "small", "-o", str(target)], capsys)
    # the same exit status as init and import for an output that exists (1)
    assert code == 1 and f"{target} exists already — choose another name or use --force" in err
    code, out, _ = invoke(["neo4j", "pull", "riverton-current"], capsys)
    assert code == 0 and "id: riverton-current" in out

    code, out, _ = invoke(["neo4j", "delete", "small", "--yes"], capsys)
    assert (code, out) == (0, "Deleted small: version 2025-04-30\n")
    code, _, err = invoke(["neo4j", "pull", "small"], capsys)
    assert code == 1
    assert err == (f"Error: no map 'small' in {where} — `sysmap neo4j list` shows what is there\n")


def test_a_changed_map_is_refused_without_replace(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    m = tmp_path / "small.yaml"
    m.write_text(SMALL.read_text(encoding="utf-8"), encoding="utf-8")
    invoke(["neo4j", "push", str(m)], capsys)
    m.write_text(
        m.read_text(encoding="utf-8").replace("Small hand-checkable map", "Renamed"),
        encoding="utf-8",
    )
    code, _, err = invoke(["neo4j", "push", str(m)], capsys)
    assert code == 1
    assert err == (
        f"Error: small version 2025-04-30 is already in {db} "
        "with different content — use --replace (replace=True) to update it, or push it "
        "as a new version with --version\n"
    )
    code, out, _ = invoke(["neo4j", "push", str(m), "--replace"], capsys)
    assert code == 0 and out.startswith("Replaced small version 2025-04-30")
    code, out, _ = invoke(["neo4j", "list"], capsys)
    assert "Renamed" in out


def test_delete_asks_first(db: str, capsys: pytest.CaptureFixture[str], monkeypatch):
    invoke(["neo4j", "push", str(SMALL)], capsys)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    code, out, err = invoke(["neo4j", "delete", "small"], capsys)
    assert code == 130 and "Delete every version of small? [y/N]" in err
    code, out, _ = invoke(["neo4j", "list", "small", "--format", "json"], capsys)
    assert len(json.loads(out)) == 1
    code, _, err = invoke(["neo4j", "delete", "small", "--version", "nope", "--yes"], capsys)
    assert code == 1 and "map 'small' has no version 'nope'" in err and "it has 2025-04-30" in err


def test_an_invalid_map_is_not_pushed(db: str, tmp_path: Path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SMALL.read_text(encoding="utf-8").replace("role: beneficiary", "role: benificiary", 1),
        encoding="utf-8",
    )
    code, _, err = invoke(["neo4j", "push", str(bad)], capsys)
    assert code == 1 and "unknown role 'benificiary'" in err
    code, _, err = invoke(["neo4j", "list"], capsys)
    assert code == 0 and err == f"no maps in {db}\n"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_is_down_is_one_line(capsys, monkeypatch):
    monkeypatch.delenv("SYSMAP_NEO4J_PASSWORD", raising=False)
    port = _closed_port()
    code, _, err = invoke(["neo4j", "list", "--uri", f"bolt://127.0.0.1:{port}"], capsys)
    assert code == 1
    assert err == (
        f"Error: cannot reach Neo4j at bolt://127.0.0.1:{port} — is the server running and the "
        "address right? (--uri or SYSMAP_NEO4J_URI)\n"
    )
    code, _, err = invoke(
        ["neo4j", "push", str(SMALL), "--uri", f"falkordb://127.0.0.1:{port}"], capsys
    )
    assert code == 1
    assert err.startswith(
        f"Error: cannot reach FalkorDB at falkordb://127.0.0.1:{port} — is the server running"
    )
    assert len(err.splitlines()) == 1


def test_an_unknown_address_lists_the_known_ones(capsys):
    code, _, err = invoke(["neo4j", "list", "--uri", "http://user:secret@db:7474"], capsys)
    assert code == 1
    assert err == (
        "Error: unknown database address 'http://user:***@db:7474' — use neo4j://HOST:7687 "
        "(or bolt://, neo4j+s:// for Aura), falkordb://HOST:6379 or falkordblite:FILE\n"
    )


def test_the_password_is_asked_for_not_taken_from_the_command_line(capsys, monkeypatch):
    monkeypatch.delenv("SYSMAP_NEO4J_PASSWORD", raising=False)
    port = _closed_port()
    asked: list[str] = []

    def prompt(text: str, **kw: object) -> str:
        asked.append(text)
        assert kw.get("hide_input") is True
        return "secret"

    monkeypatch.setattr("click.prompt", prompt)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    code, _, err = invoke(
        ["neo4j", "list", "--uri", f"neo4j://127.0.0.1:{port}", "--user", "ana"], capsys
    )
    assert asked == [f"Password for ana at neo4j://127.0.0.1:{port}"]
    assert code == 1 and "cannot reach Neo4j" in err
    code, _, err = invoke(["neo4j", "list", "--password", "x"], capsys)
    assert code == 2 and "No such option '--password'" in err


@pytest.fixture
def falkordb_server_with_password(tmp_path: Path):
    """A real FalkorDB server (from falkordblite) on a TCP port, with a password."""
    from helpers import need

    need(HAVE_FALKORDBLITE, "FalkorDB embedded is not installed (scripts/install-test)")
    from redislite.falkordb_client import FalkorDB

    port = _closed_port()
    server = FalkorDB(
        str(tmp_path / "auth.db"),
        serverconfig={"port": str(port), "bind": "127.0.0.1", "requirepass": "right"},
        password="right",  # the embedding client must log in too
    )
    yield port
    server.close()


def test_bad_credentials_are_one_line(falkordb_server_with_password: int, capsys, monkeypatch):
    port = falkordb_server_with_password
    monkeypatch.setenv("SYSMAP_NEO4J_PASSWORD", "wrong")
    code, _, err = invoke(["neo4j", "list", "--uri", f"falkordb://127.0.0.1:{port}"], capsys)
    assert code == 1
    assert err == (
        f"Error: FalkorDB at falkordb://127.0.0.1:{port} refused the user name or password — "
        "check them (SYSMAP_NEO4J_USER, SYSMAP_NEO4J_PASSWORD)\n"
    )
    monkeypatch.setenv("SYSMAP_NEO4J_PASSWORD", "right")
    code, out, _ = invoke(
        ["neo4j", "push", str(SMALL), "--uri", f"falkordb://127.0.0.1:{port}"], capsys
    )
    assert code == 0 and out.startswith("Pushed small")


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        (
            "Neo.ClientError.Database.DatabaseNotFound",
            "Database does not exist. Database name: 'nope'.",
            "Neo4j at neo4j://db:7687 has no database 'nope' — create it, or name another "
            "with --database or SYSMAP_NEO4J_DATABASE",
        ),
        (
            "Neo.ClientError.Security.Unauthorized",
            "The client is unauthorized due to authentication failure.",
            "Neo4j at neo4j://db:7687 refused user 'ana' — check the user and password "
            "(--user, SYSMAP_NEO4J_USER, SYSMAP_NEO4J_PASSWORD)",
        ),
    ],
)
def test_neo4j_errors_become_one_line_messages(code: str, message: str, expected: str):
    # the driver's own exceptions, as a Neo4j server sends them
    neo4j = pytest.importorskip("neo4j")
    from sysmap.neo4j.engines import Neo4jEngine
    from sysmap.neo4j.errors import StoreError

    engine = Neo4jEngine.__new__(Neo4jEngine)
    engine._neo4j = neo4j
    engine.uri, engine.user, engine.database = "neo4j://db:7687", "ana", "nope"
    engine.where = "neo4j://db:7687, database 'nope'"
    with pytest.raises(StoreError) as err, engine._translate():
        raise neo4j.exceptions.Neo4jError._hydrate_neo4j(code=code, message=message)
    assert str(err.value) == expected


def test_python_dash_m_shows_no_traceback():
    result = subprocess.run(
        [sys.executable, "-m", "sysmap", "neo4j", "pull", "x", "--uri", "falkordb://127.0.0.1:1"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("Error: cannot reach FalkorDB at falkordb://127.0.0.1:1")
    assert "Traceback" not in result.stderr


def test_push_warns_on_stderr_of_numbers_the_engine_rounds(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = SMALL.read_text(encoding="utf-8")
    assert "strength: 3\n" in text
    rounded = tmp_path / "thirds.yaml"
    rounded.write_text(text.replace("strength: 3\n", "strength: 2.3333333333333335\n", 1))
    code, out, err = invoke(["neo4j", "push", str(rounded)], capsys)
    assert code == 0 and out.startswith("Pushed small version 2025-04-30")
    assert err.startswith("warning: FalkorDB keeps 15 significant digits, so 1 number will be ")
    assert "strength 2.3333333333333335 → 2.33333333333333" in err


def test_list_and_push_show_control_characters_in_map_text_escaped(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    # a title from a map file (or a shared database) must not recolour or retitle
    # the terminal of whoever lists the stored maps
    hostile = tmp_path / "hostile.yaml"
    text = SMALL.read_text(encoding="utf-8")
    hostile.write_text(
        text.replace("title: Small hand-checkable map", 'title: "Red \\e[31m map \\e]0;owned\\a"'),
        encoding="utf-8",
    )
    assert load_map(hostile).title == "Red \x1b[31m map \x1b]0;owned\x07"
    code, out, err = invoke(["neo4j", "push", str(hostile)], capsys)
    assert code == 0 and "\x1b" not in out + err
    code, out, err = invoke(["neo4j", "list"], capsys)
    assert code == 0
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "Red \\u001b[31m map" in out
