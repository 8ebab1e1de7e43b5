"""The few places where Neo4j and FalkorDB differ, behind one small interface.

The store sends the same Cypher to both engines: ``MATCH``, ``MERGE``,
``CREATE``, ``UNWIND``, ``SET +=``, ``DETACH DELETE``, ``properties()``,
``labels()``, ``CASE``. What differs lives here and nowhere else:

==============================  =====================================  ================================
                                Neo4j (official ``neo4j`` driver)      FalkorDB (``falkordb`` client)
==============================  =====================================  ================================
address                         ``neo4j://``, ``bolt://`` (``+s``…)    ``falkordb://host:port``;
                                                                       ``falkordblite:PATH`` (embedded)
"database"                      a database on the server               a graph (a Redis key)
one write                       ``session.execute_write`` (a           one query; FalkorDB runs each
                                transaction, retried when transient)   query atomically
a node's handle                 ``elementId(n)``                       ``id(n)``
numbers read back               exactly as sent                        to 15 significant digits
parameters                      packed by the driver                   Cypher text in front of the
                                                                       query (:func:`params_header`);
                                                                       ``write_each`` writes the next
                                                                       batch's while one runs
results                         records → ``record.data()``            header + rows → dicts
indexes and constraints         ``CREATE CONSTRAINT … IF NOT EXISTS``  ``CREATE INDEX`` when missing;
                                                                       ``GRAPH.CONSTRAINT CREATE``
errors                          ``ServiceUnavailable``, ``AuthError``,  ``redis`` connection and
                                ``DatabaseNotFound`` codes             authentication errors
==============================  =====================================  ================================

Neither engine offers a transaction that spans many statements *and* works
on both (FalkorDB has none), so the store never relies on one: see
:mod:`sysmap.neo4j.store` for how a push becomes visible in one statement.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

from sysmap.errors import MissingDependency
from sysmap.neo4j.errors import (
    DatabaseNotFound,
    StoreAuthError,
    StoreError,
    StoreUnavailable,
)
from sysmap.neo4j.schema import ELEMENT_LABEL, MAP_LABEL, RECORD_LABELS, VERSION_LABEL

__all__ = [
    "Engine",
    "Neo4jEngine",
    "FalkorDBEngine",
    "open_engine",
    "NEO4J_SCHEMES",
    "FALKORDB_SCHEMES",
    "DEFAULT_URI",
    "DEFAULT_DATABASE",
]

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
FALKORDB_SCHEMES = ("falkordb", "falkordblite", "redis")
DEFAULT_URI = "neo4j://localhost:7687"
#: FalkorDB's "database" is a graph name; Neo4j's default is the server's.
DEFAULT_DATABASE = "sysmap"

# (label, properties, unique) — created once per database.
_INDEXES: list[tuple[str, tuple[str, ...], bool]] = [
    (MAP_LABEL, ("id",), True),
    (VERSION_LABEL, ("gen",), True),
    (VERSION_LABEL, ("map", "version"), False),
    (ELEMENT_LABEL, ("gen", "id"), True),
    *[(label, ("gen",), False) for label, _model in RECORD_LABELS.values()],
]

_NEO4J_INSTALL = "pip install 'sysmap[neo4j]' (the official neo4j driver)"
_FALKORDB_INSTALL = (
    "pip install falkordb (a FalkorDB server), or "
    "pip install --ignore-requires-python falkordblite (FalkorDB embedded)"
)


class Engine(Protocol):
    """What the store needs from a graph database: run one statement, get dicts."""

    #: "Neo4j" or "FalkorDB", for messages.
    name: str
    #: Where the data lives, for messages: address and database.
    where: str
    #: The function that gives a node's handle for the length of a push:
    #: ``id`` on FalkorDB, ``elementId`` on Neo4j (where ``id`` is deprecated).
    node_ref: str
    #: Significant digits a stored number keeps (FalkorDB answers with 15),
    #: or None when numbers come back exactly as sent.
    float_digits: int | None

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one statement that changes the graph, atomically; return its rows."""
        ...

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one read-only statement; return its rows."""
        ...

    def write_each(
        self, statements: Iterable[tuple[str, dict[str, Any]]]
    ) -> Iterator[list[dict[str, Any]]]:
        """Run ``(query, params)`` statements in turn, each on its own like
        :meth:`write`, yielding each one's rows as it finishes."""
        ...

    def ensure_schema(self) -> None:
        """Create the indexes and uniqueness constraints that are missing."""
        ...

    def close(self) -> None:
        """Let go of the connection (and stop an embedded server)."""
        ...


def _safe_uri(uri: str) -> str:
    # never echo a password written into an address
    parts = urlsplit(uri)
    if parts.password is None:
        return uri
    netloc = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or ""
    return parts._replace(netloc=f"{user}:***@{netloc}").geturl()


def open_engine(
    uri: str,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> Engine:
    """Connect to the engine the address names.

    Parameters
    ----------
    uri : str
        ``neo4j://host:7687``, ``bolt://…``, ``neo4j+s://…`` (Aura) for Neo4j;
        ``falkordb://host:6379`` for a FalkorDB server;
        ``falkordblite:PATH`` for FalkorDB embedded, storing in the file PATH.
    user, password : str, optional
        Credentials (Neo4j's user defaults to ``neo4j``).
    database : str, optional
        The Neo4j database (default: the server's default) or the FalkorDB
        graph (default ``sysmap``).

    Raises
    ------
    StoreError
        An address sysmap does not know, or a server that cannot be reached
        or refuses the credentials.
    MissingDependency
        The engine's client library is not installed.
    """
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    if scheme in NEO4J_SCHEMES:
        return Neo4jEngine(uri, user=user, password=password, database=database)
    if scheme in FALKORDB_SCHEMES:
        return FalkorDBEngine(uri, user=user, password=password, database=database)
    raise StoreError(
        f"unknown database address {_safe_uri(uri)!r} — use neo4j://HOST:7687 "
        "(or bolt://, neo4j+s:// for Aura), falkordb://HOST:6379 or falkordblite:FILE"
    )


# ------------------------------------------------------------------ Neo4j


class _Connection:
    """What both engines are made with; each connects in its own ``_connect``."""

    def __init__(
        self,
        uri: str,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> None:
        self.uri = uri
        self._connect(user, password, database)

    def _connect(self, user: str | None, password: str | None, database: str | None) -> None:
        raise NotImplementedError


class Neo4jEngine(_Connection):
    """Neo4j through the official ``neo4j`` driver; each write is one transaction."""

    name = "Neo4j"
    node_ref = "elementId"
    float_digits: int | None = None

    def _connect(self, user: str | None, password: str | None, database: str | None) -> None:
        try:
            import neo4j
        except ImportError:
            raise MissingDependency(f"Neo4j needs its driver — {_NEO4J_INSTALL}") from None
        self._neo4j = neo4j
        uri = self.uri
        self.user = user or "neo4j"
        self.database = database
        self.where = f"{_safe_uri(uri)}" + (f", database {database!r}" if database else "")
        auth = (self.user, password) if password is not None else None
        with self._translate():
            try:
                self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
            except (ValueError, neo4j.exceptions.ConfigurationError) as exc:
                raise StoreError(f"cannot use the address {_safe_uri(uri)!r}: {exc}") from None
            try:
                self._driver.verify_connectivity()
            except BaseException:
                self._driver.close()
                raise
        self._session = self._driver.session(database=database) if database else None

    def _open_session(self) -> Any:
        if self._session is None:
            self._session = self._driver.session()
        return self._session

    @contextmanager
    def _translate(self) -> Iterator[None]:
        exc_mod = self._neo4j.exceptions
        try:
            yield
        except exc_mod.AuthError:
            raise StoreAuthError(
                f"Neo4j at {_safe_uri(self.uri)} refused user {self.user!r} — check the user "
                "and password (--user, SYSMAP_NEO4J_USER, SYSMAP_NEO4J_PASSWORD)"
            ) from None
        except exc_mod.ServiceUnavailable:
            raise StoreUnavailable(
                f"cannot reach Neo4j at {_safe_uri(self.uri)} — is the server running and the "
                "address right? (--uri or SYSMAP_NEO4J_URI)"
            ) from None
        except exc_mod.Neo4jError as exc:
            code = getattr(exc, "code", "") or ""
            if code.endswith("DatabaseNotFound"):
                raise DatabaseNotFound(
                    f"Neo4j at {_safe_uri(self.uri)} has no database {self.database!r} — "
                    "create it, or name another with --database or SYSMAP_NEO4J_DATABASE"
                ) from None
            if code.startswith("Neo.ClientError.Security"):
                raise StoreAuthError(
                    f"Neo4j at {_safe_uri(self.uri)} refused user {self.user!r}: "
                    f"{exc.message} — check the user's password and permissions"
                ) from None
            raise StoreError(f"Neo4j at {self.where}: {exc.message or exc}") from None
        except exc_mod.DriverError as exc:
            raise StoreError(f"Neo4j at {self.where}: {exc}") from None

    def _run(self, how: str, query: str, params: dict[str, Any] | None) -> list[dict[str, Any]]:
        def work(tx: Any) -> list[dict[str, Any]]:
            return [record.data() for record in tx.run(query, params or {})]

        with self._translate():
            rows: list[dict[str, Any]] = getattr(self._open_session(), how)(work)
        return rows

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run("execute_write", query, params)

    def write_each(
        self, statements: Iterable[tuple[str, dict[str, Any]]]
    ) -> Iterator[list[dict[str, Any]]]:
        for query, params in statements:
            yield self.write(query, params)

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._run("execute_read", query, params)

    def ensure_schema(self) -> None:
        for label, props, unique in _INDEXES:
            name = "sysmap_" + "_".join([label.lower(), *props])
            keys = ", ".join(f"n.{p}" for p in props)
            if unique:
                target = keys if len(props) == 1 else f"({keys})"
                self.write(
                    f"CREATE CONSTRAINT {name} IF NOT EXISTS "
                    f"FOR (n:{label}) REQUIRE {target} IS UNIQUE"
                )
            else:
                self.write(f"CREATE INDEX {name} IF NOT EXISTS FOR (n:{label}) ON ({keys})")

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        self._driver.close()


# --------------------------------------------------------------- FalkorDB

_LITE_SERVERS: dict[str, Any] = {}


class FalkorDBEngine(_Connection):
    """FalkorDB, a server or embedded (``falkordblite``); each query is atomic."""

    name = "FalkorDB"
    node_ref = "id"
    float_digits: int | None = 15

    def _connect(self, user: str | None, password: str | None, database: str | None) -> None:
        uri = self.uri
        self.graph_name = database or DEFAULT_DATABASE
        self.where = f"{_safe_uri(uri)}, graph {self.graph_name!r}"
        scheme, _, rest = uri.partition(":")
        self._db: Any
        with self._translate():
            if scheme.lower() == "falkordblite":
                self._db = _embedded(rest)
            else:
                self._db = _server(uri, user, password)
            self._graph = self._db.select_graph(self.graph_name)
            self._db.connection.ping()

    @contextmanager
    def _translate(self) -> Iterator[None]:
        try:
            import redis.exceptions as rx
        except ImportError:
            raise MissingDependency(f"FalkorDB needs its client — {_FALKORDB_INSTALL}") from None
        try:
            yield
        except rx.AuthenticationError:
            raise StoreAuthError(
                f"FalkorDB at {_safe_uri(self.uri)} refused the user name or password — check "
                "them (SYSMAP_NEO4J_USER, SYSMAP_NEO4J_PASSWORD)"
            ) from None
        except (rx.ConnectionError, rx.TimeoutError, OSError) as exc:
            raise StoreUnavailable(
                f"cannot reach FalkorDB at {_safe_uri(self.uri)} — is the server running and "
                f"the address right? ({exc})"
            ) from None
        except rx.ResponseError as exc:
            text = str(exc)
            if re.search(r"NOAUTH|WRONGPASS|invalid password|invalid username", text, re.I):
                raise StoreAuthError(
                    f"FalkorDB at {_safe_uri(self.uri)} refused the user name or password — "
                    "check them (SYSMAP_NEO4J_USER, SYSMAP_NEO4J_PASSWORD)"
                ) from None
            if "Failed to parse query parameter" in text:
                raise StoreError(
                    f"FalkorDB at {self.where} cannot take a value in the map ({text}); "
                    "FalkorDB cannot store text holding a NUL character (\\x00) — remove it"
                ) from None
            raise StoreError(f"FalkorDB at {self.where}: {text}") from None
        except ValueError as exc:
            # the client refuses a parameter it cannot write (a backtick in a map key)
            raise StoreError(f"FalkorDB at {self.where} cannot take a parameter: {exc}") from None

    def _rows(self, result: Any) -> list[dict[str, Any]]:
        names = [h[1] for h in result.header]
        # maps come back as OrderedDicts, which are dicts: no need to copy them
        return [dict(zip(names, row, strict=True)) for row in result.result_set]

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._translate():
            return self._rows(self._graph.query(params_header(params) + query))

    def write_each(
        self, statements: Iterable[tuple[str, dict[str, Any]]]
    ) -> Iterator[list[dict[str, Any]]]:
        # While the server runs one statement, a second thread writes out the
        # next one's parameters (FalkorDB takes them as text): the two halves
        # of a large push overlap instead of taking turns. The client object
        # is only ever used from this thread.
        it = iter(statements)

        def prepare() -> str | None:
            statement = next(it, None)
            return None if statement is None else params_header(statement[1]) + statement[0]

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sysmap-falkordb") as pool:
            pending = pool.submit(prepare)
            while True:
                with self._translate():
                    text = pending.result()
                if text is None:
                    return
                pending = pool.submit(prepare)
                with self._translate():
                    rows = self._rows(self._graph.query(text))
                yield rows

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        with self._translate():
            try:
                return self._rows(self._graph.ro_query(params_header(params) + query))
            except Exception as exc:
                # a graph nobody has written to yet is an empty graph
                if "empty key" in str(exc):
                    return []
                raise

    def ensure_schema(self) -> None:
        with self._translate():
            # FalkorDB indexes attributes one by one: a label's row lists them all
            try:
                rows = self._graph.list_indices().result_set
            except Exception as exc:
                if "empty key" not in str(exc):
                    raise
                rows = []
            indexed = {(row[0], prop) for row in rows for prop in row[1]}
            for label, props, _unique in _INDEXES:
                for prop in props:
                    if (label, prop) not in indexed:
                        self._graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
                        indexed.add((label, prop))
            constraints = {
                (row[1], frozenset(row[2]))
                for row in self._graph.query("CALL db.constraints()").result_set
            }
            for label, props, unique in _INDEXES:
                if unique and (label, frozenset(props)) not in constraints:
                    self._graph.create_node_unique_constraint(label, *props)

    def close(self) -> None:
        # the embedded server is shared by every engine on that file (see _embedded)
        pass


def params_header(params: dict[str, Any] | None) -> str:
    r"""FalkorDB's parameters, as the ``CYPHER name=value …`` text before a query.

    FalkorDB takes parameters as Cypher literals in front of the query. Its
    client writes them the same way (text in double quotes with ``\`` and
    ``"`` escaped, map keys in backticks) but about three times slower, which
    was half the client's time in a large push.

    >>> print(params_header({"rows": [{"name": 'say "hi"', "n": 1, "ok": True, "x": None}]}))
    CYPHER `rows`=[{`name`:"say \"hi\"",`n`:1,`ok`:true,`x`:null}]
    >>> params_header({"rows": [{"a`b": 1}]})
    Traceback (most recent call last):
    ...
    ValueError: a map key holds a backtick, which FalkorDB cannot read: 'a`b'
    """
    if not params:
        return ""
    return "CYPHER " + "".join(f"{_key(k)}={_literal(v)} " for k, v in params.items())


#: Map keys written before, in backticks (keys are few: field names).
_KEYS: dict[str, str] = {}


def _key(key: str) -> str:
    text = _KEYS.get(key)
    if text is not None:
        return text
    if not isinstance(key, str) or not key:
        raise ValueError(f"a map key must be text, not {key!r}")
    if "`" in key:
        raise ValueError(f"a map key holds a backtick, which FalkorDB cannot read: {key!r}")
    text = f"`{key}`"
    if len(_KEYS) < 4096:
        _KEYS[key] = text
    return text


def _literal(value: Any) -> str:
    # exact types first: this runs once for every value in a push
    t = type(value)
    if t is str:
        text: str = value
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if t is dict:
        return _map_literal(value)
    if t is int or t is float:
        return repr(value)
    if t is list or t is tuple:
        return "[" + ",".join([_literal(v) for v in value]) + "]"
    if value is None:
        return "null"
    if t is bool:
        return "true" if value else "false"
    # subclasses (an enum of text, a named tuple …) as their base type
    if isinstance(value, str):
        return _literal(str(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, dict):
        return _literal(dict(value))
    if isinstance(value, list | tuple):
        return _literal(list(value))
    raise ValueError(f"FalkorDB cannot take a value of type {t.__name__}: {value!r}")


def _map_literal(value: dict[Any, Any]) -> str:
    # a map is what a push sends most (one a row): its text, numbers and keys
    # are written here without a call each
    parts = []
    for k, v in value.items():
        key = _KEYS.get(k) or _key(k)
        t = type(v)
        if t is str:
            parts.append(key + ':"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
        elif t is int or t is float:
            parts.append(f"{key}:{v!r}")
        else:
            parts.append(f"{key}:{_literal(v)}")
    return "{" + ",".join(parts) + "}"


def _embedded(rest: str) -> Any:
    try:
        from redislite.falkordb_client import FalkorDB
    except ImportError:
        raise MissingDependency(
            "falkordblite: addresses need FalkorDB embedded — "
            "pip install --ignore-requires-python falkordblite"
        ) from None
    path = rest[2:] if rest.startswith("//") else rest
    path = os.path.abspath(os.path.expanduser(unquote(path)))
    if not os.path.isdir(os.path.dirname(path)):
        raise StoreUnavailable(
            f"falkordblite:{path}: the folder {os.path.dirname(path)} does not exist — create it"
        )
    # one embedded server per file for the life of the process: starting one
    # takes a moment, and two servers on one file would overwrite each other
    if path not in _LITE_SERVERS:
        _LITE_SERVERS[path] = FalkorDB(path)
    return _LITE_SERVERS[path]


def _server(uri: str, user: str | None, password: str | None) -> Any:
    try:
        from falkordb import FalkorDB
    except ImportError:
        raise MissingDependency(f"FalkorDB needs its client — {_FALKORDB_INSTALL}") from None
    parts = urlsplit(uri)
    return FalkorDB(
        host=parts.hostname or "localhost",
        port=parts.port or 6379,
        username=user or (unquote(parts.username) if parts.username else None),
        password=password or (unquote(parts.password) if parts.password else None),
    )
