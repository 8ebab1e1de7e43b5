"""What a format carries and what it leaves out: the drop list an export reports
and the map a round trip gives back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sysmap.model import SystemMap
from sysmap.redact import SECTIONS_LEFT_OUT

__all__ = ["MAP_FIELDS", "SECTIONS", "ALL", "dropped_fields", "strip_dropped"]

#: The map's own scalar fields (everything but lists of parts).
MAP_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "guiding_question",
    "community",
    "description",
    "as_of",
    "stage",
    "based_on",
)
#: The map's sections beyond elements, relationships and loops: the ones a redaction
#: leaves out, and the what-if scenarios.
SECTIONS: tuple[str, ...] = (*SECTIONS_LEFT_OUT, "scenarios")
#: Marker: a format carries every field of a part.
ALL: frozenset[str] = frozenset({"*"})


def _present(items: Iterable[Any]) -> set[str]:
    keys: set[str] = set()
    for item in items:
        keys.update(item.model_dump(exclude_defaults=True, by_alias=False))
    return keys


def dropped_fields(
    m: SystemMap,
    *,
    map_fields: Iterable[str] = ALL,
    stakeholder: Iterable[str] = ALL,
    factor: Iterable[str] = ALL,
    relationship: Iterable[str] = ALL,
    loop: Iterable[str] = ALL,
    kinds: bool = True,
    sections: Iterable[str] = SECTIONS,
) -> list[str]:
    """The fields this map uses that a format does not carry.

    Each argument names what the format carries; ``ALL`` means every field.

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?", community="Town",
    ...     stakeholders=[Stakeholder(id="a", name="A", role="leader", power=3)])
    >>> dropped_fields(m, map_fields={"id", "title"}, stakeholder={"id", "name", "role"})
    ['community', 'guiding_question', 'stakeholders[].power']
    """
    out: list[str] = []
    # only the map's own fields and sections: dumping the parts too would cost as much
    # as the export itself on a large map
    data = m.model_dump(include={*MAP_FIELDS, *SECTIONS}, exclude_defaults=True)
    carried = set(map_fields)
    if "*" not in carried:
        out += sorted(k for k in MAP_FIELDS if k in data and k not in carried)
    if not kinds and m.kinds:
        out.append("kinds")
    for name, items, keep in (
        ("stakeholders", m.stakeholders, set(stakeholder)),
        ("factors", m.factors, set(factor)),
        ("relationships", m.relationships, set(relationship)),
        ("loops", m.loops, set(loop)),
    ):
        if "*" in keep or not items:
            continue
        if not keep:
            out.append(name)
            continue
        out += sorted(f"{name}[].{k}" for k in _present(items) - keep)
    kept_sections = set(sections)
    out += [s for s in SECTIONS if s not in kept_sections and data.get(s)]
    return out


def strip_dropped(m: SystemMap, dropped: Iterable[str]) -> dict[str, Any]:
    """The map's data without the dropped fields: what a round trip gives back.

    Example
    -------
    >>> from sysmap.model import Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...     stakeholders=[Stakeholder(id="a", name="A", role="leader", power=3)])
    >>> strip_dropped(m, ["stakeholders[].power"])["stakeholders"]
    [{'id': 'a', 'name': 'A', 'role': 'leader'}]
    """
    data = m.to_data()
    for name in dropped:
        if "[]." in name:
            section, key = name.split("[].", 1)
            head, _, sub = key.partition(".")
            for item in data.get(section, []):
                if sub and isinstance(item.get(head), dict):
                    item[head].pop(sub, None)
                    if not item[head]:
                        item.pop(head)
                elif not sub:
                    item.pop(key, None)
        else:
            data.pop(name, None)
    return data
