"""``sysmap analyze`` and ``sysmap paths``."""

from __future__ import annotations

import sys
import time
from typing import Any

import click

from sysmap.analysis.suite import ANALYSES, analyze
from sysmap.cli.options import (
    emit_result,
    map_argument,
    result_options,
    shown_maps,
    shown_option,
    stage,
)
from sysmap.redact import Redaction, redact_maps, wants_redaction
from sysmap.validate import load_map

__all__ = ["analyze_cmd", "paths_cmd"]


class _Progress:
    """A progress bar on stderr for long loop searches (only after a second)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.start = time.monotonic()
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int | None) -> None:
        if self.bar is None:
            if not sys.stderr.isatty() or time.monotonic() - self.start < 1.0 or not total:
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(max(0, done - self.done))
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            # the search is over, also when it stopped at --loop-cap (the findings say
            # so): never leave the bar standing part-way
            self.bar.update(max(0, self.bar.length - self.done))
            self.bar.__exit__(None, None, None)


@click.command("analyze")
@map_argument()
@click.option(
    "--only",
    multiple=True,
    type=click.Choice(ANALYSES),
    help="Run only this analysis (repeat for more).",
)
@click.option(
    "--by",
    metavar="ATTRIBUTE",
    help="Break results down by a stakeholder attribute (the equity lens), e.g. race.",
)
@shown_option(
    "--max-loop-length", click.IntRange(2, 20), 8, "Longest feedback loop searched for, in steps."
)
@shown_option(
    "--loop-cap",
    click.IntRange(1, None),
    10_000,
    "Stop listing feedback loops after this many (the output says so).",
)
@result_options("text", "json", "md")
def analyze_cmd(
    map_file: str,
    only: tuple[str, ...],
    by: str | None,
    max_loop_length: int,
    loop_cap: int,
    fmt: str,
    output: str | None,
    redact: bool | None,
) -> None:
    """Analyse a map: structure, influence, power, voice and two-way feedback,
    feedback loops, perspectives and (with --by) the equity lens. Headline
    findings come first, details after.

    \b
    Example:
      sysmap analyze examples/homelessness-current.yaml
      sysmap analyze examples/homelessness-current.yaml --only voice --by race
      sysmap analyze examples/homelessness-current.yaml --format json -o analysis.json
      sysmap analyze examples/homelessness-current.yaml --format md --redact -o public.md
    """
    stage(f"Reading {map_file}")
    m = shown_maps(load_map(map_file), redact=redact)[0]
    stage("Analysing")
    progress = _Progress("Finding feedback loops")
    try:
        result = analyze(
            m,
            only=list(only) or None,
            by=by,
            max_loop_length=max_loop_length,
            loop_cap=loop_cap,
            progress=progress,
        )
    finally:
        progress.close()
    del m  # the result holds what it writes; the map's memory goes to writing it
    emit_result(result, fmt, output)


@click.command("paths")
@map_argument()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO", required=False)
@shown_option("--max-length", click.IntRange(1, 20), 6, "Longest path listed, in steps.")
@shown_option(
    "--limit",
    click.IntRange(min=1),
    100,
    "List at most this many paths (the output says when it stopped).",
)
@result_options("text", "json", "md")
def paths_cmd(
    map_file: str,
    source: str,
    target: str | None,
    max_length: int,
    limit: int,
    fmt: str,
    output: str | None,
    redact: bool | None,
) -> None:
    """Who and what is upstream and downstream of a stakeholder or factor; with
    TO, the shortest path and every path between the two (bounded).

    \b
    Example:
      sysmap paths examples/homelessness-current.yaml lewg
      sysmap paths examples/homelessness-current.yaml lewg coc-board --max-length 4
    """
    from sysmap.analysis._paths import paths

    m = load_map(map_file)
    # with redaction, FROM and TO may still be given by their own ids
    done = redact_maps(m, keep_sections=True) if wants_redaction(redact, m) else Redaction([m])
    to = done.ids.get(target, target) if target is not None else None
    result = paths(
        done.maps[0], done.ids.get(source, source), to, max_length=max_length, limit=limit
    )
    emit_result(result, fmt, output)
