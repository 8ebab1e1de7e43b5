"""A Mermaid flowchart of the map, for Markdown documents (out only).

Stakeholders are boxes styled by role (``classDef beneficiary`` …), factors
are rounded boxes; relationships are arrows labelled with their kind
(and polarity), ``<-->`` when mutual, dotted when proposed, weak or broken.
Node names are ``n0``, ``n1`` … (ids never reach Mermaid syntax); labels are
quoted with every character outside a safe set written as a Mermaid entity
(``#35;``), so no text in the map can break or extend the diagram.

Example
-------
>>> from sysmap.model import Relationship, Stakeholder, SystemMap
>>> m = SystemMap(id="m", title="M", guiding_question="Q?",
...     stakeholders=[Stakeholder(id="a", name='A "quoted" <b>', role="beneficiary"),
...                   Stakeholder(id="b", name="B", role="leader")],
...     relationships=[Relationship(source="a", target="b", kind="feedback")])
>>> print(generate_mermaid(m))  # doctest: +NORMALIZE_WHITESPACE
flowchart LR
  n0["A #34;quoted#34; #60;b#62;"]:::beneficiary
  n1["B"]:::leader
  n0 -->|"feedback"| n1
  classDef beneficiary fill:#fde2c8,stroke:#c05a00
  classDef provider fill:#d6e9f8,stroke:#1f5f99
  classDef leader fill:#e3dcf5,stroke:#5b3fa8
  classDef factor fill:#eeeeee,stroke:#666666
"""

from __future__ import annotations

import re

from sysmap.formats._dropped import dropped_fields
from sysmap.formats._files import PathOrFile, write_output
from sysmap.formats._results import ExportResult
from sysmap.model import SystemMap

__all__ = ["generate_mermaid", "write_mermaid", "escape_label", "CARRIED"]

#: What a Mermaid flowchart shows of each part.
CARRIED = {
    "map_fields": {"id"},
    "stakeholder": {"id", "name", "role"},
    "factor": {"id", "name"},
    "relationship": {"source", "target", "kind", "direction", "status", "polarity"},
}

_SAFE = re.compile(r"[A-Za-z0-9 .,:;_()/?!+'\-]")


def escape_label(text: str) -> str:
    """Text made safe inside a quoted Mermaid label.

    Example
    -------
    >>> escape_label('say "hi" %% end; click x')
    'say #34;hi#34; #37;#37; end; click x'
    """
    text = " ".join(str(text).split())
    return "".join(ch if _SAFE.fullmatch(ch) else f"#{ord(ch)};" for ch in text)


_CLASSES = (
    "  classDef beneficiary fill:#fde2c8,stroke:#c05a00\n"
    "  classDef provider fill:#d6e9f8,stroke:#1f5f99\n"
    "  classDef leader fill:#e3dcf5,stroke:#5b3fa8\n"
    "  classDef factor fill:#eeeeee,stroke:#666666"
)


def generate_mermaid(m: SystemMap, direction: str = "LR") -> str:
    """The map as a Mermaid flowchart (``direction`` LR, TB, RL or BT)."""
    if direction not in ("LR", "TB", "TD", "RL", "BT"):
        direction = "LR"
    names: dict[str, str] = {}
    lines = [f"flowchart {direction}"]
    for s in m.stakeholders:
        names[s.id] = f"n{len(names)}"
        lines.append(f'  {names[s.id]}["{escape_label(s.name)}"]:::{s.role}')
    for f in m.factors:
        names[f.id] = f"n{len(names)}"
        lines.append(f'  {names[f.id]}("{escape_label(f.name)}"):::factor')
    for r in m.relationships:
        label = r.kind + (f" {r.polarity}" if r.polarity else "")
        if r.status != "existing":
            label += f" ({r.status})"
        dotted = r.status in ("proposed", "weak", "broken")
        if r.direction == "mutual":
            arrow = "<-.->" if dotted else "<-->"
        else:
            arrow = "-.->" if dotted else "-->"
        lines.append(f'  {names[r.source]} {arrow}|"{escape_label(label)}"| {names[r.target]}')
    lines.append(_CLASSES)
    return "\n".join(lines) + "\n"


def write_mermaid(m: SystemMap, path_or_file: PathOrFile) -> ExportResult:
    """Write the flowchart; the result names every field it leaves out."""
    path = write_output(path_or_file, generate_mermaid(m))
    dropped = dropped_fields(m, kinds=False, loop=(), sections=(), **CARRIED)
    return ExportResult("mermaid", path, dropped)
