"""The Neo4j store on a real Cypher engine: FalkorDB embedded, and a live Neo4j when set.

Round trips of every example map, idempotent pushes, --replace, maps and
versions side by side, injection attempts, and a push that fails half-way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import neo4j_engines
from helpers import EXAMPLES
from neo4j_engines import Pushed, count
from sysmap.model import (
    Factor,
    FeedbackLoop,
    Relationship,
    RelationshipKind,
    Stakeholder,
    SystemMap,
)
from sysmap.neo4j import (
    CUSTOM_KIND_TYPE,
    KIND_TYPES,
    ROLE_LABELS,
    MapNotFound,
    MapStore,
    StoreError,
    VersionConflict,
)
from sysmap.neo4j import store as store_module
from sysmap.validate import load_map

EXAMPLE_FILES = ["small.yaml", "homelessness-current.yaml", "homelessness-redesign.yaml"]

# the engine fixtures, shared with the other Neo4j tests
falkordb_folder = neo4j_engines.falkordb_folder
engine_store = neo4j_engines.engine_store


def example(name: str) -> SystemMap:
    return load_map(EXAMPLES / name)


# ------------------------------------------------------------------ round trip


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_pull_rebuilds_the_pushed_map_exactly(engine_store: Pushed, name: str) -> None:
    store = engine_store.store
    m = engine_store.fresh(example(name))
    result = store.push(m)
    assert result.written and not result.replaced
    assert (result.stakeholders, result.relationships) == (
        len(m.stakeholders),
        len(m.relationships),
    )
    back = store.pull(m.id)
    assert back == m
    assert back.to_data() == m.to_data()


def test_numbers_the_engine_rounds_are_named_when_pushed(engine_store: Pushed) -> None:
    store = engine_store.store
    m = engine_store.fresh(example("small.yaml"))
    first = m.relationships[0]
    third = first.model_copy(update={"strength": 7 / 3})
    m = m.model_copy(update={"relationships": [third, *m.relationships[1:]]})
    result = store.push(m)
    back = store.pull(m.id)
    if store.engine.float_digits is None:  # Neo4j keeps every digit
        assert result.warnings == () and back == m
        return
    assert result.warnings == (
        "FalkorDB keeps 15 significant digits, so 1 number will be pulled back rounded "
        f"({first.source} → {first.target}: strength 2.3333333333333335 → 2.33333333333333) "
        "— round them in the map file to keep pull and file equal",
    )
    assert back.relationships[0].strength == 2.33333333333333
    assert back.relationships[1:] == m.relationships[1:]
    # a map whose numbers all fit comes back equal and warns of nothing
    assert store.push(engine_store.fresh(example("homelessness-current.yaml"))).warnings == ()


def test_a_map_touching_every_field_round_trips(engine_store: Pushed) -> None:
    # the examples between them use most fields; this one sets the rest
    m = engine_store.fresh(example("homelessness-redesign.yaml"))
    data = m.to_data()
    data["description"] = "Line one\nline two"
    data["based_on"] = "riverton-current"
    data["kinds"] = [{"id": "mentors", "description": "coaches", "voice": True}]
    data["stakeholders"][0].update(
        organisation="Org", sensitive=True, tags=["a", "b"], attributes={"n": 1.5, "none": None}
    )
    data["factors"][0]["attributes"] = {"flag": True, "whole": 2, "float": 2.0}
    data["relationships"].append(
        {
            "id": "r-every",
            "from": data["stakeholders"][0]["id"],
            "to": data["stakeholders"][1]["id"],
            "kind": "mentors",
            "strength": 2.5,
            "trust": 0,
            "direction": "mutual",
            "polarity": "-",
            "power": {"amount": 0},
            "status": "proposed",
            "notes": "n",
            "evidence": [{"source": "survey", "date": dt.date(2025, 1, 2), "note": "x"}],
            "change": {"reason": "r", "owner": data["stakeholders"][0]["id"], "measures": []},
            "attributes": {"k": "v"},
        }
    )
    m = SystemMap.model_validate(data)
    engine_store.store.push(m)
    assert engine_store.store.pull(m.id) == m


def test_the_graph_uses_the_documented_labels_and_types(engine_store: Pushed) -> None:
    store = engine_store.store
    m = engine_store.fresh(example("small.yaml"))
    store.push(m)
    labels = store.engine.read(
        "MATCH (n:SysmapElement {map: $map}) RETURN n.id AS id, labels(n) AS labels",
        {"map": m.id},
    )
    by_id = {r["id"]: set(r["labels"]) for r in labels}
    for s in m.stakeholders:
        assert by_id[s.id] == {"SysmapElement", "Stakeholder", ROLE_LABELS[s.role]}
    for f in m.factors:
        assert by_id[f.id] == {"SysmapElement", "Factor"}
    types = store.engine.read(
        "MATCH (a:SysmapElement {map: $map})-[r]->(b) "
        "RETURN a.id AS a, b.id AS b, type(r) AS t, r.kind AS kind",
        {"map": m.id},
    )
    assert sorted((r["a"], r["b"], r["kind"]) for r in types) == sorted(
        (r.source, r.target, r.kind) for r in m.relationships
    )
    for r in types:
        assert r["t"] == KIND_TYPES.get(r["kind"], CUSTOM_KIND_TYPE)
    version = store.engine.read(
        "MATCH (:SysmapMap {id: $map})-[:HAS_VERSION]->(v:SysmapVersion) "
        "RETURN v.state AS state, v.version AS version, v.guiding_question AS q",
        {"map": m.id},
    )
    assert version == [
        {"state": "published", "version": m.as_of.isoformat(), "q": m.guiding_question}
    ]


# ------------------------------------------------------------------ idempotency


def test_pushing_twice_gives_the_same_graph(engine_store: Pushed) -> None:
    store = engine_store.store
    m = engine_store.fresh(example("homelessness-current.yaml"))
    store.push(m)
    first = count(store, m.id)
    # 49 stakeholders + 7 factors + 8 loops + 1 guiding role … + the version node
    assert first[0] > len(m.stakeholders) + len(m.factors)
    assert first[1] == len(m.relationships)
    again = store.push(m)
    assert not again.written
    assert count(store, m.id) == first
    # rewriting the same content (replace) also leaves the same graph behind
    assert store.push(m, replace=True).written
    assert count(store, m.id) == first
    assert store.push(m, replace=True).replaced
    assert count(store, m.id) == first
    assert len(store.list_maps(m.id)) == 1


def test_a_changed_map_needs_replace_or_a_new_version(engine_store: Pushed) -> None:
    store = engine_store.store
    m = engine_store.fresh(example("small.yaml"))
    store.push(m)
    changed = m.model_copy(update={"title": "Renamed"})
    with pytest.raises(VersionConflict) as err:
        store.push(changed)
    assert str(err.value).startswith(f"{m.id} version {m.as_of} is already in FalkorDB") or (
        "is already in Neo4j" in str(err.value)
    )
    assert "use --replace" in str(err.value)
    assert store.pull(m.id) == m


# --------------------------------------------------------------------- replace


def test_replace_removes_what_the_file_no_longer_has(engine_store: Pushed) -> None:
    store = engine_store.store
    m = engine_store.fresh(example("homelessness-current.yaml"))
    store.push(m)
    gone = m.stakeholders[0].id
    smaller = m.model_copy(
        update={
            "stakeholders": m.stakeholders[1:],
            "relationships": [r for r in m.relationships if gone not in (r.source, r.target)],
            "loops": [lp for lp in m.loops if gone not in lp.path],
            "guiding_team": [
                g.model_copy(update={"accepted_by": [a for a in g.accepted_by if a != gone]})
                for g in m.guiding_team
            ],
            "assessments": [
                a.model_copy(update={"results": [r for r in a.results if r.stakeholder != gone]})
                for a in m.assessments
            ],
            "title": "Riverton, one stakeholder fewer",
        }
    )
    assert len(smaller.relationships) < len(m.relationships)
    result = store.push(smaller, replace=True)
    assert result.replaced
    assert store.pull(m.id) == smaller
    left = store.engine.read(
        "MATCH (n:SysmapElement {map: $map, id: $id}) RETURN count(n) AS n",
        {"map": m.id, "id": gone},
    )
    assert left == [{"n": 0}]
    # exactly what a first push of the smaller map leaves: no trace of the old copy
    other = smaller.model_copy(update={"id": m.id + "-b"})
    store.push(other)
    assert count(store, m.id) == count(store, other.id)


# ----------------------------------------------------------- side by side


def test_two_maps_and_two_versions_live_side_by_side(engine_store: Pushed) -> None:
    store = engine_store.store
    current = engine_store.fresh(example("homelessness-current.yaml"))
    redesign = engine_store.fresh(example("homelessness-redesign.yaml"))
    later = current.model_copy(
        update={
            "as_of": dt.date(2026, 3, 1),
            "relationships": current.relationships[:-10],
            "title": "Riverton in March",
        }
    )
    store.push(current)
    store.push(later)
    store.push(redesign)
    # both versions of one map share stakeholder ids without mixing
    assert store.pull(current.id, version="2025-04-30") == current
    assert store.pull(current.id, version="2026-03-01") == later
    assert store.pull(current.id) == later  # the latest pushed
    assert store.pull(redesign.id) == redesign
    listed = [(v.map_id, v.version) for v in store.list_maps()]
    for key in [
        (current.id, "2025-04-30"),
        (current.id, "2026-03-01"),
        (redesign.id, redesign.as_of.isoformat()),
    ]:
        assert key in listed
    # deleting one version leaves the others whole
    assert store.delete(current.id, version="2025-04-30") == ["2025-04-30"]
    assert store.pull(current.id) == later
    assert store.pull(redesign.id) == redesign
    with pytest.raises(MapNotFound, match="has no version '2025-04-30'.*it has 2026-03-01"):
        store.pull(current.id, version="2025-04-30")
    assert store.delete(current.id) == ["2026-03-01"]
    with pytest.raises(MapNotFound, match=f"no map '{current.id}'"):
        store.pull(current.id)
    assert count(store, current.id) == (0, 0)
    assert store.engine.read(
        "MATCH (m:SysmapMap {id: $map}) RETURN count(m) AS n", {"map": current.id}
    ) == [{"n": 0}]
    assert store.pull(redesign.id) == redesign


# -------------------------------------------------------------------- injection

NASTY = [
    "'}) DETACH DELETE n //",
    '"}) MATCH (x) DETACH DELETE x RETURN 1 //',
    "`Leader` ``x``",
    "{b: 1} ${x} $map",
    "line\nbreak\r\tand \\ backslash \\' \\\" \\u0041",
    "// comment */ /* ",
    "é ñ 中文 \u2028 \U0001f600",
]


def nasty_map(suffix: str) -> SystemMap:
    stakeholders = [
        Stakeholder(
            id=f"s{i}",
            name=text,
            role=("beneficiary", "provider", "leader")[i % 3],
            description=text,
            tags=[text, "plain"],
            attributes={text: text, f"k{i}`": i, "a'b": None, "}{": 1.5, "x // y": True},
        )
        for i, text in enumerate(NASTY)
    ]
    relationships = [
        Relationship(
            source=f"s{i}",
            target=f"s{(i + 1) % len(NASTY)}",
            kind="detach_delete_n" if i % 2 else "feedback",
            notes=text,
            attributes={text: text},
        )
        for i, text in enumerate(NASTY)
    ]
    return SystemMap(
        id=f"nasty-{suffix}",
        title=NASTY[0],
        guiding_question=NASTY[1],
        description=NASTY[4],
        kinds=[RelationshipKind(id="detach_delete_n", description=NASTY[0])],
        stakeholders=stakeholders,
        factors=[Factor(id="f", name=NASTY[2], attributes={NASTY[3]: NASTY[5]})],
        relationships=relationships,
        loops=[FeedbackLoop(id="l", name=NASTY[1], path=["s0", "s1", "s2", "s0"])],
    )


def test_text_in_the_map_cannot_change_a_query(engine_store: Pushed) -> None:
    store = engine_store.store
    canary = engine_store.fresh(example("small.yaml"))
    store.push(canary)
    before = count(store, canary.id)
    m = nasty_map(engine_store.suffix)
    store.push(m, version=NASTY[0])
    assert store.pull(m.id, version=NASTY[0]) == m
    assert [v.version for v in store.list_maps(m.id)] == [NASTY[0]]
    # nothing else was touched, and only vocabulary labels and types exist
    assert count(store, canary.id) == before
    assert store.pull(canary.id) == canary
    labels = store.engine.read(
        "MATCH (n) WHERE n.map = $map RETURN DISTINCT labels(n) AS l", {"map": m.id}
    )
    allowed = {"SysmapElement", "Stakeholder", "Factor", "SysmapVersion", "SysmapLoop"}
    allowed |= set(ROLE_LABELS.values())
    assert {label for r in labels for label in r["l"]} <= allowed
    types = store.engine.read(
        "MATCH (a)-[r]->() WHERE a.map = $map RETURN DISTINCT type(r) AS t", {"map": m.id}
    )
    assert {r["t"] for r in types} == {"FEEDBACK", CUSTOM_KIND_TYPE}
    # the custom kind is kept as a property
    kinds = store.engine.read(
        "MATCH (a)-[r:RELATES_TO]->() WHERE a.map = $map RETURN DISTINCT r.kind AS k",
        {"map": m.id},
    )
    assert kinds == [{"k": "detach_delete_n"}]
    store.delete(m.id, version=NASTY[0])
    assert count(store, canary.id) == before


def test_a_role_outside_the_vocabulary_is_refused_before_anything_is_written(
    engine_store: Pushed,
) -> None:
    # only a map built without validation can hold one; it never becomes a label
    store = engine_store.store
    bad = SystemMap.model_construct(
        **{
            **engine_store.fresh(example("small.yaml")).__dict__,
            "stakeholders": [
                Stakeholder.model_construct(
                    id="x", name="X", role="Leader:Admin) DETACH DELETE (n", attributes={}
                )
            ],
            "relationships": [],
        }
    )
    with pytest.raises(StoreError, match="has role 'Leader:Admin.*use one of beneficiary"):
        store.push(bad)
    assert count(store, bad.id) == (0, 0)


# ------------------------------------------------------------ failure mid-push


class FailingEngine:
    """The real engine, except that one write statement fails.

    ``fail_at`` counts the writes that create relationships; with
    ``then_all`` every write after it fails too (cleanup included), as when
    the connection drops.
    """

    def __init__(self, real: Any, fail_at: int, then_all: bool = False) -> None:
        self.real = real
        self.name = real.name
        self.where = real.where
        self.node_ref = real.node_ref
        self.float_digits = real.float_digits
        self.fail_at = fail_at
        self.then_all = then_all
        self.seen = 0
        self.failed = False

    def write(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if self.failed and self.then_all:
            raise StoreError("connection lost")
        if "CREATE (a)-[r:" in query:
            self.seen += 1
            if self.seen == self.fail_at:
                self.failed = True
                raise StoreError("injected failure in a later batch")
        return self.real.write(query, params)

    def write_each(self, statements: Any) -> Any:
        for query, params in statements:
            yield self.write(query, params)

    def read(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self.real.read(query, params)

    def ensure_schema(self) -> None:
        self.real.ensure_schema()

    def close(self) -> None:
        pass


def test_a_push_that_fails_half_way_leaves_nothing_visible(engine_store: Pushed) -> None:
    real = engine_store.store
    m = engine_store.fresh(example("homelessness-current.yaml"))
    failing = MapStore(FailingEngine(real.engine, fail_at=5), batch_size=10)
    with pytest.raises(StoreError, match="injected failure"):
        failing.push(m)
    assert failing.engine.seen == 5  # batches 1-4 were written before the failure
    assert real.list_maps(m.id) == []
    with pytest.raises(MapNotFound):
        real.pull(m.id)
    assert count(real, m.id) == (0, 0)  # the pending copy was cleaned away
    # the store is usable afterwards
    real.push(m)
    assert real.pull(m.id) == m


def test_a_replace_that_fails_half_way_keeps_the_old_version(engine_store: Pushed) -> None:
    real = engine_store.store
    m = engine_store.fresh(example("homelessness-current.yaml"))
    real.push(m)
    before = count(real, m.id)
    changed = m.model_copy(update={"relationships": m.relationships[5:], "title": "New"})
    failing = MapStore(FailingEngine(real.engine, fail_at=3), batch_size=10)
    with pytest.raises(StoreError, match="injected failure"):
        failing.push(changed, replace=True)
    assert real.pull(m.id) == m
    assert count(real, m.id) == before
    real.push(changed, replace=True)
    assert real.pull(m.id) == changed


def test_a_copy_left_by_a_dead_push_is_invisible_and_swept_later(
    engine_store: Pushed, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = engine_store.store
    m = engine_store.fresh(example("homelessness-current.yaml"))
    failing = MapStore(FailingEngine(real.engine, fail_at=2, then_all=True), batch_size=10)
    with pytest.raises(StoreError, match="injected failure"):  # not the cleanup's error
        failing.push(m)
    nodes, rels = count(real, m.id)
    assert nodes > 0 and rels == 10  # the first batch is still there …
    assert real.list_maps(m.id) == []  # … and nobody sees it
    with pytest.raises(MapNotFound):
        real.pull(m.id)
    # the next push sweeps pending copies older than STALE_AFTER
    monkeypatch.setattr(store_module, "STALE_AFTER", dt.timedelta(0))
    real.push(m)
    assert real.pull(m.id) == m
    fresh = m.model_copy(update={"id": m.id + "-b"})
    real.push(fresh)
    assert count(real, m.id) == count(real, fresh.id)


# ---------------------------------------------------------------------- misc


def test_progress_is_reported_after_every_batch(engine_store: Pushed) -> None:
    m = engine_store.fresh(example("homelessness-current.yaml"))
    calls: list[tuple[int, int]] = []
    MapStore(engine_store.store.engine, batch_size=50).push(
        m, progress=lambda done, total: calls.append((done, total))
    )
    total = calls[-1][1]
    assert calls[-1][0] == total
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert total >= len(m.stakeholders) + len(m.factors) + len(m.relationships) + len(m.loops)
    assert len(calls) >= len(m.relationships) // 50


def test_a_relationship_to_nowhere_is_refused(engine_store: Pushed) -> None:
    m = engine_store.fresh(example("small.yaml"))
    broken = SystemMap.model_construct(
        **{
            **m.__dict__,
            "relationships": [Relationship(source=m.stakeholders[0].id, target="ghost", kind="x")],
        }
    )
    with pytest.raises(StoreError, match=r"\$\.relationships\[0\]\.to: 'ghost' is not a"):
        engine_store.store.push(broken)
    assert count(engine_store.store, m.id) == (0, 0)


def test_deleting_an_unknown_map_says_what_is_there(engine_store: Pushed) -> None:
    with pytest.raises(MapNotFound, match="no map 'nowhere' in .*`sysmap neo4j list`"):
        engine_store.store.delete("nowhere")
