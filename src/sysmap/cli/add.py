"""``sysmap add loop|outcome|measure|value|indicator|role|score|evidence|scenario|kind``:
every other part of a map, one command each (comments kept)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from sysmap.cli.fields import DomainChoice, drop_empty, listed, pairs, timeout_option
from sysmap.cli.options import map_argument, say
from sysmap.edit import add_item, add_to
from sysmap.model import EVIDENCE_SOURCES

__all__ = ["ADD_COMMANDS"]

_date = click.DateTime(["%Y-%m-%d"])
F = Callable[..., Any]


def _day(value: Any) -> str | None:
    return value.date().isoformat() if value is not None else None


def _add(map_file: str, section: str, what: str, fields: dict[str, Any], timeout: float) -> None:
    """Add one item to a section of the map and say so."""
    add_item(map_file, section, fields, timeout=timeout)
    say(f"Added {what} '{fields['id']}' to {map_file}")


def _item_command(name: str, *arguments: tuple[str, str]) -> Callable[[F], click.Command]:
    """``sysmap add NAME MAP ID``: the command with its map and the new item's id
    (or the ``(parameter, METAVAR)`` arguments given)."""

    def decorate(f: F) -> click.Command:
        for param, metavar in reversed(arguments or ((f"{name}_id", "ID"),)):
            f = click.argument(param, metavar=metavar)(f)
        return click.command(name)(map_argument()(f))

    return decorate


@_item_command("loop")
@click.option("--name", required=True)
@click.option(
    "--path",
    "steps",
    multiple=True,
    required=True,
    help="The ids the loop goes through, in order (repeat, or a,b,c); it closes by itself.",
)
@click.option("--type", "type_", type=DomainChoice(["reinforcing", "balancing"], "loop type"))
@click.option("--purpose")
@timeout_option
def add_loop_cmd(
    map_file: str,
    loop_id: str,
    name: str,
    steps: tuple[str, ...],
    type_: str | None,
    purpose: str | None,
    timeout: float,
) -> None:
    """Add a feedback loop: a path of relationships that comes back to its start.

    \b
    Example:
      sysmap add loop map.yaml loop-voice --name "Heard and kept informed" \\
          --path pwle,board --type reinforcing
    """
    path = listed(steps)
    if path and path[-1] != path[0]:
        path.append(path[0])
    fields = drop_empty({"id": loop_id, "name": name, "path": path, "type": type_,
                         "purpose": purpose})  # fmt: skip
    _add(map_file, "loops", "loop", fields, timeout)


@_item_command("outcome")
@click.option("--name", required=True)
@click.option("--description")
@timeout_option
def add_outcome_cmd(
    map_file: str, outcome_id: str, name: str, description: str | None, timeout: float
) -> None:
    """Add an outcome: a result the redesign is for.

    \b
    Example:
      sysmap add outcome map.yaml fewer-unsheltered --name "Fewer people sleeping outside"
    """
    fields = drop_empty({"id": outcome_id, "name": name, "description": description})
    _add(map_file, "outcomes", "outcome", fields, timeout)


@_item_command("measure")
@click.option("--name", required=True)
@click.option("--outcome", help="The outcome it measures (an outcome id).")
@click.option("--unit")
@click.option("--source", help="Where the figures come from.")
@click.option("--data", type=DomainChoice(["primary", "secondary"], "kind of data"))
@timeout_option
def add_measure_cmd(
    map_file: str,
    measure_id: str,
    name: str,
    outcome: str | None,
    unit: str | None,
    source: str | None,
    data: str | None,
    timeout: float,
) -> None:
    """Add a measure of an outcome; record its figures with 'sysmap add value'.

    \b
    Example:
      sysmap add measure map.yaml pit-count --name "Unsheltered count" \\
          --outcome fewer-unsheltered --unit people --data primary
    """
    fields = drop_empty({"id": measure_id, "name": name, "outcome": outcome, "unit": unit,
                         "source": source, "data": data})  # fmt: skip
    _add(map_file, "measures", "measure", fields, timeout)


@click.command("value")
@map_argument()
@click.argument("measure_id", metavar="MEASURE")
@click.argument("day", metavar="DATE", type=_date)
@click.argument("value", metavar="VALUE", type=float)
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="KEY=VALUE",
    help="The figure is for this group only (repeat for more), e.g. age_group=youth.",
)
@timeout_option
def add_value_cmd(
    map_file: str,
    measure_id: str,
    day: Any,
    value: float,
    groups: tuple[str, ...],
    timeout: float,
) -> None:
    """Record one figure of a measure on a date (its values over time).

    \b
    Example:
      sysmap add value map.yaml pit-count 2026-01-29 1240
      sysmap add value map.yaml pit-count 2026-01-29 201 --group age_group="18 to 24"
    """
    entry = drop_empty({"date": _day(day), "value": value, "group": pairs(groups, "--group")})
    add_to(map_file, measure_id, "values", entry, timeout=timeout)
    say(f"Added a value of '{measure_id}' on {_day(day)} to {map_file}")


@_item_command("indicator")
@click.option("--name", required=True)
@click.option("--source")
@click.option("--unit")
@click.option("--as-of", "as_of", type=_date, help="YYYY-MM-DD.")
@click.option("--value", type=float)
@click.option(
    "--by",
    "splits",
    multiple=True,
    metavar="GROUP:KEY=VALUE,…",
    help="A disaggregation, e.g. race:Black=33.1,White=19.8 (repeat for more).",
)
@timeout_option
def add_indicator_cmd(
    map_file: str,
    indicator_id: str,
    name: str,
    source: str | None,
    unit: str | None,
    as_of: Any,
    value: float | None,
    splits: tuple[str, ...],
    timeout: float,
) -> None:
    """Add a population indicator (secondary data), optionally broken down by group.

    \b
    Example:
      sysmap add indicator map.yaml rent-burden --name "Renters paying over half" \\
          --unit percent --as-of 2025-12-01 --value 24.6 --by race:Black=33.1,White=19.8
    """
    disaggregations = []
    for split in splits:
        by, sep, rest = split.partition(":")
        if not sep:
            raise click.BadParameter(f"'{split}' — write GROUP:KEY=VALUE,…", param_hint="--by")
        disaggregations.append({"by": by, "values": pairs(rest.split(","), "--by")})
    fields = drop_empty({"id": indicator_id, "name": name, "source": source, "unit": unit,
                         "as_of": _day(as_of), "value": value,
                         "disaggregations": disaggregations})  # fmt: skip
    _add(map_file, "indicators", "indicator", fields, timeout)


@_item_command("role")
@click.option("--name", help="The role's name (default: the archetype's, with --from).")
@click.option("--description")
@click.option("--responsibility", "duties", multiple=True, help="What it does (repeat for more).")
@click.option("--accepted-by", "accepted", multiple=True, help="Who took it on (repeat, or a,b).")
@click.option(
    "--from",
    "archetype",
    type=click.Path(dir_okay=False),
    help="Copy a role archetype file (responsibilities and competencies), e.g. "
    "examples/roles/lived-experience-engagement-coordinator.yaml.",
)
@timeout_option
def add_role_cmd(
    map_file: str,
    role_id: str,
    name: str | None,
    description: str | None,
    duties: tuple[str, ...],
    accepted: tuple[str, ...],
    archetype: str | None,
    timeout: float,
) -> None:
    """Add a guiding-team role, written here or copied from an archetype.

    \b
    Example:
      sysmap add role map.yaml convener --name Convener --accepted-by coc-board
      sysmap add role map.yaml le-coordinator \\
          --from examples/roles/lived-experience-engagement-coordinator.yaml --accepted-by pwle
    """
    fields: dict[str, Any] = {}
    if archetype:
        from sysmap.roles import load_role_archetype

        role = load_role_archetype(archetype).role
        fields = role.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    if not name and "name" not in fields:
        raise click.UsageError("give the role a --name (or copy one with --from)")
    fields.update(drop_empty({"id": role_id, "name": name, "description": description}))
    if duties:
        fields["responsibilities"] = list(fields.get("responsibilities", [])) + list(duties)
    if accepted:
        fields["accepted_by"] = listed(accepted)
    _add(map_file, "guiding_team", "guiding-team role", fields, timeout)


@_item_command("score", ("assessment_id", "ASSESSMENT"), ("stakeholder", "STAKEHOLDER"))
@click.option(
    "--score",
    "scores",
    multiple=True,
    required=True,
    metavar="ITEM=SCORE",
    help="One checklist item's score (repeat for more).",
)
@click.option("--date", "day", type=_date, help="When it was scored, YYYY-MM-DD.")
@timeout_option
def add_score_cmd(
    map_file: str,
    assessment_id: str,
    stakeholder: str,
    scores: tuple[str, ...],
    day: Any,
    timeout: float,
) -> None:
    """Record an organisation's scores on a checklist (an assessment's results).

    \b
    Example:
      sysmap add score map.yaml voice-checklist outreach --score shares-power=1 \\
          --score closes-loop=2 --date 2026-03-01
    """
    entry = drop_empty({"stakeholder": stakeholder, "date": _day(day),
                        "scores": pairs(scores, "--score", "shares-power=2")})  # fmt: skip
    add_to(map_file, assessment_id, "results", entry, timeout=timeout)
    say(f"Added the scores of '{stakeholder}' to '{assessment_id}' in {map_file}")


@_item_command("evidence", ("target", "RELATIONSHIP"))
@click.option(
    "--source",
    required=True,
    type=DomainChoice(EVIDENCE_SOURCES, "evidence source"),
    help="How we know.",
)
@click.option("--asserted-by", help="Who said so: a stakeholder id or a role group.")
@click.option("--date", "day", type=_date, help="YYYY-MM-DD.")
@click.option("--note")
@timeout_option
def add_evidence_cmd(
    map_file: str,
    target: str,
    source: str,
    asserted_by: str | None,
    day: Any,
    note: str | None,
    timeout: float,
) -> None:
    """Add a piece of evidence to a relationship (by id, or FROM->TO:KIND).

    \b
    Example:
      sysmap add evidence map.yaml "pwle->board:feedback" --source workshop \\
          --asserted-by beneficiary --date 2026-03-05 --note "Nobody hears back."
    """
    entry = drop_empty({"source": source, "date": _day(day), "asserted_by": asserted_by,
                        "note": note})  # fmt: skip
    add_to(map_file, target, "evidence", entry, timeout=timeout)
    say(f"Added {source} evidence to {target} in {map_file}")


@_item_command("scenario")
@click.option(
    "--hold",
    "holds",
    multiple=True,
    required=True,
    metavar="FACTOR=VALUE",
    help="A factor held at a value (repeat for more).",
)
@click.option("--name")
@click.option("--note")
@timeout_option
def add_scenario_cmd(
    map_file: str,
    scenario_id: str,
    holds: tuple[str, ...],
    name: str | None,
    note: str | None,
    timeout: float,
) -> None:
    """Add a what-if scenario: factors of the key-factor model held at values.

    \b
    Example:
      sysmap add scenario map.yaml more-housing --hold housing-stock=1 --name "More homes"
    """
    fields = drop_empty({"id": scenario_id, "name": name,
                         "hold": pairs(holds, "--hold", "housing-stock=1"), "note": note})  # fmt: skip
    _add(map_file, "scenarios", "scenario", fields, timeout)


@_item_command("kind")
@click.option("--description")
@click.option("--voice", is_flag=True, help="Carries beneficiaries' voice toward decisions.")
@timeout_option
def add_kind_cmd(
    map_file: str, kind_id: str, description: str | None, voice: bool, timeout: float
) -> None:
    """Declare a relationship kind of your own.

    \b
    Example:
      sysmap add kind map.yaml peer_support --description "one peer supports another" --voice
    """
    fields = drop_empty({"id": kind_id.lower(), "description": description, "voice": voice})
    _add(map_file, "kinds", "kind", fields, timeout)


#: Registered under ``sysmap add`` beside stakeholder, factor and relationship.
ADD_COMMANDS = (
    add_loop_cmd,
    add_outcome_cmd,
    add_measure_cmd,
    add_value_cmd,
    add_indicator_cmd,
    add_role_cmd,
    add_score_cmd,
    add_evidence_cmd,
    add_scenario_cmd,
    add_kind_cmd,
)
