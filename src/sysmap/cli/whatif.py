"""``sysmap whatif``: scenarios on the key-factor model and on the stakeholder network."""

from __future__ import annotations

from typing import Any

import click

from sysmap.cli.options import (
    emit_result,
    format_option,
    map_argument,
    output_option,
    redact_option,
    shown_option,
)
from sysmap.redact import redact_maps, wants_redaction
from sysmap.validate import load_map
from sysmap.whatif import (
    RULES,
    SQUASHING,
    Settings,
    fragile,
    network_whatif,
    whatif,
    whatif_all,
    whatif_maps,
)

__all__ = ["whatif_cmd"]


def _held(values: tuple[str, ...]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in values:
        factor, eq, number = item.partition("=")
        try:
            if not eq or not factor.strip():
                raise ValueError
            out[factor.strip()] = float(number)
        except ValueError:
            raise click.BadParameter(
                f"'{item}' is not FACTOR=VALUE — write e.g. f-trust-outreach=1",
                param_hint="--set",
            ) from None
    return out


@click.command("whatif")
@map_argument()
@click.option(
    "--set",
    "held",
    metavar="FACTOR=VALUE",
    multiple=True,
    help="Hold a factor at a value (repeat for more): 0 to 1, or -1 to 1 with tanh "
    "or trivalent squashing.",
)
@click.option("--scenario", metavar="NAME", help="Run a scenario declared in the map.")
@click.option("--all", "run_all", is_flag=True, help="Every declared scenario, side by side.")
@click.option(
    "--against",
    metavar="MAP",
    multiple=True,
    type=click.Path(dir_okay=True),
    help="Run the same --set or --scenario on another map too (e.g. the redesign), side by side.",
)
@shown_option("--squashing", click.Choice(list(SQUASHING)), "sigmoid", "The squashing function.")
@shown_option("--rule", click.Choice(RULES), "kosko", "Inference rule.")
@shown_option(
    "--lambda",
    click.FloatRange(min=0, min_open=True),
    1.0,
    "Steepness λ of sigmoid and tanh.",
    name="lam",
)
@shown_option(
    "--max-steps",
    click.IntRange(1, 100_000),
    100,
    "Stop after this many steps if the factors have not settled (the output says so).",
)
@shown_option(
    "--tolerance",
    click.FloatRange(min=0, min_open=True),
    1e-5,
    "Settled when no factor moves more than this in one step.",
)
@click.option(
    "--initial",
    type=float,
    default=None,
    help="Where every factor starts  [default: 0.5 with sigmoid, else 0].",
)
@click.option(
    "--without",
    metavar="STAKEHOLDER",
    multiple=True,
    help="Take a stakeholder out of the network (repeat for more).",
)
@click.option(
    "--without-relationship",
    metavar="ID",
    multiple=True,
    help="Stop a relationship (repeat for more).",
)
@click.option(
    "--with",
    "with_",
    metavar="ID",
    multiple=True,
    help="Let a proposed (or broken, or weak) relationship work as an existing one.",
)
@click.option(
    "--with-from",
    metavar="MAP",
    type=click.Path(dir_okay=True),
    help="Take --with relationships this map lacks from another map (e.g. the redesign).",
)
@click.option(
    "--fragile",
    "fragility",
    is_flag=True,
    help="Rank the single points of failure in the stakeholder network.",
)
@redact_option
@format_option("text", "json", "md")
@output_option
def whatif_cmd(
    map_file: str,
    held: tuple[str, ...],
    scenario: str | None,
    run_all: bool,
    against: tuple[str, ...],
    squashing: Any,
    rule: Any,
    lam: float,
    max_steps: int,
    tolerance: float,
    initial: float | None,
    without: tuple[str, ...],
    without_relationship: tuple[str, ...],
    with_: tuple[str, ...],
    with_from: str | None,
    fragility: bool,
    redact: bool | None,
    fmt: str,
    output: str | None,
) -> None:
    """What if we push here? Hold factors of the key-factor model and see which
    others rise and fall (a fuzzy cognitive map: direction and relative size,
    not a forecast); or take stakeholders and relationships out of the network
    and see who loses their voice, which loops break, who loses their funder.

    \b
    Example:
      sysmap whatif examples/homelessness-redesign.yaml --set f-landlord-participation=1
      sysmap whatif examples/homelessness-current.yaml --scenario landlords-join
      sysmap whatif examples/homelessness-redesign.yaml --all
      sysmap whatif examples/homelessness-current.yaml --scenario landlords-join \\
          --against examples/homelessness-redesign.yaml
      sysmap whatif examples/homelessness-current.yaml --without coc-lead
      sysmap whatif examples/homelessness-current.yaml --with r-lewg-unsheltered-informs \\
          --with-from examples/homelessness-redesign.yaml
      sysmap whatif examples/homelessness-current.yaml --fragile
    """
    network = bool(without or without_relationship or with_)
    if with_from and not with_:
        raise click.UsageError("--with-from needs --with: the relationships to take from it")
    factors = bool(held or scenario or run_all)
    if (
        sum((network, factors, fragility)) != 1
        or (run_all and (held or scenario))
        or (against and (run_all or not factors))
    ):
        raise click.UsageError(
            "choose one: factors to hold (--set and --scenario, with --against; or --all "
            "alone), a change "
            "to the network (--without, --without-relationship, --with), or --fragile"
        )
    maps = [load_map(p) for p in (map_file, *against, *([with_from] if with_from else []))]
    # with redaction, stakeholders and relationships may still be named by their own ids
    done = redact_maps(*maps, keep_sections=True) if wants_redaction(redact, *maps) else None
    m = done.maps[0] if done else maps[0]
    ids = done.ids if done else {}
    result: Any
    if fragility:
        result = fragile(m)
    elif network:
        result = network_whatif(
            m,
            without=[ids.get(x, x) for x in without],
            without_relationships=[ids.get(x, x) for x in without_relationship],
            with_relationships=[ids.get(x, x) for x in with_],
            source=(done.maps if done else maps)[-1] if with_from else None,
        )
    else:
        settings = Settings(squashing, rule, lam, max_steps, tolerance, initial)
        if run_all:
            result = whatif_all(m, settings=settings)
        elif against:
            both = done.maps if done else maps
            result = whatif_maps(both, _held(held), scenario=scenario, settings=settings)
        else:
            result = whatif(m, _held(held), scenario=scenario, settings=settings)
    emit_result(result, fmt, output)
