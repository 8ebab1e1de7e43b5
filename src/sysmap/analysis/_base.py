"""What every analysis returns: findings first, then details.

An analysis is a function that takes the map first and returns a result
object with :meth:`findings` (plain-language headlines a facilitator reads
first), :meth:`to_dict` (the documented JSON), :meth:`format_text` and
:meth:`format_markdown`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from sysmap.render import fmt_number, md_table, text_table

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
