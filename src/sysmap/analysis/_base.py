"""What every analysis returns: findings first, then details.

An analysis is a function that takes the map first and returns a result
object with :meth:`findings` (plain-language headlines a facilitator reads
first), :meth:`to_dict` (the documented JSON), :meth:`format_text` and
:meth:`format_markdown`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from sysmap.escape import markdown_cell

__all__ = ["Finding", "AnalysisResult", "md_table", "text_table", "fmt_number"]


@dataclass
class Finding:
    """One thing a guiding team should know, in plain words.

    ``importance``: 3 headline (read first), 2 notable, 1 detail.
    ``subjects``: ids of the stakeholders, factors or loops it is about.
    """

    text: str
    analysis: str
    importance: int = 2
    subjects: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class AnalysisResult(Protocol):
    """The shape shared by every analysis result."""

    name: ClassVar[str]

    def findings(self) -> list[Finding]: ...

    def to_dict(self) -> dict[str, Any]: ...

    def format_text(self) -> str: ...

    def format_markdown(self) -> str: ...


def fmt_number(value: Any, digits: int = 2) -> str:
    """Numbers for people: whole numbers plain, others rounded.

    Example
    -------
    >>> fmt_number(3.0), fmt_number(0.12345), fmt_number(None), fmt_number("x")
    ('3', '0.12', '—', 'x')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.{digits}f}"
    return str(value)


def text_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A plain-text table with aligned columns.

    Example
    -------
    >>> print(text_table(["role", "n"], [["leader", 3], ["provider", 12]]))
    role      n
    leader    3
    provider  12
    """
    cells = [[fmt_number(c) for c in row] for row in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    for row in cells:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def md_table(headers: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table; the text in cells and headers shows as written
    (:func:`sysmap.escape.markdown_text`: no markup, links or HTML).

    Example
    -------
    >>> print(md_table(["role", "n"], [["leader", 3]]))
    | role | n |
    |---|---|
    | leader | 3 |
    """

    def cell(value: Any) -> str:
        return markdown_cell(fmt_number(value))

    out = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(out)
