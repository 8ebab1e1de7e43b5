"""Options shared by many commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click

__all__ = ["format_option", "output_option", "map_argument", "emit", "emit_result"]

F = Callable[..., Any]


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with the given choices (the first is the default)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def output_option(f: F) -> F:
    """``-o/--output FILE``: write there (atomically) instead of printing."""
    return click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write to this file instead of standard output.",
    )(f)


def map_argument(name: str = "map_file") -> Callable[[F], F]:
    """A map file argument (YAML or JSON)."""
    return click.argument(name, metavar="MAP", type=click.Path(dir_okay=True))


def emit_result(result: Any, fmt: str, output: str | None) -> None:
    """Print (or write) a result as JSON (``.to_dict()``), Markdown or text."""
    if fmt == "json":
        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    elif fmt == "md":
        text = result.format_markdown()
    else:
        text = result.format_text()
    emit(text, output)


def emit(text: str, output: str | None) -> None:
    """Print text, or write it atomically to ``output``."""
    if output:
        from sysmap.storage import write_atomic

        write_atomic(output, text if text.endswith("\n") else text + "\n")
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text.rstrip("\n"))
