"""Exceptions raised by sysmap.

Every error sysmap raises is a :class:`SysmapError`, so one ``except`` catches
them all; the command line prints ``Error: …`` and exits with status 1::

    SysmapError
    ├── MapFileError        the file cannot be read or parsed (too big, binary, bad YAML …)
    ├── MapInvalid          the map breaks one or more rules; ``.problems`` lists each
    ├── EditError           an editing command cannot be applied (unknown id, bad value …)
    ├── LockTimeout         another edit holds the map's lock for too long
    ├── OutputError         a file cannot be written (full disk, read-only folder …)
    ├── UnknownFormat       a file format sysmap does not know
    ├── UnknownOption       an option a format does not take (also a TypeError)
    └── MissingDependency   an optional library is not installed
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sysmap.problems import Problem

__all__ = [
    "SysmapError",
    "MapFileError",
    "MapInvalid",
    "EditError",
    "LockTimeout",
    "OutputError",
    "UnknownFormat",
    "UnknownOption",
    "MissingDependency",
]


class SysmapError(Exception):
    """The root of every error sysmap raises."""


class MapFileError(SysmapError):
    """A map file cannot be read or parsed.

    The message names the file, the line where known, and what to do.
    """

    def __init__(self, message: str, *, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


class MapInvalid(SysmapError):
    """A map breaks one or more rules; :attr:`problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        lines = [p.format() for p in errors]
        n = sum(1 + p.more for p in errors)
        head = f"{n:,} problem{'s' if n != 1 else ''} in the map"
        super().__init__(head + ":\n" + "\n".join(lines))


class EditError(SysmapError):
    """An editing command cannot be applied to the map."""


class LockTimeout(SysmapError):
    """Another process kept the map locked for longer than the timeout."""


class OutputError(SysmapError):
    """A file or folder cannot be written: the disk is full, the folder is
    read-only or missing, or a folder stands where the file should go.

    The target is left as it was; the message names it and says what to do.
    """


class UnknownFormat(SysmapError):
    """A file format sysmap does not know; the message lists the known ones."""


class UnknownOption(SysmapError, TypeError):
    """An option the format does not take; the message lists the ones it does."""


class MissingDependency(SysmapError):
    """An optional library is needed; the message says what to install."""
