"""A finding: one thing a guiding team should know, in plain words.

Every analysis, comparison, what-if and checklist score says what stands out as
a list of :class:`Finding`, most important first. This module is light (no numpy),
so anything may import it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Finding"]


@dataclass
class Finding:
    """One thing a guiding team should know, in plain words.

    ``importance``: 3 headline (read first), 2 notable, 1 detail.
    ``subjects``: ids of the stakeholders, factors or loops it is about.

    Example
    -------
    >>> Finding("No beneficiary is heard by a leader", "voice", 3, ["pwle"]).to_dict()
    {'text': 'No beneficiary is heard by a leader', 'analysis': 'voice', 'importance': 3, 'subjects': ['pwle']}
    """

    text: str
    analysis: str
    importance: int = 2
    subjects: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
