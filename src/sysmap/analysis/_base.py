"""What every analysis returns: findings first, then details.

An analysis is a function that takes the map first and returns a result
object with :meth:`findings` (plain-language headlines a facilitator reads
first), :meth:`to_dict` (the documented JSON) and :meth:`blocks` (what it
shows, as :mod:`sysmap.render` blocks); :meth:`format_text` and
:meth:`format_markdown` come from :class:`sysmap.render.Rendered`.

The pieces the results share live here: :func:`result_dict` (the JSON's
common keys) and :func:`findings_blocks` (the title and the findings).
:class:`~sysmap.findings.Finding` lives in the light module :mod:`sysmap.findings`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Protocol, runtime_checkable

from sysmap.findings import Finding
from sysmap.render import Block, Bullets, Heading, fmt_number, md_table, text_table

__all__ = [
    "Finding",
    "AnalysisResult",
    "result_dict",
    "findings_blocks",
    # kept for older imports: the renderer's helpers (sysmap.render)
    "md_table",
    "text_table",
    "fmt_number",
]


@runtime_checkable
class AnalysisResult(Protocol):
    """The shape shared by every analysis result: a :class:`sysmap.render.Rendered`
    with findings and a JSON form."""

    name: ClassVar[str]

    def findings(self) -> list[Finding]: ...

    def to_dict(self) -> dict[str, Any]: ...

    def blocks(self) -> list[Block]: ...

    def format_text(self) -> str: ...

    def format_markdown(self) -> str: ...


def result_dict(result: Any, **values: Any) -> dict[str, Any]:
    """A result's JSON: ``analysis`` and ``findings``, then each dataclass field
    shown in its repr, in field order (``values`` replaces a field's own value).

    Example
    -------
    >>> from dataclasses import dataclass, field
    >>> @dataclass
    ... class Count:
    ...     name: ClassVar[str] = "count"
    ...     n: int
    ...     names: dict = field(default_factory=dict, repr=False)
    ...     def findings(self): return [Finding(f"{self.n} things", self.name)]
    >>> result_dict(Count(3), n=4)["n"], list(result_dict(Count(3)))
    (4, ['analysis', 'findings', 'n'])
    """
    out: dict[str, Any] = {
        "analysis": result.name,
        "findings": [f.to_dict() for f in result.findings()],
    }
    for f in dataclasses.fields(result):
        if f.repr:
            out[f.name] = values[f.name] if f.name in values else getattr(result, f.name)
    return out


def findings_blocks(title: str, findings: list[Finding], label: str = "Findings") -> list[Block]:
    """The result's title, then its findings as a list (under ``label`` unless empty)."""
    head: list[Block] = [Heading(title, 2)]
    if label:
        head.append(Heading(label))
    return [*head, Bullets([f.text for f in findings])]
