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
    ├── BadArgument         a value given to a function or command is not one it takes
    │                       (also a ValueError)
    ├── WorkshopError       the live workshop refuses a request (wrong code, full room …)
    ├── MissingDependency   an optional library is not installed
    └── StoreError          the graph database cannot do what was asked (sysmap.neo4j)

Each carries what a caller needs besides the message: ``MapFileError.problem``,
``MapInvalid.problems``, ``EditError.where``, ``LockTimeout.path`` and ``.timeout``,
``OutputError.path``, ``UnknownFormat.value`` and ``.choices``,
``BadArgument.argument`` and ``.choices``, ``WorkshopError.code``.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    "BadArgument",
    "WorkshopError",
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
    """An editing command cannot be applied to the map.

    ``where`` names what the edit was about (a stakeholder or relationship id, a
    field path such as ``stakeholders.food-bank.power``) when there is one.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.where = where


class LockTimeout(SysmapError):
    """Another process kept the map locked for longer than the timeout.

    ``path`` is the map file and ``timeout`` the seconds waited.
    """

    def __init__(
        self, message: str, *, path: str | None = None, timeout: float | None = None
    ) -> None:
        super().__init__(message)
        self.path = path
        self.timeout = timeout


class OutputError(SysmapError):
    """A file or folder cannot be written: the disk is full, the folder is
    read-only or missing, or a folder stands where the file should go.

    The target is left as it was; the message names it and says what to do.
    ``path`` is the file or folder that could not be written, when known.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path


class UnknownFormat(SysmapError):
    """A file format sysmap does not know; the message lists the known ones.

    ``value`` is the format asked for and ``choices`` the ones sysmap knows.
    """

    def __init__(
        self, message: str, *, value: str | None = None, choices: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.value = value
        self.choices = tuple(choices)


class UnknownOption(SysmapError, TypeError):
    """An option the format does not take; the message lists the ones it does."""


class BadArgument(SysmapError, ValueError):
    """A value given to a function or command is not one it takes.

    ``argument`` names the parameter (``"steps"``, ``"--focus"`` …) and ``choices``
    lists the values it takes, when there is a short list of them.
    """

    def __init__(
        self, message: str, *, argument: str | None = None, choices: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.argument = argument
        self.choices = tuple(choices)


class WorkshopError(SysmapError):
    """The live workshop refuses a request: a wrong join code, a full room, a
    contribution it cannot take. ``code`` is a short word a program can match
    on (``"wrong-code"``, ``"too-many-tries"`` …); the message is for people.
    """

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


class MissingDependency(SysmapError):
    """An optional library is needed; the message says what to install."""
