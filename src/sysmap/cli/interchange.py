"""``sysmap import`` and ``sysmap export``: thin commands over :mod:`sysmap.formats`.

The format names come from the registry when the command runs, so a module
that registers another format (``register_export("html", …)``) appears here
without editing this file.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from sysmap.cli.options import (
    contents,
    echo,
    note,
    redact_option,
    refuse_overwrite,
    stage,
    stage_done,
)
from sysmap.errors import UnknownOption
from sysmap.problems import one_of

__all__ = ["import_cmd", "export_cmd"]


if TYPE_CHECKING:
    _ParamType = click.ParamType[str]
else:  # click before 8.2 has no type parameter here
    _ParamType = click.ParamType


class FormatName(_ParamType):
    """A format name checked against the registry at parse time."""

    name = "format"

    def __init__(self, direction: str) -> None:
        self.direction = direction

    def _names(self) -> list[str]:
        from sysmap import formats

        registry = formats.EXPORT_FORMATS if self.direction == "export" else formats.IMPORT_FORMATS
        return sorted(registry)

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "FORMAT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        name = str(value).strip().lower()
        names = self._names()
        if name in names:
            return name
        from sysmap.problems import did_you_mean

        hint = did_you_mean(name, names)
        self.fail(
            f"unknown {self.direction} format {value!r}"
            + (f" — did you mean {hint!r}?" if hint else "")
            + f" Use one of {one_of(names)}",
            param,
            ctx,
        )

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[Any]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(n) for n in self._names() if n.startswith(incomplete)]


def _options(pairs: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r}: write KEY=VALUE", param_hint="'-O/--option'")
        low = value.strip().lower()
        out[key.strip().replace("-", "_")] = (
            True if low == "true" else False if low == "false" else value
        )
    return out


@contextmanager
def _option_usage() -> Iterator[None]:
    """An option the format does not take is a usage error (exit 2)."""
    try:
        yield
    except UnknownOption as exc:
        raise click.BadParameter(str(exc), param_hint="'-O/--option'") from None


def _warn(messages: list[str]) -> None:
    for line in messages:
        echo(line, err=True)


def _format_list(direction: str) -> str:
    from sysmap import formats

    registry = formats.EXPORT_FORMATS if direction == "export" else formats.IMPORT_FORMATS
    width = max(len(n) for n in registry) + 1
    return "\n".join(f"  {n:<{width}} {registry[n].description}" for n in sorted(registry))


class _FormatsCommand(click.Command):
    """A command whose help ends with the formats registered when it is shown."""

    direction = "export"

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        formatter.write_text("Formats:")
        formatter.write(_format_list(self.direction) + "\n")


class _ImportCommand(_FormatsCommand):
    direction = "import"


@click.command("import", cls=_ImportCommand)
@click.argument("format_name", metavar="FORMAT", type=FormatName("import"))
@click.argument("input_file", metavar="FILE", type=click.Path())
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The map file to write."
)
@click.option("--id", "map_id", help="The map's id when the file has none (default: file name).")
@click.option("--title", help="The map's title when the file has none.")
@click.option("--question", help="The guiding question when the file has none.")
@click.option(
    "--role",
    help="The role of stakeholders the file gives none (beneficiary, provider, leader); "
    "survey: provider unless given.",
)
@click.option(
    "--kind",
    help="The kind of relationships the file gives none (e.g. collaborates); "
    "survey: collaborates unless given.",
)
@click.option(
    "--weights",
    type=click.Choice(["auto", "rescale", "keep"]),
    help="Another tool's edge weights: auto (also strength when all fit 0–5), rescale "
    "(strength = weight × 5 / the largest), keep (only the attribute weight).",
)
@click.option(
    "-O", "--option", "extra", multiple=True, metavar="KEY=VALUE", help="A format option."
)
@click.option("--force", is_flag=True, help="Replace the map file if it exists.")
def import_cmd(
    format_name: str,
    input_file: str,
    output: str,
    map_id: str | None,
    title: str | None,
    question: str | None,
    role: str | None,
    kind: str | None,
    weights: str | None,
    extra: tuple[str, ...],
    force: bool,
) -> None:
    """Build a map from a spreadsheet, Kumu, GraphML, GEXF or survey file.

    Every problem is reported with its sheet, row and column; nothing is
    written unless the whole file is valid. Warnings (what was guessed or
    left out) go to stderr.

    \b
    Example:
      sysmap import xlsx stakeholders.xlsx -o map.yaml --question "How do we end homelessness?"
      sysmap import csv kumu-export/ -o map.yaml
      sysmap import kumu kumu.json -o map.yaml
      sysmap import survey partner.csv -o network.yaml --role provider
      sysmap import graphml karate.graphml -o karate.yaml --role beneficiary --kind collaborates
    """
    from sysmap.formats import import_map
    from sysmap.storage import save_map

    refuse_overwrite(output, force)
    options: dict[str, Any] = {
        "id": map_id,
        "title": title,
        "guiding_question": question,
        "role": role,
        "kind": kind,
        "weights": weights,
    }
    options = {k: v for k, v in options.items() if v is not None}
    options.update(_options(extra))
    with _option_usage():
        stage(f"Reading {input_file}")
        result = import_map(format_name, input_file, **options)
    stage_done()
    _warn(result.messages())
    stage(f"Writing {output}")
    save_map(result.map, output)
    m = result.map
    note(f"Wrote {output}: {contents(m)}")


@click.command("export", cls=_FormatsCommand)
@click.argument("format_name", metavar="FORMAT", type=FormatName("export"))
@click.argument("map_file", metavar="MAP", required=False, type=click.Path())
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    default=None,
    help="The file (a folder for csv) to write; text formats print without it.",
)
@click.option(
    "--template",
    is_flag=True,
    help="xlsx: an empty workbook with the headers and drop-down lists (MAP optional).",
)
@redact_option
@click.option(
    "-O", "--option", "extra", multiple=True, metavar="KEY=VALUE", help="A format option."
)
def export_cmd(
    format_name: str,
    map_file: str | None,
    output: str | None,
    template: bool,
    redact: bool | None,
    extra: tuple[str, ...],
) -> None:
    """Write a map for other tools: spreadsheets, Kumu, Gephi, Mermaid, Neo4j.

    Fields a format cannot carry are named in a warning on stderr, never
    dropped silently. With --redact, people marked sensitive do not leave
    the workshop by name, whatever the format.

    \b
    Example:
      sysmap export xlsx examples/small.yaml -o small.xlsx
      sysmap export xlsx --template -o stakeholders-template.xlsx
      sysmap export csv examples/small.yaml -o small-csv/
      sysmap export graphml examples/small.yaml -o small.graphml
      sysmap export mermaid examples/small.yaml
      sysmap export cypher examples/small.yaml -o small.cypher
      sysmap export kumu examples/homelessness-current.yaml -o public.json --redact
    """
    from sysmap.formats import EXPORT_FORMATS, export_map
    from sysmap.validate import load_map

    fmt = EXPORT_FORMATS[format_name]
    options = _options(extra)
    if template:
        if "template" not in fmt.options:
            raise click.UsageError(f"--template is for xlsx, not {format_name}")
        options["template"] = True
    options["redact"] = redact
    if map_file is None and not options.get("template"):
        raise click.UsageError("Missing argument 'MAP'.")
    if map_file is not None:
        stage(f"Reading {map_file}")
    m = load_map(map_file) if map_file is not None else None
    if output is None:
        if fmt.folder or fmt.binary:
            raise click.UsageError(f"{format_name} writes files — say where with -o")
        with _option_usage():
            result = export_map(m, format_name, sys.stdout, **options)  # type: ignore[arg-type]
    else:
        with _option_usage():
            stage(f"Writing {output}")
            result = export_map(m, format_name, output, **options)  # type: ignore[arg-type]
        note(f"Wrote {output}")
    _warn(result.messages())
