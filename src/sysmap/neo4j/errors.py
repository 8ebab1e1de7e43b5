"""What can go wrong with a graph database, in the words the command line prints.

Every error is a :class:`~sysmap.errors.SysmapError`, so the command line
shows ``Error: …`` on one line and exits with status 1::

    SysmapError
    └── StoreError            the database failed a query (the message says which)
        ├── StoreUnavailable  the server cannot be reached
        ├── StoreAuthError    the server refused the user name or password
        ├── DatabaseNotFound  the server has no database of that name
        ├── MapNotFound       no map (or no such version of it) is stored
        └── VersionConflict   that version is stored with different content
"""

from __future__ import annotations

from sysmap.errors import SysmapError

__all__ = [
    "StoreError",
    "StoreUnavailable",
    "StoreAuthError",
    "DatabaseNotFound",
    "MapNotFound",
    "VersionConflict",
]


class StoreError(SysmapError):
    """The graph database failed; the message says what to do."""


class StoreUnavailable(StoreError):
    """The server is down or the address is wrong."""


class StoreAuthError(StoreError):
    """The server refused the user name or password."""


class DatabaseNotFound(StoreError):
    """The server has no database of that name."""


class MapNotFound(StoreError):
    """No map with that id, or no such version of it, is stored."""


class VersionConflict(StoreError):
    """That version of the map is stored already, with different content."""
