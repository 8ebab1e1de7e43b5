"""The ``sysmap`` command line: thin commands over the library.

Each command parses its options, calls one library function and prints the
result. Errors are caught in one place (:func:`main`): ``Error: …`` on
stderr and exit status 1; usage mistakes exit with 2.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import NoReturn

import click

from sysmap import __version__
from sysmap.cli.analyze import analyze_cmd, paths_cmd
from sysmap.cli.check import schema_cmd, summary_cmd, validate_cmd
from sysmap.cli.compare import compare_cmd, plan_cmd
from sysmap.cli.edit import add_group, init_cmd, remove_cmd, rename_cmd, set_cmd
from sysmap.cli.html import map_cmd
from sysmap.cli.interchange import export_cmd, import_cmd
from sysmap.cli.neo4j import neo4j_group
from sysmap.cli.options import echo
from sysmap.cli.process import add_assessment_cmd, assess_cmd, process_cmd, roles_cmd
from sysmap.cli.report import report_cmd
from sysmap.cli.whatif import whatif_cmd
from sysmap.cli.workshop import workshop_cmd
from sysmap.errors import MapInvalid, SysmapError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sysmap")
def cli() -> None:
    """sysmap: map a community system's stakeholders, relationships, power and
    feedback loops around one guiding question.

    \b
    Start a map, check it, see what it holds:
      sysmap init homelessness.yaml --question "How do we end homelessness here?"
      sysmap add stakeholder homelessness.yaml pwle --name "People with lived experience" --role beneficiary
      sysmap validate homelessness.yaml
      sysmap summary homelessness.yaml
    """


for command in (
    init_cmd,
    validate_cmd,
    summary_cmd,
    schema_cmd,
    add_group,
    remove_cmd,
    set_cmd,
    rename_cmd,
    analyze_cmd,
    paths_cmd,
    import_cmd,
    export_cmd,
    compare_cmd,
    plan_cmd,
    map_cmd,
    report_cmd,
    whatif_cmd,
    workshop_cmd,
    process_cmd,
    roles_cmd,
    assess_cmd,
    neo4j_group,
):
    cli.add_command(command)
add_group.add_command(add_assessment_cmd)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; exit 0 on success, 1 on a map or file error, 2 on usage."""
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
