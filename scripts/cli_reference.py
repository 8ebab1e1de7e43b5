"""Write docs/cli.md from the commands' --help text.

    python scripts/cli_reference.py          # rewrite docs/cli.md
    python scripts/cli_reference.py --check  # exit 1 if docs/cli.md is stale

tests/test_docs.py runs the check, so the reference cannot drift from the code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.testing import CliRunner

from sysmap.cli import cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"

HEADER = """\
# Command-line reference

Generated from `sysmap … --help` by `scripts/cli_reference.py`; do not edit by
hand. Each command is one call in the Python API — see
[python-api.md](python-api.md) for the equivalent.

Exit status: 0 success, 1 a map or file problem (the message says which file,
line and field, and what to do), 2 a usage mistake.
"""


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    out = []
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        if command is None or command.hidden:
            continue
        out.append(prefix + [name])
        if isinstance(command, click.Group):
            out.extend(_commands(command, prefix + [name]))
    return out


def render() -> str:
    runner = CliRunner()
    parts = [HEADER]
    for path in [[]] + _commands(cli, []):
        result = runner.invoke(cli, path + ["--help"], prog_name="sysmap", terminal_width=100)
        title = " ".join(["sysmap", *path])
        parts.append(f"\n## `{title}`\n\n```text\n{result.output.rstrip()}\n```\n")
    return "".join(parts)


def main() -> None:
    text = render()
    if "--check" in sys.argv[1:]:
        if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
            print("docs/cli.md is stale — run: python scripts/cli_reference.py", file=sys.stderr)
            sys.exit(1)
        print("docs/cli.md is up to date")
        return
    DOC.write_text(text, encoding="utf-8")
    print(f"Wrote {DOC}")


if __name__ == "__main__":
    main()
