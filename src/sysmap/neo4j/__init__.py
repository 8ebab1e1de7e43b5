"""Neo4j: push maps into a shared graph database, pull them back, list and delete them.

Files stay the default; a graph database is for sharing maps across a region
and keeping many versions of them. sysmap talks to Neo4j (a server, a
cluster or Aura) with the official ``neo4j`` driver, and to FalkorDB — which
runs the same Cypher and is what the tests use — with its own client.

>>> from sysmap.neo4j import connect, MapStore, ROLE_LABELS
>>> ROLE_LABELS["beneficiary"]
'Beneficiary'

Open a store with :func:`connect` (settings default to the
``SYSMAP_NEO4J_URI``, ``SYSMAP_NEO4J_USER``, ``SYSMAP_NEO4J_PASSWORD`` and
``SYSMAP_NEO4J_DATABASE`` variables), then :meth:`MapStore.push`,
:meth:`MapStore.pull`, :meth:`MapStore.list_maps` and
:meth:`MapStore.delete`. The graph schema is in ``docs/neo4j.md`` and in
:mod:`sysmap.neo4j.schema`; how a push stays invisible until it is whole is in
:mod:`sysmap.neo4j.store`; what differs between the engines is in
:mod:`sysmap.neo4j.engines`.
"""

from sysmap.neo4j import errors
from sysmap.neo4j.engines import DEFAULT_URI, Engine, open_engine

# re-exported: the names of sysmap.neo4j.errors.__all__
from sysmap.neo4j.errors import (
    DatabaseNotFound as DatabaseNotFound,
)
from sysmap.neo4j.errors import (
    MapNotFound as MapNotFound,
)
from sysmap.neo4j.errors import (
    StoreAuthError as StoreAuthError,
)
from sysmap.neo4j.errors import (
    StoreError as StoreError,
)
from sysmap.neo4j.errors import (
    StoreUnavailable as StoreUnavailable,
)
from sysmap.neo4j.errors import (
    VersionConflict as VersionConflict,
)
from sysmap.neo4j.schema import CUSTOM_KIND_TYPE, KIND_TYPES, ROLE_LABELS
from sysmap.neo4j.store import (
    ENV_DATABASE,
    ENV_PASSWORD,
    ENV_URI,
    ENV_USER,
    MapStore,
    PushResult,
    StoredVersion,
    connect,
    default_version,
    settings_from_env,
)

__all__ = [
    "connect",
    "MapStore",
    "PushResult",
    "StoredVersion",
    "Engine",
    "open_engine",
    "default_version",
    "settings_from_env",
    "DEFAULT_URI",
    "ENV_URI",
    "ENV_USER",
    "ENV_PASSWORD",
    "ENV_DATABASE",
    "ROLE_LABELS",
    "KIND_TYPES",
    "CUSTOM_KIND_TYPE",
    *errors.__all__,
]
