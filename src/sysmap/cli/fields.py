"""Reading the values of editing options: choices in any letter case with a
suggestion for a typo, KEY=VALUE pairs, lists given as one value or repeated."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import click

from sysmap.cli.options import stage, stage_done
from sysmap.edit import parse_value
from sysmap.problems import did_you_mean

__all__ = ["DomainChoice", "pairs", "listed", "drop_empty", "timeout_option"]


class DomainChoice(click.Choice):  # type: ignore[type-arg,unused-ignore]
    """A choice that ignores letter case and suggests the closest word.

    >>> DomainChoice(["beneficiary", "provider"], noun="role").convert("Provider", None, None)
    'provider'
    """

    def __init__(self, choices: Iterable[str], noun: str = "value") -> None:
        super().__init__(list(choices), case_sensitive=False)
        self.noun = noun

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        text = str(value).strip().lower()
        if text in self.choices:
            return text
        guess = did_you_mean(text, [str(c) for c in self.choices])
        hint = f"did you mean '{guess}'? " if guess else ""
        self.fail(
            f"unknown {self.noun} '{value}' — {hint}use one of {', '.join(map(str, self.choices))}",
            param,
            ctx,
        )


def pairs(items: Iterable[str], option: str, example: str = "age_group=youth") -> dict[str, Any]:
    """``KEY=VALUE`` options as a mapping (values read as YAML: ``2`` is a number)."""
    out: dict[str, Any] = {}
    for pair in items:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(
                f"'{pair}' — write KEY=VALUE, e.g. {example}", param_hint=option
            )
        out[key.strip()] = parse_value(value)
    return out


def listed(values: Iterable[str]) -> list[str]:
    """A list option given repeated (``--tag a --tag b``) or comma-separated (``--tag a,b``)."""
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def drop_empty(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that were given (no None, empty list or empty mapping, no False flag)."""
    return {
        k: v for k, v in fields.items() if v is not None and v is not False and v != [] and v != {}
    }


def timeout_option(f: Any) -> Any:
    """``--wait SECONDS`` for the map's lock; the edit shows its stage on a terminal
    while it runs (a big map takes a second or two)."""

    @functools.wraps(f)
    def command(*args: Any, **kwargs: Any) -> Any:
        target = kwargs.get("map_file")
        stage(f"Editing {target}" if target else "Editing")
        try:
            return f(*args, **kwargs)
        finally:
            stage_done()

    return click.option(
        "--wait",
        "timeout",
        type=float,
        default=30.0,
        show_default=True,
        help="Seconds to wait for another edit of the same map to finish.",
    )(command)
