"""The ``sysmap`` command line: thin commands over the library.

Each command parses its options, calls one library function and prints the
result. Errors are caught in one place (:func:`main`): ``Error: …`` on
stderr and exit status 1; usage mistakes exit with 2.
"""

from __future__ import annotations

import sys

import click

from sysmap import __version__
from sysmap.cli.analyze import analyze_cmd, paths_cmd
from sysmap.cli.check import schema_cmd, summary_cmd, validate_cmd
from sysmap.cli.compare import compare_cmd, plan_cmd
from sysmap.cli.edit import add_group, init_cmd, remove_cmd, set_cmd
from sysmap.cli.html import map_cmd
from sysmap.cli.interchange import export_cmd, import_cmd
from sysmap.cli.neo4j import neo4j_group
from sysmap.cli.options import echo
from sysmap.cli.process import add_assessment_cmd, assess_cmd, process_cmd, roles_cmd
from sysmap.cli.report import report_cmd
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
    analyze_cmd,
    paths_cmd,
    import_cmd,
    export_cmd,
    compare_cmd,
    plan_cmd,
    map_cmd,
    report_cmd,
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
    sys.exit(0)
