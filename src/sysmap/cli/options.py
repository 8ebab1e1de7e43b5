"""Options shared by many commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

import click

from sysmap.errors import OutputError, UnknownFormat
from sysmap.escape import terminal_text

if TYPE_CHECKING:  # the model and redaction load when a command uses them, not at startup
    from sysmap.model import SystemMap

__all__ = [
    "format_option",
    "result_options",
    "shown_option",
    "output_option",
    "output_file_option",
    "map_argument",
    "redact_option",
    "emit",
    "emit_result",
    "echo",
    "shown_maps",
    "note",
    "say",
    "stage",
    "stage_done",
    "is_quiet",
    "output_format",
    "refuse_overwrite",
    "SUFFIX_FORMATS",
]

F = Callable[..., Any]


#: The format a file name's suffix asks for.
SUFFIX_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "md",
    ".markdown": "md",
    ".json": "json",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
}


def output_format(fmt: str | None, output: str | None, choices: tuple[str, ...]) -> str:
    """The one rule for every command: ``--format`` if given, else the output
    file's suffix, else the first choice.

    >>> output_format(None, "plan.csv", ("md", "csv", "json"))
    'csv'
    >>> output_format("md", "plan.csv", ("md", "csv", "json"))
    'md'
    >>> output_format(None, None, ("text", "json"))
    'text'
    """
    if fmt is not None:
        return fmt
    if not output or output == "-":
        return choices[0]
    suffix = os.path.splitext(output)[1].lower()
    wanted = SUFFIX_FORMATS.get(suffix)
    if wanted in choices:
        return wanted
    names = " or ".join(
        ", ".join(f".{'txt' if c == 'text' else c}" for c in choices).rsplit(", ", 1)
    )
    ctx = click.get_current_context(silent=True)
    what = f"{ctx.command.name} " if ctx is not None and ctx.command.name else ""
    raise UnknownFormat(
        f"{output}: cannot tell the {what}format from the name — end it in {names}, "
        f"or give the format (--format {' or '.join(choices)})",
        value=suffix,
        choices=choices,
    )


def refuse_overwrite(output: str | None, force: bool) -> None:
    """Stop before an existing ``output`` is overwritten, unless ``--force``."""
    if output and os.path.exists(output) and not force:
        raise OutputError(
            f"{output} exists already — choose another name or use --force", path=output
        )


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format`` with the given choices; without it, the format comes from the
    ``-o`` file's suffix (see :func:`output_format`), else the first choice."""

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def command(*args: Any, **kwargs: Any) -> Any:
            kwargs["fmt"] = output_format(kwargs.get("fmt"), kwargs.get("output"), choices)
            return f(*args, **kwargs)

        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=None,
            help=f"Output format: {', '.join(choices)} (default: from the -o file's "
            f"suffix, else {choices[0]}).",
        )(command)

    return decorate


def result_options(*choices: str) -> Callable[[F], F]:
    """``--format`` (see :func:`format_option`), ``-o/--output`` and
    ``--redact/--no-redact``: what every command that prints a result takes."""

    def decorate(f: F) -> F:
        return format_option(*choices)(output_option(redact_option(f)))

    return decorate


def shown_option(
    flag: str, type: Any, default: Any, help: str, name: str | None = None
) -> Callable[[F], F]:
    """An option whose default ``--help`` shows (``name``: the parameter, when
    not the one the flag gives)."""
    decls = (flag,) if name is None else (flag, name)
    return click.option(*decls, type=type, default=default, show_default=True, help=help)


def is_quiet() -> bool:
    """Whether ``sysmap --quiet`` asked for no notes and no progress on stderr."""
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    return bool(root is not None and isinstance(root.obj, dict) and root.obj.get("quiet"))


def note(text: str) -> None:
    """A note for the person at the terminal, on stderr (``Wrote x``); none with --quiet."""
    if not is_quiet():
        stage_done()
        echo(text, err=True)


def contents(m: SystemMap) -> str:
    """What a written map holds, for "Wrote FILE: …": stakeholders, factors,
    relationships and loops, counted."""
    from sysmap.render import plural

    return (
        f"{plural(len(m.stakeholders), 'stakeholder')}, {plural(len(m.factors), 'factor')}, "
        f"{plural(len(m.relationships), 'relationship')}, {plural(len(m.loops), 'loop')}"
    )


def say(text: str) -> None:
    """A confirmation on stdout (``Added …``); none with --quiet."""
    if not is_quiet():
        stage_done()
        echo(text)


def stage(name: str) -> None:
    """Say which stage a long command has reached — on a terminal only (nothing
    when stderr is piped or with --quiet), overwriting the previous stage."""
    stream = _stderr()
    if is_quiet() or not stream.isatty():
        return
    stream.write(f"\r\x1b[K{name} …")
    stream.flush()
    _shown["line"] = True


_shown = {"line": False}


def _stderr() -> TextIO:
    # looked up at each call: click's test runner (and --quiet tests) swap it
    return sys.stderr


def stage_done() -> None:
    """Clear the progress line, if one is shown."""
    if _shown["line"]:
        stream = _stderr()
        stream.write("\r\x1b[K")
        stream.flush()
        _shown["line"] = False


def output_option(f: F) -> F:
    """``-o/--output FILE``: write there (atomically) instead of printing."""
    return output_file_option("Write to this file instead of standard output.", required=False)(f)


def output_file_option(help: str, *, required: bool = True) -> Callable[[F], F]:
    """``-o/--output FILE``: the file a command writes (``help`` says what it holds)."""
    path = click.Path(dir_okay=False, writable=True)
    return click.option("-o", "--output", required=required, type=path, help=help)


def redact_option(f: F) -> F:
    """``--redact/--no-redact``: sensitive stakeholders anonymous or not.

    Neither given: as the map says (``privacy: {redact_outside_team: true}``
    redacts every output unless ``--no-redact``).
    """
    return click.option(
        "--redact/--no-redact",
        "redact",
        default=None,
        help="Write sensitive stakeholders as 'Stakeholder 1' …, their aliases and the ids "
        "made from their names replaced, without their free text (default: as the map's "
        "privacy setting says; --no-redact for the guiding team's own use).",
    )(f)


def map_argument(name: str = "map_file") -> Callable[[F], F]:
    """A map file argument (YAML or JSON)."""
    return click.argument(name, metavar="MAP", type=click.Path(dir_okay=True))


def emit_result(result: Any, fmt: str, output: str | None) -> None:
    """Print (or write) a result as JSON (``.to_dict()``), Markdown or text."""
    if fmt == "json":
        from sysmap.storage import dump_json, write_json  # pydantic-core: 5× json.dumps

        if output:  # written part by part: a big result is never one string in memory
            write_json(output, result.to_dict())
            note(f"Wrote {output}")
            return
        text = dump_json(result.to_dict())
    elif fmt == "md":
        text = result.format_markdown()
    else:
        text = result.format_text()
    emit(text, output)


def emit(text: str, output: str | None) -> None:
    """Print text, or write it atomically to ``output``.

    Printed text shows control characters as escapes (see :func:`echo`);
    the file gets the text as it is.
    """
    if output:
        from sysmap.storage import write_atomic

        write_atomic(output, text if text.endswith("\n") else text + "\n")
        note(f"Wrote {output}")
    else:
        stage_done()
        echo(text.rstrip("\n"))


def shown_maps(*maps: SystemMap, redact: bool | None) -> list[SystemMap]:
    """The maps as a printing command shows them (:func:`sysmap.redact.maps_for_output`);
    when they are redacted, stderr says who was replaced and which free text to read."""
    from sysmap.redact import maps_for_output, redaction_notes

    out = maps_for_output(*maps, redact=redact)
    if out[0] is not maps[0]:
        for line in redaction_notes(maps[0], sections_left_out=False, redacted=out[0]):
            echo(line, err=True)
    return out


def echo(text: str, *, err: bool = False) -> None:
    """Print text that may hold map text: control characters shown escaped,
    so a name cannot recolour the terminal, move its cursor or retitle it."""
    stage_done()  # a stage line on the terminal gives way to the text
    click.echo(terminal_text(text), err=err)
