"""What an export or an import hands back: the file written or the map read, and
what the format could not carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from sysmap.model import SystemMap

__all__ = ["ExportResult", "ImportResult"]


@dataclass
class ExportResult:
    """What an export wrote and what the format could not carry.

    ``dropped`` names every field of the map that is not in the file
    (``"guiding_team"``, ``"relationships[].evidence"`` …); it is empty when the
    file carries the whole map.
    """

    format: str
    path: str | None
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        """Warnings to show a user, the drop list first."""
        out = []
        if self.dropped:
            out.append(
                f"warning: {self.format} cannot carry these fields, left out: "
                + ", ".join(self.dropped)
            )
        out.extend(f"warning: {w}" for w in self.warnings)
        return out


@dataclass
class ImportResult:
    """The map an import built, and what it had to guess or leave out."""

    map: SystemMap
    format: str
    path: str | None
    dropped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: What the file did not say and the import assumed (ids, roles, kinds,
    #: directions, weights), one sentence each.
    assumed: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        """What to show a user: the drop list, warnings, then what was assumed."""
        out = []
        if self.dropped:
            out.append("warning: not imported (no place in a map): " + ", ".join(self.dropped))
        out.extend(f"warning: {w}" for w in self.warnings)
        out.extend(f"assumed: {a}" for a in self.assumed)
        return out
