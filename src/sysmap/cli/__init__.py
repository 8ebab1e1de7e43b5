"""The ``sysmap`` command line: thin commands over the library.

Each command parses its options, calls one library function and prints the
result. Errors are caught in one place (:func:`main`): ``Error: …`` on
stderr and exit status 1; usage mistakes exit with 2.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from typing import Any, NoReturn

import click

from sysmap import __version__
from sysmap._gc import gc_paused
from sysmap.cli.options import echo
from sysmap.errors import MapInvalid, SysmapError

__all__ = ["cli", "main", "COMMANDS"]

#: Every command: its module (in sysmap.cli), the click object in it, and the
#: line ``sysmap --help`` shows. A command's module is imported only when the
#: command runs (or its own --help is asked for), so ``sysmap --help`` and
#: ``sysmap validate`` never load the analyses, the HTML writers or the graph
#: libraries.
_COMMAND_TABLE = """\
init      edit         init_cmd      Start a new map: its guiding question and prompts.
validate  check        validate_cmd  Check map files: every problem, with its line.
summary   check        summary_cmd   What a map holds, by role, kind and stage.
schema    check        schema_cmd    The JSON Schema of map files.
add       edit         add_group     Add a stakeholder, relationship, loop, measure …
remove    edit         remove_cmd    Remove an item, or one entry of a list in it.
set       edit         set_cmd       Change one field of an item or of the map.
rename    edit         rename_cmd    Give an item a new id; references follow.
analyze   analyze      analyze_cmd   Structure, influence, power, voice, loops, equity.
paths     analyze      paths_cmd     Who and what is upstream and downstream of one.
import    interchange  import_cmd    Build a map from a spreadsheet, Kumu, GraphML …
export    interchange  export_cmd    Write a map for spreadsheets, Kumu, Gephi, Neo4j …
compare   compare      compare_cmd   Today's system beside its redesign.
plan      compare      plan_cmd      The change plan from today to the redesign.
map       htmlmap      map_cmd       An interactive HTML map in one file.
report    report       report_cmd    The workshop report, on screen and on paper.
whatif    whatif       whatif_cmd    What if: push key factors, or take stakeholders away.
workshop  workshop     workshop_cmd  Run a live workshop on the map.
process   process      process_cmd   Where the team stands in Who, Why, What and How.
roles     process      roles_cmd     Guiding-team roles, competencies and coverage.
assess    process      assess_cmd    Checklists scored per organisation.
examples  examples     examples_cmd  Copy the example maps and files to a folder.
neo4j     neo4j        neo4j_group   Keep maps and their versions in Neo4j.
"""
COMMANDS: dict[str, tuple[str, str, str]] = {
    name: (f"sysmap.cli.{module}", attr, line)
    for name, module, attr, line in (row.split(maxsplit=3) for row in _COMMAND_TABLE.splitlines())
}


#: Whether :func:`main` runs as the whole process (``sysmap …``, ``python -m
#: sysmap``) rather than called from Python with its arguments, as tests do.
_WHOLE_PROCESS = {"on": False}


class _LazyGroup(click.Group):
    """A group whose commands are imported when they are used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(super().list_commands(ctx)))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attr, _ = COMMANDS[cmd_name]
            # importing a command's libraries makes many objects and frees few:
            # no cycle search while it runs
            with gc_paused():
                command = getattr(importlib.import_module(module), attr)
            if _WHOLE_PROCESS["on"]:
                # they live as long as the process, so later collections need not
                # walk them again (most of the collector's time in `sysmap map`)
                gc.freeze()
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: Any) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx) if name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=_LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="sysmap")
@click.option(
    "--quiet",
    is_flag=True,
    help="No notes or progress on stderr, no confirmations of edits (errors still show).",
)
@click.pass_context
def cli(ctx: click.Context, quiet: bool) -> None:
    """sysmap: map a community system's stakeholders, relationships, power and
    feedback loops around one guiding question.

    \b
    Start a map, check it, see what it holds:
      sysmap init homelessness.yaml --question "How do we end homelessness here?"
      sysmap add stakeholder homelessness.yaml pwle --name "People with lived experience" --role beneficiary
      sysmap validate homelessness.yaml
      sysmap summary homelessness.yaml
    """
    ctx.obj = {"quiet": quiet}


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit 0 on success, 1 on a map or file error, 2 on usage."""
    _WHOLE_PROCESS["on"] = argv is None
    try:
        cli.main(args=argv, prog_name="sysmap", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.BadParameter as exc:
        if isinstance(exc, click.MissingParameter) or not isinstance(
            getattr(exc.param, "type", None), click.Path
        ):
            exc.show()
            sys.exit(exc.exit_code)
        # a file that cannot be used is a file error (exit 1), not a usage mistake
        click.echo(f"Error: {_path_hint(exc.format_message())}", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except MapInvalid as exc:
        for problem in exc.problems:
            if problem.severity == "error":
                echo(f"Error: {problem.format()}", err=True)
        sys.exit(1)
    except SysmapError as exc:
        echo(f"Error: {exc}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(1)
    except OSError as exc:
        _os_error(exc)
    try:
        sys.stdout.flush()  # a full disk behind '>' shows here, not at exit
    except BrokenPipeError:
        sys.exit(1)
    except OSError as exc:
        _os_error(exc)
    sys.exit(0)


_PATH_HINTS = {
    "is a directory.": " Give a file name.",
    "is not readable.": " Check the file's permissions.",
    "is not writable.": " Write somewhere else, or check the permissions.",
    "is a file.": " Give a folder name.",
}


def _path_hint(message: str) -> str:
    for end, hint in _PATH_HINTS.items():
        if message.endswith(end):
            return message + hint
    return message


def _os_error(exc: OSError) -> NoReturn:
    """Report a failed read or write the library did not name, and exit 1."""
    what = f"{exc.filename}: " if exc.filename else "cannot write the output: "
    click.echo(
        f"Error: {what}{exc.strerror or exc} — check the path, the permissions and the free space",
        err=True,
    )
    with contextlib.suppress(OSError):  # let the exit not try to flush stdout again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(1)
