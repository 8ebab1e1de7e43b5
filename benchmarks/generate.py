"""Generate synthetic but realistic sysmap maps for the load benchmarks.

A generated map looks like a large, hand-kept map of a community's
homelessness-response system: stakeholders in the three roles with power,
interest, attributes and tags; relationships of every core kind with
strength, trust, status, evidence and (for funding, governing, contracting
and employing) power; key factors linked by ``influences`` with polarities;
a few declared feedback loops that are backed by relationships; a guiding
team, outcomes, a measure, an indicator and a checklist assessment. Every
generated map passes ``sysmap validate`` with no errors and no warnings.

Usage::

    python benchmarks/generate.py --relationships 1000 10000 100000 \\
        --format yaml json --out benchmarks/data

or, from Python::

    from generate import generate_map
    data = generate_map(10_000, seed=7)

The output is deterministic for a given size and seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from sysmap.model import CORE_KINDS

__all__ = ["generate_map", "dump_yaml", "dump_json", "write_map", "map_path"]

DEFAULT_SEED = 20261123

# --------------------------------------------------------------- vocabulary

DISTRICTS = [
    "Northside", "Southgate", "Riverside", "Eastport", "Westfield", "Old Town",
    "Hillcrest", "Lakeview", "Millbrook", "Harbour", "Fairview", "Oakwood",
    "Saint-Michel", "Greenway", "Ashby", "Kingsbridge", "Elmhurst", "Cedar Park",
    "Bayview", "Marston",
]  # fmt: skip
BENEFICIARY_GROUPS = [
    ("People sleeping rough", "group"),
    ("Families in emergency shelter", "group"),
    ("Youth aging out of foster care", "group"),
    ("Veterans without stable housing", "group"),
    ("Older adults at risk of eviction", "group"),
    ("Survivors of domestic violence", "group"),
    ("People leaving prison", "group"),
    ("Tenants in substandard housing", "group"),
    ("Lived-experience advisor", "person"),
    ("Peer navigator", "person"),
]
PROVIDER_TYPES = [
    ("Family Shelter", "organisation"),
    ("Street Outreach Team", "team"),
    ("Food Bank", "organisation"),
    ("Community Health Centre", "organisation"),
    ("Legal Aid Clinic", "organisation"),
    ("Housing First Programme", "programme"),
    ("Youth Drop-in Centre", "organisation"),
    ("Women's Refuge", "organisation"),
    ("Tenant Union", "group"),
    ("Job Readiness Programme", "programme"),
    ("Faith Community Kitchen", "group"),
    ("Mental Health Crisis Line", "service"),
    ("Coordinated Entry Hub", "service"),
    ("Landlord Liaison Office", "service"),
]
LEADER_TYPES = [
    ("City Council Housing Committee", "agency"),
    ("Continuum of Care Board", "board"),
    ("County Health Department", "agency"),
    ("Community Foundation", "funder"),
    ("Public Housing Authority", "agency"),
    ("School District", "agency"),
    ("Police Division", "agency"),
    ("State Housing Finance Agency", "agency"),
    ("United Way Chapter", "funder"),
    ("Mayor's Office", "agency"),
]
FACTOR_NAMES = [
    "Affordable housing stock", "Median rent", "Eviction filings", "Shelter capacity",
    "Time on the wait list", "Trust in services", "Outreach coverage", "Household income",
    "Landlord participation", "Service fragmentation", "Data sharing", "Staff turnover",
    "Funding stability", "Public support", "Unsheltered count", "Emergency room visits",
    "Peer support", "Referral completion", "Stigma", "Voice of lived experience",
]  # fmt: skip
RACES = ["Black", "White", "Latino", "Asian", "Indigenous", "Multiracial"]
AGE_GROUPS = ["under 18", "18 to 24", "25 to 54", "55 to 64", "65 and over"]
LANGUAGES = ["English", "Spanish", "French", "Somali", "Vietnamese", "Arabic"]
SECTORS = ["nonprofit", "public", "faith-based", "private", "mutual aid"]
TAGS = [
    "housing", "health", "youth", "families", "veterans", "justice", "employment",
    "food", "legal", "outreach", "data", "funding", "policy", "peer", "crisis",
]  # fmt: skip
NOTES = [
    "Referrals mostly by phone; a shared form is being piloted.",
    "Meets monthly; attendance dropped after the funding cut.",
    "Data is shared quarterly, by spreadsheet, with names removed.",
    "Trust is high with front-line staff, low with management.",
    "Contract renewed every April, reporting on outcomes is heavy.",
    "Started during the winter emergency response.",
    "Relies on one staff member; at risk when she leaves.",
    "Peer navigators carry most of this in practice.",
    "Mentioned by several people at the Riverside listening session.",
    "Informal, no written agreement.",
]
EVIDENCE_NOTES = [
    "said in the listening session",
    "from the partner survey",
    "contract on file",
    "observed at the monthly case conference",
    "annual report",
]
# Which kinds plausibly go from one role to another (b/p/l).
KINDS_BY_PAIR: dict[tuple[str, str], list[tuple[str, int]]] = {
    ("b", "p"): [("feedback", 5), ("informs", 3), ("collaborates", 2), ("refers", 1)],
    ("p", "b"): [("serves", 8), ("refers", 2), ("informs", 2), ("employs", 1), ("compensates", 1)],
    ("p", "p"): [("refers", 5), ("collaborates", 4), ("shares_data", 3), ("contracts", 2),
                 ("informs", 2), ("peer_support", 1)],
    ("l", "p"): [("funds", 5), ("governs", 3), ("contracts", 3), ("informs", 1)],
    ("p", "l"): [("informs", 3), ("shares_data", 2), ("advocates", 2), ("feedback", 2)],
    ("b", "l"): [("feedback", 3), ("advocates", 2), ("represents", 2)],
    ("l", "b"): [("serves", 2), ("compensates", 2), ("informs", 1), ("employs", 1)],
    ("l", "l"): [("collaborates", 3), ("governs", 2), ("funds", 2), ("shares_data", 1)],
    ("b", "b"): [("represents", 2), ("advocates", 2), ("informs", 2), ("peer_support", 2)],
}  # fmt: skip
PAIR_WEIGHTS = {
    ("b", "p"): 20, ("p", "b"): 20, ("p", "p"): 20, ("l", "p"): 12, ("p", "l"): 10,
    ("b", "l"): 5, ("l", "b"): 3, ("l", "l"): 4, ("b", "b"): 3, ("f", "f"): 3,
}  # fmt: skip
POWER_KINDS = {
    "funds": ["money"],
    "governs": ["authority", "decisions"],
    "contracts": ["money", "decisions"],
    "employs": ["authority", "money"],
    "compensates": ["money"],
    "shares_data": ["information"],
}
MUTUAL_KINDS = {"collaborates", "shares_data", "peer_support"}
EVIDENCE_SOURCES = ["interview", "survey", "workshop", "record", "observation", "document"]
STATUSES = ["existing", "weak", "proposed", "broken"]
STATUS_WEIGHTS = [75, 12, 8, 5]

START = dt.date(2025, 1, 6)


def _slug(text: str) -> str:
    out = "".join(c.lower() if c.isalnum() else "-" for c in text)
    return "-".join(p for p in out.split("-") if p)


class _Picker:
    """Weighted choice with a long tail: a few hubs, many small players."""

    def __init__(self, rng: random.Random, ids: list[str], skew: float = 0.8) -> None:
        self.ids = ids
        order = list(range(len(ids)))
        rng.shuffle(order)
        weights = [0.0] * len(ids)
        for rank, i in enumerate(order):
            weights[i] = 1.0 / (rank + 1) ** skew
        total = 0.0
        self.cum: list[float] = []
        for w in weights:
            total += w
            self.cum.append(total)

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.ids, cum_weights=self.cum)[0]


def _scale(rng: random.Random) -> float | int:
    # Hand-entered scores are whole numbers, sometimes halves.
    v = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 0))
    if rng.random() < 0.15 and v < 5:
        return v + 0.5
    return v


def _date(rng: random.Random, span_days: int = 600) -> dt.date:
    return START + dt.timedelta(days=rng.randrange(span_days))


# --------------------------------------------------------------- generator


def generate_map(
    n_relationships: int, seed: int = DEFAULT_SEED, n_stakeholders: int | None = None
) -> dict[str, Any]:
    """A valid map with ``n_relationships`` relationships, as plain data.

    Dates are :class:`datetime.date` objects (like ``SystemMap.to_data()``).
    Stakeholders number ``n_stakeholders``, by default ``max(30, n_relationships // 5)``
    (at least 30).
    """
    if n_relationships < 20:
        raise ValueError("n_relationships must be at least 20")
    rng = random.Random(
        f"{seed}:{n_relationships}" + (f":{n_stakeholders}" if n_stakeholders else "")
    )
    n_stake = max(30, n_stakeholders or n_relationships // 5)
    n_factors = max(12, n_relationships // 100)

    # -- stakeholders
    counts = {"b": round(n_stake * 0.35), "l": max(3, round(n_stake * 0.15))}
    counts["p"] = n_stake - counts["b"] - counts["l"]
    role_name = {"b": "beneficiary", "p": "provider", "l": "leader"}
    stakeholders: list[dict[str, Any]] = []
    ids_by_role: dict[str, list[str]] = {"b": [], "p": [], "l": []}
    serial = 0
    for role in ("b", "p", "l"):
        for _ in range(counts[role]):
            serial += 1
            district = rng.choice(DISTRICTS)
            if role == "b":
                base, typ = rng.choice(BENEFICIARY_GROUPS)
            elif role == "p":
                base, typ = rng.choice(PROVIDER_TYPES)
            else:
                base, typ = rng.choice(LEADER_TYPES)
            name = f"{base} ({district})" if role == "b" else f"{district} {base}"
            sid = f"{_slug(base)}-{serial:06d}"
            s: dict[str, Any] = {"id": sid, "name": name, "role": role_name[role], "type": typ}
            if role == "p" and rng.random() < 0.3:
                s["organisation"] = f"{district} {rng.choice(['Alliance', 'Network', 'Trust'])}"
            if rng.random() < 0.25:
                s["description"] = (
                    f"{base} serving {district}, active since "
                    f"{rng.randrange(1985, 2025)}; contact via the {rng.choice(TAGS)} table."
                )
            s["tags"] = rng.sample(TAGS, rng.randint(1, 3))
            if role == "b":
                s["lived_experience"] = True
            elif role == "p" and rng.random() < 0.1:
                s["lived_experience"] = True  # peer-run services
            lo, hi = {"b": (0, 2), "p": (1, 3), "l": (3, 5)}[role]
            s["power"] = rng.randint(lo, hi)
            s["interest"] = rng.randint(2, 5) if role != "l" else rng.randint(1, 5)
            attrs: dict[str, Any] = {"district": district}
            if role == "b":
                attrs["race"] = rng.choice(RACES)
                attrs["age_group"] = rng.choice(AGE_GROUPS)
                attrs["language"] = rng.choice(LANGUAGES)
                if typ == "group":
                    attrs["size"] = rng.randrange(5, 2000)
            elif role == "p":
                attrs["sector"] = rng.choice(SECTORS)
                attrs["staff"] = rng.randrange(1, 300)
                attrs["budget_musd"] = round(rng.uniform(0.05, 25), 2)
                attrs["accepts_walk_ins"] = rng.random() < 0.5
            else:
                attrs["jurisdiction"] = rng.choice(["city", "county", "state", "regional"])
                attrs["elected"] = rng.random() < 0.4
            s["attributes"] = attrs
            if role == "b" and typ == "person" and rng.random() < 0.3:
                s["sensitive"] = True
            stakeholders.append(s)
            ids_by_role[role].append(sid)

    # -- factors
    factors: list[dict[str, Any]] = []
    for i in range(n_factors):
        base = FACTOR_NAMES[i % len(FACTOR_NAMES)]
        district = DISTRICTS[(i // len(FACTOR_NAMES)) % len(DISTRICTS)]
        f: dict[str, Any] = {"id": f"{_slug(base)}-{i:05d}", "name": f"{base} in {district}"}
        if rng.random() < 0.3:
            f["description"] = f"{base} as tracked for {district}."
        f["tags"] = rng.sample(TAGS, rng.randint(1, 2))
        if rng.random() < 0.5:
            f["attributes"] = {"district": district, "trend": rng.choice(["up", "down", "flat"])}
        factors.append(f)
    factor_ids = [f["id"] for f in factors]

    pickers = {r: _Picker(rng, ids) for r, ids in ids_by_role.items()}
    pickers["f"] = _Picker(rng, factor_ids, skew=0.5)
    pairs = list(PAIR_WEIGHTS)
    pair_cum: list[float] = []
    total = 0.0
    for p in pairs:
        total += PAIR_WEIGHTS[p]
        pair_cum.append(total)
    leaders = ids_by_role["l"]
    measure_id = "unsheltered-count"
    relationships: list[dict[str, Any]] = []

    def rel(src: str, dst: str, kind: str, status: str | None = None) -> dict[str, Any]:
        r: dict[str, Any] = {
            "id": f"r{len(relationships) + 1:06d}",
            "from": src,
            "to": dst,
            "kind": kind,
        }
        if kind != "influences":
            r["strength"] = _scale(rng)
            if rng.random() < 0.85:
                r["trust"] = _scale(rng)
            if kind in MUTUAL_KINDS and rng.random() < 0.6:
                r["direction"] = "mutual"
            if kind in POWER_KINDS and rng.random() < 0.7:
                carries = POWER_KINDS[kind]
                r["power"] = {
                    "amount": rng.randint(1, 5),
                    "carries": carries[: rng.randint(1, len(carries))],
                }
        else:
            r["strength"] = _scale(rng)
            r["polarity"] = "+" if rng.random() < 0.6 else "-"
        status = status or rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        if status != "existing":
            r["status"] = status
        if rng.random() < 0.2:
            r["notes"] = rng.choice(NOTES)
        evidence = []
        for _ in range(1 if rng.random() < 0.7 else 2):
            ev: dict[str, Any] = {"source": rng.choice(EVIDENCE_SOURCES), "date": _date(rng)}
            who = rng.random()
            if who < 0.5:
                ev["asserted_by"] = (
                    rng.choice((src, dst)) if kind != "influences" else (rng.choice(leaders))
                )
            elif who < 0.8:
                ev["asserted_by"] = rng.choice(("beneficiary", "provider", "leader"))
            if rng.random() < 0.3:
                ev["note"] = rng.choice(EVIDENCE_NOTES)
            evidence.append(ev)
        r["evidence"] = evidence
        if status == "proposed" and rng.random() < 0.5:
            r["change"] = {
                "reason": "close the gap the listening sessions found",
                "owner": rng.choice(leaders),
                "pilot": f"{rng.choice(DISTRICTS)}, spring 2026",
                "measures": [measure_id],
            }
        if rng.random() < 0.1:
            r["attributes"] = {
                "since": rng.randrange(1995, 2026),
                "formal": rng.random() < 0.5,
            }
        relationships.append(r)
        return r

    # -- declared loops first, so that every loop is backed by relationships
    loops: list[dict[str, Any]] = []
    n_loops = min(8, 3 + n_relationships // 20_000)
    for li in range(n_loops - 1):
        length = 3 + li % 3
        path = rng.sample(factor_ids, length)
        product = 1
        for a, b in zip(path, path[1:] + path[:1], strict=True):
            r = rel(a, b, "influences", status="existing")
            product *= -1 if r["polarity"] == "-" else 1
        names = [factors[factor_ids.index(x)]["name"].split(" in ")[0] for x in path[:2]]
        loops.append(
            {
                "id": f"loop-{li + 1}",
                "name": f"{names[0]} and {names[1].lower()}",
                "path": path + path[:1],
                "purpose": "Named at the key-factor workshop.",
                "type": "reinforcing" if product > 0 else "balancing",
            }
        )
    # a voice loop through stakeholders: beneficiaries -> provider -> leader -> beneficiaries
    vb, vp, vl = ids_by_role["b"][0], ids_by_role["p"][0], leaders[0]
    for a, b, k in ((vb, vp, "feedback"), (vp, vl, "informs"), (vl, vb, "compensates")):
        rel(a, b, k, status="existing")["polarity"] = "+"
    loops.append(
        {
            "id": "voice-loop",
            "name": "Lived experience shapes funding",
            "path": [vb, vp, vl, vb],
            "purpose": "Does what people say reach those who decide, and come back?",
            "type": "reinforcing",
        }
    )

    n_loop_rels = len(relationships)

    # -- every core kind at least once, then the bulk
    for kind in CORE_KINDS:
        if kind == "influences":
            a, b = rng.sample(factor_ids, 2)
        else:
            pair = next((p for p, ks in KINDS_BY_PAIR.items() if any(k == kind for k, _ in ks)))
            a, b = pickers[pair[0]].pick(rng), pickers[pair[1]].pick(rng)
            while a == b:
                b = pickers[pair[1]].pick(rng)
        rel(a, b, kind)
    kind_tables = {p: ([k for k, _ in ks], [w for _, w in ks]) for p, ks in KINDS_BY_PAIR.items()}
    while len(relationships) < n_relationships:
        pair = rng.choices(pairs, cum_weights=pair_cum)[0]
        src_role, dst_role = pair
        a = pickers[src_role].pick(rng)
        b = pickers[dst_role].pick(rng)
        if a == b:
            continue
        if pair == ("f", "f"):
            kind = "influences"
        else:
            names, weights = kind_tables[pair]
            kind = rng.choices(names, weights=weights)[0]
        rel(a, b, kind)

    # scatter the loop-backing links through the list, as in a map that grew
    # over time, and number the relationships in file order
    loop_rels, relationships = relationships[:n_loop_rels], relationships[n_loop_rels:]
    for r in loop_rels:
        relationships.insert(rng.randrange(len(relationships) + 1), r)
    for i, r in enumerate(relationships, 1):
        r["id"] = f"r{i:06d}"

    # -- the rest of the Who / Why / What / How
    advisors = ids_by_role["b"][:3]
    guiding_team = [
        {
            "id": "convener",
            "name": "Convener",
            "description": "Brings the partners together and keeps the process moving.",
            "responsibilities": [
                "Call and chair the monthly guiding-team meeting",
                {
                    "text": "Hold partners to the agreed timeline",
                    "competencies": {
                        "facilitation_and_relationship_building": "strategic",
                        "project_management": "practical",
                    },
                },
            ],
            "accepted_by": [leaders[0]],
        },
        {
            "id": "lived-experience-lead",
            "name": "Lived-experience lead",
            "responsibilities": [
                {
                    "text": "Make sure beneficiaries' voice shapes every decision",
                    "competencies": {"role_specific_knowledge": "strategic"},
                },
                "Recruit and pay experts by experience",
            ],
            "accepted_by": advisors,
        },
        {
            "id": "data-lead",
            "name": "Data lead",
            "responsibilities": ["Keep the map and the shared measures up to date"],
            "accepted_by": [ids_by_role["p"][1]],
        },
        {
            "id": "facilitator",
            "name": "Facilitator",
            "responsibilities": ["Run the mapping workshops"],
            "accepted_by": [ids_by_role["p"][2], ids_by_role["b"][3]],
        },
    ]
    outcomes = [
        {
            "id": "fewer-unsheltered",
            "name": "Fewer people sleeping outside",
            "description": "Nobody in the county sleeps rough for more than a week.",
        },
        {"id": "voice-heard", "name": "Lived experience shapes decisions"},
    ]
    measures = [
        {
            "id": measure_id,
            "name": "Point-in-time unsheltered count",
            "outcome": "fewer-unsheltered",
            "unit": "people",
            "source": "Annual point-in-time count",
            "data": "primary",
            "values": [
                {"date": dt.date(2024, 1, 25), "value": 1412},
                {"date": dt.date(2025, 1, 30), "value": 1367},
                {"date": dt.date(2026, 1, 29), "value": 1240},
                {"date": dt.date(2026, 1, 29), "value": 512, "group": {"race": "Black"}},
                {"date": dt.date(2026, 1, 29), "value": 201, "group": {"age_group": "18 to 24"}},
            ],
        }
    ]
    indicators = [
        {
            "id": "rent-burden",
            "name": "Renters paying over half their income on rent",
            "source": "American Community Survey, 5-year estimates",
            "unit": "percent",
            "as_of": dt.date(2025, 12, 1),
            "value": 24.6,
            "disaggregations": [
                {"by": "race", "values": {"Black": 33.1, "White": 19.8, "Latino": 29.4}},
                {"by": "age_group", "values": {"18 to 24": 38.2, "65 and over": 27.5}},
            ],
        }
    ]
    items = [
        {
            "id": "shares-power",
            "text": "People with lived experience hold paid seats",
            "area": "voice",
        },
        {"id": "uses-data", "text": "Decisions use disaggregated data", "area": "equity"},
        {"id": "closes-loop", "text": "Reports back to those who gave feedback", "area": "voice"},
    ]
    results = [
        {
            "stakeholder": sid,
            "date": _date(rng),
            "scores": {it["id"]: rng.choice((0, 1, 2)) for it in items},
        }
        for sid in ids_by_role["p"][:10] + leaders[:5]
    ]
    assessments = [
        {
            "id": "voice-checklist",
            "name": "Voice and equity checklist",
            "scale": [0, 2],
            "items": items,
            "results": results,
        }
    ]

    return {
        "sysmap": 1,
        "id": f"synthetic-{n_relationships}",
        "title": f"Synthetic county homelessness system ({n_relationships:,} relationships)",
        "guiding_question": "How do people without a home find and keep housing?",
        "community": "Synthetic County",
        "description": "Generated by benchmarks/generate.py for load benchmarks.",
        "as_of": dt.date(2026, 11, 23),
        "stage": "current",
        "kinds": [
            {
                "id": "peer_support",
                "description": "one person with lived experience supports another",
                "voice": True,
            }
        ],
        "stakeholders": stakeholders,
        "factors": factors,
        "relationships": relationships,
        "loops": loops,
        "guiding_team": guiding_team,
        "outcomes": outcomes,
        "measures": measures,
        "indicators": indicators,
        "assessments": assessments,
    }


# --------------------------------------------------------------- writers


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dump_json(data: dict[str, Any]) -> str:
    """JSON as sysmap writes it: 2-space indent, dates as ISO strings."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def _as_text_data(data: dict[str, Any]) -> Any:
    """The data as a loader that keeps dates as text sees it."""
    return json.loads(dump_json(data))


def _round_trips(text: str, data: dict[str, Any]) -> bool:
    import yaml_rs

    # sysmap reads YAML with dates left as text (the model parses them); check
    # that reading, and the one that turns dates into dates, give the data back
    try:
        return yaml_rs.loads(text, parse_datetime=False) == _as_text_data(data) and (
            yaml_rs.loads(text, parse_datetime=True) == data
        )
    except yaml_rs.YAMLDecodeError:
        return False


def dump_yaml(data: dict[str, Any], check: bool = True) -> tuple[str, str]:
    """Block-style YAML, 2-space indent, and the name of the dumper used.

    Uses ``yaml_rs.dumps`` (fast, block style, sequences indented under their
    key as people write them). With ``check``, the text is parsed back with
    yaml_rs and compared with the data; if it does not round-trip, PyYAML's C
    dumper is used instead (and checked too).
    """
    import yaml_rs

    text = yaml_rs.dumps(data)
    if not check or _round_trips(text, data):
        return text, "yaml_rs"
    import yaml

    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text = yaml.dump(
        data,
        Dumper=dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        indent=2,
        width=100,
    )
    if not _round_trips(text, data):
        raise RuntimeError("neither yaml_rs nor PyYAML round-trips this map")
    return text, dumper.__name__


def map_path(out: Path, n: int, fmt: str, n_stakeholders: int | None = None) -> Path:
    """Where the map with ``n`` relationships in format ``fmt`` is written."""
    return out / (f"map-{n}-s{n_stakeholders}.{fmt}" if n_stakeholders else f"map-{n}.{fmt}")


def write_map(
    n: int,
    fmt: str,
    out: Path,
    seed: int = DEFAULT_SEED,
    check: bool = True,
    n_stakeholders: int | None = None,
) -> tuple[Path, str]:
    """Generate and write one map; returns its path and the writer used."""
    data = generate_map(n, seed=seed, n_stakeholders=n_stakeholders)
    if fmt == "json":
        text, how = dump_json(data), "json"
    else:
        text, how = dump_yaml(data, check=check)
    path = map_path(out, n, fmt, n_stakeholders)
    path.write_text(text, encoding="utf-8")
    return path, how


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--relationships", "-n", type=int, nargs="+", default=[1000, 10_000, 100_000],
        help="sizes to generate (number of relationships)",
    )  # fmt: skip
    parser.add_argument(
        "--format", "-f", nargs="+", choices=["yaml", "json"], default=["yaml", "json"]
    )
    parser.add_argument("--out", "-o", type=Path, default=Path(__file__).parent / "data")
    parser.add_argument(
        "--stakeholders", "-s", type=int, default=None,
        help="number of stakeholders (default: a fifth of the relationships, at least 30)",
    )  # fmt: skip
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--no-check", action="store_true", help="skip the YAML round-trip check")
    parser.add_argument(
        "--validate", action="store_true",
        help="also run sysmap's validator on each file and fail on any problem",
    )  # fmt: skip
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    failed = False
    for n in args.relationships:
        for fmt in args.format:
            t0 = time.perf_counter()
            path, how = write_map(
                n, fmt, args.out, seed=args.seed, check=not args.no_check,
                n_stakeholders=args.stakeholders,
            )  # fmt: skip
            took = time.perf_counter() - t0
            size = path.stat().st_size / 1e6
            line = f"{path}  {size:7.2f} MB  ({how}, {took:.1f} s)"
            if args.validate:
                from sysmap.validate import validate_file

                report = validate_file(path)
                line += f"  {len(report.errors)} errors, {len(report.warnings)} warnings"
                if report.problems:
                    failed = True
                    for p in report.problems[:10]:
                        line += "\n    " + p.format()
            print(line, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
