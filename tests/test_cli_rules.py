"""The rules every command follows, checked over every command.

- every command and subcommand has --help with an example that names it;
- the format comes from --format, else from the -o file's suffix, else the
  first choice; a suffix that names no format the command writes is one line
  that lists the suffixes, exit 1 (as for any file the command cannot write);
- an output file that exists already is exit 1, with the same message, in
  every command that refuses to replace one;
- ``sysmap --quiet`` leaves stderr empty on success and drops confirmations.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from helpers import EXAMPLES
from sysmap.cli import COMMANDS, cli, main

CURRENT = str(EXAMPLES / "homelessness-current.yaml")
REDESIGN = str(EXAMPLES / "homelessness-redesign.yaml")
SMALL = str(EXAMPLES / "small.yaml")
ROLE = str(EXAMPLES / "roles" / "lived-experience-engagement-coordinator.yaml")

#: A working invocation of every command that takes --format and -o.
WRITERS: dict[str, list[str]] = {
    "analyze": ["analyze", SMALL],
    "paths": ["paths", SMALL, "pwle"],
    "summary": ["summary", SMALL],
    "compare": ["compare", CURRENT, REDESIGN],
    "plan": ["plan", CURRENT, REDESIGN],
    "process": ["process", CURRENT, REDESIGN],
    "roles": ["roles", ROLE],
    "assess": ["assess", CURRENT],
    "whatif": ["whatif", CURRENT, "--scenario", "landlords-join"],
    "report": ["report", CURRENT, REDESIGN],
}


def invoke(args: list[str], capsys) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def every_command() -> list[tuple[list[str], click.Command]]:
    found = []

    def walk(group: click.Group, prefix: list[str]) -> None:
        ctx = click.Context(group)
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, f"{' '.join(prefix + [name])} does not load"
            found.append((prefix + [name], command))
            if isinstance(command, click.Group):
                walk(command, prefix + [name])

    walk(cli, [])
    return found


COMMAND_LIST = every_command()


def choices_of(command: click.Command) -> tuple[str, ...] | None:
    for p in command.params:
        if p.name == "fmt" and isinstance(p.type, click.Choice):
            return tuple(str(c) for c in p.type.choices)
    return None


def has_output(command: click.Command) -> bool:
    return any(p.name == "output" for p in command.params)


def test_every_registered_command_loads_under_its_own_name():
    for name, (module, attr, line) in COMMANDS.items():
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.name == name, (name, module, attr)
        assert line and len(line) <= 60  # the line sysmap --help shows


@pytest.mark.parametrize("path", [p for p, _ in COMMAND_LIST], ids=" ".join)
def test_every_command_has_help_with_an_example(path: list[str], capsys):
    code, out, _ = invoke([*path, "--help"], capsys)
    assert code == 0
    command = dict((tuple(p), c) for p, c in COMMAND_LIST)[tuple(path)]
    if isinstance(command, click.Group):
        assert "Commands:" in out
    else:
        assert "Example" in out and f"sysmap {' '.join(path)}" in out, out


def test_every_writer_with_a_format_is_checked_here():
    writers = {
        " ".join(path)
        for path, command in COMMAND_LIST
        if choices_of(command) and has_output(command) and path[0] != "neo4j"
    }
    assert writers == set(WRITERS)


def looks_like(fmt: str, text: str) -> bool:
    if fmt == "json":
        json.loads(text)
        return True
    if fmt == "csv":
        return "," in text.splitlines()[0]
    if fmt == "html":
        return text.lstrip().lower().startswith("<!doctype html")
    if fmt == "md":
        return text.lstrip().startswith(("#", "|", "**", "-"))
    return not text.lstrip().startswith(("{", "#"))


@pytest.mark.parametrize("name", list(WRITERS))
def test_the_format_comes_from_the_suffix_unless_format_says(name: str, tmp_path: Path, capsys):
    command = dict((p[0], c) for p, c in COMMAND_LIST if len(p) == 1)[name]
    choices = choices_of(command)
    assert choices is not None
    texts = {}
    for fmt in choices:
        suffix = "txt" if fmt == "text" else fmt
        out = tmp_path / f"out.{suffix}"
        code, _, err = invoke([*WRITERS[name], "-o", str(out)], capsys)
        assert code == 0, err
        texts[fmt] = out.read_text(encoding="utf-8")
        assert looks_like(fmt, texts[fmt]), (fmt, texts[fmt][:200])
    assert len(set(texts.values())) == len(choices)  # each suffix gave its own format
    # --format wins over the suffix
    other = tmp_path / "out.txt"
    last = choices[-1]
    code, _, _ = invoke([*WRITERS[name], "--format", last, "-o", str(other)], capsys)
    assert code == 0 and other.read_text(encoding="utf-8") == texts[last]
    # a suffix that names no format this command writes: one line, exit 1
    code, _, err = invoke([*WRITERS[name], "-o", str(tmp_path / "out.xyz")], capsys)
    assert code == 1 and err.startswith(f"Error: {tmp_path / 'out.xyz'}: cannot tell the {name}")
    assert "--format" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out.xyz").exists()


def test_an_output_that_exists_is_exit_1_everywhere(tmp_path: Path, capsys):
    taken = tmp_path / "taken.yaml"
    taken.write_text("keep me\n")
    sheet = tmp_path / "ex"
    assert invoke(["examples", str(sheet)], capsys)[0] == 0
    cases = [
        ["init", str(taken), "-q", "Who is heard?"],
        ["import", "xlsx", str(sheet / "stakeholders.xlsx"), "-o", str(taken)],
        ["examples", str(sheet)],
    ]
    for args in cases:
        code, _, err = invoke(args, capsys)
        assert code == 1, (args, err)
        assert "exists already — choose another name" in err or "exists already" in err
    assert taken.read_text() == "keep me\n"


@pytest.mark.parametrize("name", ["analyze", "plan", "roles"])
def test_quiet_leaves_stderr_empty(name: str, tmp_path: Path, capsys):
    out = tmp_path / "out.json"
    code, _, err = invoke([*WRITERS[name], "-o", str(out)], capsys)
    assert code == 0 and f"Wrote {out}" in err
    out.unlink()
    code, stdout, err = invoke(["--quiet", *WRITERS[name], "-o", str(out)], capsys)
    assert code == 0 and err == "" and stdout == "" and out.exists()


def test_quiet_edits_print_nothing(tmp_path: Path, capsys):
    f = tmp_path / "m.yaml"
    code, out, _ = invoke(["init", str(f), "-q", "Who is heard?"], capsys)
    assert code == 0 and out.startswith("Wrote")
    commands = [
        ["add", "stakeholder", str(f), "pwle", "--name", "PWLE", "--role", "Beneficiary"],
        ["set", str(f), "pwle", "power", "2"],
        ["rename", str(f), "pwle", "people"],
        ["remove", str(f), "people"],
    ]
    for args in commands:
        code, out, err = invoke(["--quiet", *args], capsys)
        assert (code, out, err) == (0, "", ""), args
