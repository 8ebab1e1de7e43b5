"""``sysmap init``, ``sysmap add …``, ``sysmap remove`` and ``sysmap set``."""

from __future__ import annotations

from typing import Any

import click

from sysmap.cli.add import ADD_COMMANDS
from sysmap.cli.fields import DomainChoice, listed, pairs, timeout_option
from sysmap.cli.options import map_argument, say
from sysmap.cli.process import add_assessment_cmd
from sysmap.edit import (
    add_factor,
    add_relationship,
    add_stakeholder,
    parse_value,
    remove,
    rename,
    set_field,
)
from sysmap.init import init_map
from sysmap.model import EVIDENCE_SOURCES, POWER_CARRIERS, ROLES, STATUSES

__all__ = ["init_cmd", "add_group", "remove_cmd", "set_cmd", "rename_cmd"]


def _attrs(items: tuple[str, ...]) -> dict[str, Any]:
    return pairs(items, "--attr")


@click.command("init")
@map_argument()
@click.option("-q", "--question", help="The guiding question (required unless --guided).")
@click.option("--title", help="The map's title (default: from the file name).")
@click.option("--id", "map_id", help="The map's id (default: from the file name).")
@click.option("--community", help="The community or place, e.g. 'Riverton'.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@click.option(
    "--guided",
    is_flag=True,
    help="Ask for the guiding question, the stakeholders by role and the guiding-team "
    "roles, saving each answer at once (run again to carry on).",
)
def init_cmd(
    map_file: str,
    question: str | None,
    title: str | None,
    map_id: str | None,
    community: str | None,
    force: bool,
    guided: bool,
) -> None:
    """Start a new map with its guiding question and commented prompts for
    the Who, Why, What and How stages. With --guided, walk through the Who
    stage question by question.

    \b
    Example:
      sysmap init riverton.yaml --question "How can people leave homelessness faster?" \\
          --community Riverton
      sysmap init riverton.yaml --guided
    """
    if guided:
        if title or map_id:
            raise click.UsageError("--title and --id cannot be used with --guided")
        from sysmap.cli.process import run_guided

        run_guided(map_file, question, community, force)
        return
    if not question:
        raise click.UsageError("Missing option '-q' / '--question' (or use --guided).")
    init_map(map_file, question, title=title, id=map_id, community=community, force=force)
    say(f"Wrote {map_file} — add stakeholders with 'sysmap add stakeholder {map_file} …'")


@click.group("add")
def add_group() -> None:
    """Add a stakeholder, factor, relationship, loop, outcome, measure and its
    values, indicator, guiding-team role, checklist scores, evidence, scenario
    or kind to a map file (comments kept)."""


@add_group.command("stakeholder")
@map_argument()
@click.argument("stakeholder_id", metavar="ID")
@click.option("--name", required=True, help="The name shown on maps.")
@click.option(
    "--role",
    required=True,
    type=DomainChoice(ROLES, "role"),
    help="beneficiary (served), provider (serves) or leader (can change the system).",
)
@click.option("--type", "type_", help="e.g. person, group, agency, nonprofit.")
@click.option("--organisation")
@click.option("--description")
@click.option("--tag", "tags", multiple=True, help="A tag (repeat, or a,b).")
@click.option("--lived-experience", is_flag=True, help="Brings lived experience.")
@click.option("--power", type=click.IntRange(0, 5), help="Ability to change the system, 0-5.")
@click.option("--interest", type=click.IntRange(0, 5), help="Interest in the question, 0-5.")
@click.option(
    "--attr",
    "attrs",
    multiple=True,
    metavar="KEY=VALUE",
    help="A free attribute for the equity lens (repeat for more).",
)
@click.option("--sensitive", is_flag=True, help="Identity must not leave the workshop.")
@timeout_option
def add_stakeholder_cmd(
    map_file: str,
    stakeholder_id: str,
    name: str,
    role: str,
    type_: str | None,
    organisation: str | None,
    description: str | None,
    tags: tuple[str, ...],
    lived_experience: bool,
    power: int | None,
    interest: int | None,
    attrs: tuple[str, ...],
    sensitive: bool,
    timeout: float,
) -> None:
    """Add a stakeholder.

    \b
    Example:
      sysmap add stakeholder map.yaml youth-council --name "Youth Action Council" \\
          --role beneficiary --lived-experience --power 1 --attr age_group=youth
    """
    fields: dict[str, Any] = {
        "type": type_,
        "organisation": organisation,
        "description": description,
        "tags": listed(tags),
        "lived_experience": lived_experience,
        "power": power,
        "interest": interest,
        "attributes": _attrs(attrs),
        "sensitive": sensitive,
    }
    fields = {k: v for k, v in fields.items() if v not in (None, [], {}, False)}
    s = add_stakeholder(map_file, stakeholder_id, name, role, timeout=timeout, **fields)
    say(f"Added {s.role} '{s.id}' ({s.name}) to {map_file}")


@add_group.command(
    "factor", short_help="Add a factor (an element of the key-factor model, e.g. housing stock)."
)
@map_argument()
@click.argument("factor_id", metavar="ID")
@click.option("--name", required=True)
@click.option("--description")
@click.option("--tag", "tags", multiple=True)
@timeout_option
def add_factor_cmd(
    map_file: str,
    factor_id: str,
    name: str,
    description: str | None,
    tags: tuple[str, ...],
    timeout: float,
) -> None:
    """Add a factor (an element of the key-factor model, e.g. housing stock).

    \b
    Example:
      sysmap add factor map.yaml housing-stock --name "Affordable housing stock"
    """
    fields: dict[str, Any] = {"description": description, "tags": listed(tags)}
    f = add_factor(
        map_file, factor_id, name, timeout=timeout, **{k: v for k, v in fields.items() if v}
    )
    say(f"Added factor '{f.id}' ({f.name}) to {map_file}")


@add_group.command("relationship")
@map_argument()
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option(
    "--kind",
    required=True,
    help="serves, funds, refers, informs, feedback, governs, advocates, represents, "
    "collaborates, shares_data, compensates, employs, contracts, influences, "
    "or a kind declared in the map.",
)
@click.option("--id", "rel_id", help="An id, so comparisons can follow this relationship.")
@click.option("--strength", type=click.FloatRange(0, 5), help="0-5.")
@click.option("--trust", type=click.FloatRange(0, 5), help="0-5.")
@click.option("--mutual", is_flag=True, help="Goes both ways.")
@click.option("--polarity", type=click.Choice(["+", "-"]), help="For causal links.")
@click.option("--status", type=DomainChoice(STATUSES, "status"), help="Default: existing.")
@click.option("--power", type=click.IntRange(0, 5), help="Power it carries, 0-5.")
@click.option(
    "--carries",
    multiple=True,
    type=DomainChoice(POWER_CARRIERS, "power carrier"),
    help="What the power consists of (repeat for more).",
)
@click.option("--notes")
@click.option(
    "--evidence", type=DomainChoice(EVIDENCE_SOURCES, "evidence source"), help="How we know."
)
@click.option("--asserted-by", help="Who said so: a stakeholder id or a role group.")
@click.option("--evidence-date", type=click.DateTime(["%Y-%m-%d"]), help="YYYY-MM-DD.")
@timeout_option
def add_relationship_cmd(
    map_file: str,
    source: str,
    target: str,
    kind: str,
    rel_id: str | None,
    strength: float | None,
    trust: float | None,
    mutual: bool,
    polarity: str | None,
    status: str | None,
    power: int | None,
    carries: tuple[str, ...],
    notes: str | None,
    evidence: str | None,
    asserted_by: str | None,
    evidence_date: Any,
    timeout: float,
) -> None:
    """Add a relationship from one stakeholder (or factor) to another.

    \b
    Example:
      sysmap add relationship map.yaml youth-council coc-board --kind feedback \\
          --strength 2 --status weak --evidence workshop --asserted-by beneficiary
    """
    if (asserted_by or evidence_date) and not evidence:
        raise click.UsageError("--asserted-by and --evidence-date need --evidence SOURCE")
    if carries and power is None:
        raise click.UsageError("--carries needs --power AMOUNT")
    fields: dict[str, Any] = {
        "id": rel_id,
        "strength": strength,
        "trust": trust,
        "direction": "mutual" if mutual else None,
        "polarity": polarity,
        "status": status,
        "notes": notes,
    }
    if power is not None:
        fields["power"] = {"amount": power, "carries": list(carries)}
    if evidence:
        ev: dict[str, Any] = {"source": evidence}
        if evidence_date:
            ev["date"] = evidence_date.date()
        if asserted_by:
            ev["asserted_by"] = asserted_by
        fields["evidence"] = [ev]
    fields = {k: v for k, v in fields.items() if v is not None}
    r = add_relationship(map_file, source, target, kind, timeout=timeout, **fields)
    say(f"Added relationship {r.source} -> {r.target} ({r.kind}) to {map_file}")


@click.command("remove")
@map_argument()
@click.argument("target", metavar="ID")
@click.option(
    "--cascade",
    is_flag=True,
    help="Also remove the relationships and loops of a removed stakeholder or factor.",
)
@click.option("--field", help="Remove one entry of this list inside the item instead.")
@click.option(
    "--entry",
    metavar="N|VALUE",
    help="With --field: the entry's number (from 1) or its value.",
)
@timeout_option
def remove_cmd(
    map_file: str,
    target: str,
    cascade: bool,
    field: str | None,
    entry: str | None,
    timeout: float,
) -> None:
    """Remove a stakeholder, factor, relationship, loop, outcome, measure,
    indicator, guiding-team role, scenario, assessment or kind by id — or one
    entry of a list inside it (--field, --entry).

    A relationship without an id is named FROM->TO, FROM->TO:KIND, or
    FROM->TO:KIND#N for the N-th of several alike (in file order).

    \b
    Example:
      sysmap remove map.yaml "outreach->shelter:refers"
      sysmap remove map.yaml youth-council --cascade
      sysmap remove map.yaml pit-count --field values --entry 2
      sysmap remove map.yaml convener --field accepted_by --entry pwle
    """
    if (field is None) != (entry is None):
        raise click.UsageError("--field and --entry go together")
    for line in remove(
        map_file, target, cascade=cascade, field=field, entry=entry, timeout=timeout
    ):
        say(f"Removed {line}")


@click.command("set")
@map_argument()
@click.argument("target", metavar="ID")
@click.argument("field", metavar="FIELD")
@click.argument("values", metavar="VALUE...", nargs=-1)
@click.option("--unset", is_flag=True, help="Remove the field instead of setting it.")
@click.option("--append", is_flag=True, help="Add the value(s) to a list field.")
@timeout_option
def set_cmd(
    map_file: str,
    target: str,
    field: str,
    values: tuple[str, ...],
    unset: bool,
    append: bool,
    timeout: float,
) -> None:
    """Change one field of a stakeholder, relationship, loop … or of the map
    itself (ID 'map'). VALUE is read as YAML: 3 is a number, true a flag.
    A list field (accepted_by, tags, path …) takes one value or several;
    --append adds to it. FIELD may be dotted (attributes.age_group, power.amount).

    \b
    Example:
      sysmap set map.yaml youth-council power 2
      sysmap set map.yaml youth-council attributes.age_group youth
      sysmap set map.yaml convener accepted_by pwle board
      sysmap set map.yaml convener accepted_by outreach --append
      sysmap set map.yaml map guiding_question "How do young people find homes?"
      sysmap set map.yaml outreach description --unset
    """
    if not values and not unset:
        raise click.UsageError("give a VALUE, or --unset to remove the field")
    if values and unset:
        raise click.UsageError("give a VALUE or --unset, not both")
    parsed = [parse_value(v) for v in values]
    value = parsed[0] if len(parsed) == 1 else (parsed or None)
    set_field(map_file, target, field, value, unset=unset, append=append, timeout=timeout)
    verb = "Removed" if unset else ("Added to" if append else "Set")
    say(f"{verb} {target}.{field} in {map_file}")


@click.command("rename")
@map_argument()
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@timeout_option
def rename_cmd(map_file: str, old: str, new: str, timeout: float) -> None:
    """Give a stakeholder, factor, loop, outcome, measure, kind … a new id, and
    update every reference to it (relationships, loops, roles, assessments,
    evidence, change owners, scenarios).

    \b
    Example:
      sysmap rename map.yaml coc-board continuum-board
    """
    for line in rename(map_file, old, new, timeout=timeout):
        say(f"Renamed in {line}")


for _command in (*ADD_COMMANDS, add_assessment_cmd):
    add_group.add_command(_command)
