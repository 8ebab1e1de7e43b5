"""``sysmap validate``, ``sysmap summary`` and ``sysmap schema``."""

from __future__ import annotations

import json
import sys

import click

from sysmap.cli.options import (
    echo,
    emit,
    emit_result,
    format_option,
    map_argument,
    output_option,
    result_options,
    shown_maps,
)
from sysmap.mapfile import read_text
from sysmap.schema import generate_schema
from sysmap.summary import summarize
from sysmap.validate import load_map, validate_file

__all__ = ["validate_cmd", "summary_cmd", "schema_cmd"]


@click.command("validate")
@click.argument("map_files", metavar="MAP...", nargs=-1, required=True, type=click.Path())
@format_option("text", "json")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate_cmd(map_files: tuple[str, ...], fmt: str, strict: bool) -> None:
    """Check map files and report every problem, each with its line and field.

    Exit status: 0 when every map is valid, 1 when any has an error (or, with
    --strict, a warning).

    \b
    Example:
      sysmap validate examples/*.yaml
      sysmap validate map.yaml --format json
    """
    reports = [validate_file(f) for f in map_files]
    failed = any(not r.ok or (strict and r.warnings) for r in reports)
    if fmt == "json":
        data = [r.to_dict() for r in reports]
        echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        for r in reports:
            echo(r.format_text(), err=not r.ok or bool(strict and r.warnings))
    sys.exit(1 if failed else 0)


@click.command("summary")
@map_argument()
@result_options("text", "json", "md")
def summary_cmd(map_file: str, fmt: str, output: str | None, redact: bool | None) -> None:
    """Show a map's guiding question, stakeholders by role, relationships by
    kind and status, and its warnings.

    \b
    Example:
      sysmap summary examples/homelessness-current.yaml
      sysmap summary examples/homelessness-current.yaml --format md -o summary.md
    """
    summary = summarize(shown_maps(load_map(map_file), redact=redact)[0])
    emit_result(summary, fmt, output)


@click.command("schema")
@output_option
@click.option(
    "--check",
    "check_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Exit 1 if this committed schema file differs from the model's schema.",
)
def schema_cmd(output: str | None, check_file: str | None) -> None:
    """Print the JSON Schema of map files (generated from the model).

    \b
    Example:
      sysmap schema -o schemas/sysmap.schema.json
      sysmap schema --check schemas/sysmap.schema.json
    """
    text = generate_schema()
    if check_file:
        current = read_text(check_file)  # a regular file only: a named pipe would hang
        if current != text:
            click.echo(
                f"{check_file} is out of date — run: sysmap schema -o {check_file}", err=True
            )
            sys.exit(1)
        click.echo(f"{check_file} is up to date")
        return
    emit(text, output)
