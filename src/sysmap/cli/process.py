"""``sysmap process``, ``sysmap roles``, ``sysmap assess``, ``sysmap add assessment``
and the guided ``sysmap init --guided``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sysmap.cli.options import emit, map_argument, result_options, shown_maps

__all__ = ["process_cmd", "roles_cmd", "assess_cmd", "add_assessment_cmd", "run_guided"]


@click.command("process")
@map_argument()
@click.argument("redesign_file", metavar="[REDESIGN]", required=False)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 while any check is open or only partly done.",
)
@result_options("text", "md", "json")
def process_cmd(
    map_file: str,
    redesign_file: str | None,
    strict: bool,
    fmt: str,
    output: str | None,
    redact: bool | None,
) -> None:
    """Where the guiding team stands in Who → Why → What → How: each stage's
    questions, what the maps already answer (done, partial or open), and the
    next step for what is still open. A status report: it exits 0 however much
    is open, unless --strict.

    \b
    Example:
      sysmap process examples/homelessness-current.yaml
      sysmap process examples/homelessness-current.yaml examples/homelessness-redesign.yaml
      sysmap process today.yaml redesign.yaml --format md -o process.md
    """
    from sysmap.process import check_process, format_process
    from sysmap.validate import load_map

    maps = shown_maps(
        load_map(map_file), *([load_map(redesign_file)] if redesign_file else []), redact=redact
    )
    current, redesign = maps[0], (maps[1] if redesign_file else None)
    if redesign_file is None:
        p = Path(map_file)
        suggested = str(p.with_name(f"{p.stem.removesuffix('-current')}-redesign{p.suffix}"))
    else:
        suggested = redesign_file
    status = check_process(current, redesign, current_file=map_file, redesign_file=suggested)
    emit(format_process(status, fmt), output)
    if strict and status.still_open():
        sys.exit(1)


@click.command("roles")
@click.argument("source", metavar="MAP|ARCHETYPE", type=click.Path(dir_okay=True))
@click.option(
    "--table",
    type=click.Choice(
        ["summary", "execution", "matrix", "roadmap", "consolidated", "team", "development"]
    ),
    help="Show only this part (CSV shows the matrix unless this says otherwise); team "
    "and development are for a map.",
)
@result_options("text", "md", "json", "csv")
def roles_cmd(
    source: str, table: str | None, fmt: str, output: str | None, redact: bool | None
) -> None:
    """Guiding-team roles: the job summary and theory of execution; the
    competency map (the level or levels each responsibility needs of each
    competency); the training roadmap (for each competency, the responsibilities
    it supports and at which levels, the one that supports the most first); the
    consolidated view (the highest level per cell); and — for a map — who on the
    team covers what, and for each person whose own levels are recorded
    (proficiency:), the gaps and where training meets the most needs. Reads a
    map's guiding_team, or one role archetype file (see examples/roles/).

    \b
    Example:
      sysmap roles examples/roles/lived-experience-engagement-coordinator.yaml
      sysmap roles examples/homelessness-current.yaml --table development
      sysmap roles examples/homelessness-current.yaml --format csv -o matrix.csv
    """
    from sysmap.roles import format_roles, load_roles, role_matrix, team_coverage

    roles, m = load_roles(source)
    if m is not None:  # a map's guiding team, redacted as the map's other outputs are
        m = shown_maps(m, redact=redact)[0]
        roles = list(m.guiding_team)
    coverage = team_coverage(m) if m is not None else None
    title = f"Guiding-team roles: {m.title}" if m is not None else f"Role: {roles[0].name}"
    emit(format_roles(role_matrix(roles), coverage, fmt, table=table, title=title), output)


@click.command("assess")
@map_argument()
@click.option("--only", "only", metavar="ID", help="Report one assessment (its id).")
@result_options("text", "md", "json", "csv")
def assess_cmd(
    map_file: str, only: str | None, fmt: str, output: str | None, redact: bool | None
) -> None:
    """Coverage of the map's assessments (checklists scored per organisation):
    each organisation's score relative to the scale, items fully, partly or not
    in place, gaps by area, the same across the system, and the organisations
    not assessed yet.

    \b
    Example:
      sysmap assess examples/homelessness-current.yaml
      sysmap assess examples/homelessness-redesign.yaml --only a-le-employment --format md
    """
    from sysmap.assess import assess, format_assessments
    from sysmap.validate import load_map

    m = shown_maps(load_map(map_file), redact=redact)[0]
    emit(format_assessments(assess(m, only=only), fmt), output)


@click.command("assessment")
@map_argument()
@click.argument("template", metavar="CHECKLIST", type=click.Path(dir_okay=False))
def add_assessment_cmd(map_file: str, template: str) -> None:
    """Add a checklist (an assessment template, with no scores yet) to a map;
    then score organisations under its results.

    \b
    Example:
      sysmap add assessment map.yaml examples/assessments/employing-lived-experience.yaml
    """
    from sysmap.assess import add_assessment

    a = add_assessment(map_file, template)
    click.echo(
        f"Added assessment '{a.id}' ({len(a.items)} items) to {map_file} — score "
        f"organisations under its results, then run 'sysmap assess {map_file}'"
    )


class _ClickPrompter:
    """Asks the guided start's questions in the terminal."""

    def ask(self, prompt: str, default: str | None = None) -> str:
        value = click.prompt(prompt, default=default, show_default=False, type=str)
        return str(value)

    def confirm(self, prompt: str, default: bool = False) -> bool:
        return click.confirm(prompt, default=default)

    def say(self, text: str) -> None:
        click.echo(text)


def run_guided(map_file: str, question: str | None, community: str | None, force: bool) -> None:
    """``sysmap init MAP --guided``: the Who stage as prompts."""
    from sysmap.guided import guided_who

    try:
        guided_who(map_file, _ClickPrompter(), question=question, community=community, force=force)
    except click.Abort:
        if Path(map_file).exists():
            click.echo(
                f"\nStopped. What you entered is saved in {map_file}; run "
                f"'sysmap init {map_file} --guided' to carry on.",
                err=True,
            )
        sys.exit(130)
