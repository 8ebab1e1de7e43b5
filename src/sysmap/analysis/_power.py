"""Power: who holds it, how concentrated it is, where it flows, who depends on whom.

Two kinds of power are in a map:

- **held** — each stakeholder's ``power`` (0–5, its ability to change the
  system). Stakeholders with no ``power`` recorded are counted as missing and
  left out of every sum, share, mean and of the Gini coefficient: a missing
  value is unknown, not zero. The findings say how many are missing.
- **carried** — a relationship's ``power: {amount, carries}`` flows from its
  source to its target. The role × role matrix sums ``amount`` by the roles at
  both ends, overall and per thing carried (authority, money, decisions,
  information); a relationship that carries two things counts once in each of
  those matrices and once overall. A ``mutual`` relationship carries its power
  both ways, as it counts in the working graph.

Only working relationships count (existing and weak ones; proposed ones in a
redesign; never broken ones — see :mod:`sysmap.analysis._graph`), and only
those between two stakeholders.

**Decision power** is the power carried by relationships that carry
``decisions`` or ``authority`` (each relationship's amount counted once); the
beneficiaries' share is the part that starts from a beneficiary.

**Dependence**:

- a stakeholder depends on a *single funder* when all the money it receives
  comes from one stakeholder: every incoming ``funds``, ``compensates`` or
  ``contracts`` relationship, or any relationship whose power carries
  ``money``, has the same source;
- a beneficiary depends on a *single gatekeeper* when exactly one stakeholder
  (a provider, or a leader that serves directly) ``serves`` or ``refers`` it;
  a beneficiary nobody serves or refers is listed as *unserved*;
- *funding* lists every funder → funded pair, with the kinds and the amount of
  power carried.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sysmap.analysis._base import Finding
from sysmap.analysis._graph import working_relationships
from sysmap.model import POWER_CARRIERS, ROLES, Relationship, Stakeholder, SystemMap
from sysmap.render import (
    Block,
    Bullets,
    Heading,
    Lines,
    Para,
    Rendered,
    Table,
    and_list,
    fmt_number,
    pct,
    plural,
)

__all__ = ["PowerResult", "power", "gini", "MONEY_KINDS", "GATEKEEPER_KINDS"]

#: Kinds through which a stakeholder receives money.
MONEY_KINDS: frozenset[str] = frozenset({"funds", "compensates", "contracts"})

#: Kinds through which a beneficiary is reached by the services of the system.
GATEKEEPER_KINDS: frozenset[str] = frozenset({"serves", "refers"})

_PLURAL = {"beneficiary": "beneficiaries", "provider": "providers", "leader": "leaders"}
_DECISION = frozenset({"decisions", "authority"})
_ROWS_SHOWN = 25
_FINDINGS_EACH = 5


def gini(values: Sequence[float]) -> float | None:
    """The Gini coefficient of non-negative values (0 equal, near 1 all in one).

    The population form: the mean absolute difference over all ordered pairs
    divided by twice the mean. ``None`` when there are no values or they sum
    to 0 (concentration is undefined).

    Parameters
    ----------
    values : sequence of float
        Non-negative values, e.g. stakeholders' recorded power.

    Returns
    -------
    float or None

    Example
    -------
    >>> gini([1, 1, 3, 5])
    0.35
    >>> gini([2, 2, 2]), gini([0, 0]), gini([])
    (0.0, None, None)
    """
    xs = sorted(float(v) for v in values)
    n = len(xs)
    total = sum(xs)
    if n == 0 or total <= 0:
        return None
    # G = (2·Σ i·x_(i) − (n+1)·Σx) / (n·Σx), i = 1..n over the sorted values;
    # one division keeps whole-number inputs exact where they can be.
    weighted = sum(i * x for i, x in enumerate(xs, 1))
    return max(0.0, (2 * weighted - (n + 1) * total) / (n * total))


def _names(ids: list[str], names: dict[str, str], limit: int = 5) -> str:
    return and_list([names.get(i, i) for i in ids], limit)


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _matrix() -> dict[str, dict[str, float]]:
    return {a: {b: 0 for b in ROLES} for a in ROLES}


@dataclass
class PowerResult(Rendered):
    """Power held by role groups, its concentration, its flows and dependence.

    See the module notes for how each figure is defined. :meth:`to_dict` gives
    the JSON: ``analysis``, ``findings``, ``stakeholders``, ``recorded``,
    ``missing``, ``total_power``, ``by_role``, ``concentration``,
    ``flow_total``, ``flows``, ``decision_power``, ``single_funder``,
    ``single_gatekeeper``, ``unserved``, ``funding``.
    """

    name: ClassVar[str] = "power"
    #: The JSON keys after ``analysis`` and ``findings``, in order.
    FIELDS: ClassVar[tuple[str, ...]] = (
        "stakeholders", "recorded", "missing", "total_power", "by_role", "concentration",
        "flow_total", "flows", "decision_power", "single_funder", "single_gatekeeper",
        "unserved", "funding",
    )  # fmt: skip

    stakeholders: int
    recorded: int
    total_power: float
    by_role: dict[str, dict[str, Any]]
    concentration: dict[str, Any]
    flows: dict[str, dict[str, dict[str, float]]]
    flow_total: float
    decision_power: dict[str, Any]
    single_funder: list[dict[str, Any]]
    single_gatekeeper: list[dict[str, Any]]
    unserved: list[str]
    funding: list[dict[str, Any]]
    names: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def missing(self) -> int:
        """Stakeholders with no power recorded."""
        return self.stakeholders - self.recorded

    def _name(self, sid: str) -> str:
        return self.names.get(sid, sid)

    # ------------------------------------------------------------- findings

    def findings(self) -> list[Finding]:
        """What a guiding team should know, headlines first."""
        if self.stakeholders == 0:
            return [Finding("The map has no stakeholders yet", self.name, 3)]
        out = [
            *self._held_findings(),
            *self._decision_findings(),
            *self._concentration_findings(),
            *self._flow_findings(),
            *self._funder_findings(),
            *self._gatekeeper_findings(),
        ]
        out.sort(key=lambda x: -x.importance)
        return out

    def _held_findings(self) -> list[Finding]:
        """Which role group holds most, what each of its members holds, what is missing."""
        out = self._share_findings()
        if not (self.missing and self.recorded):
            return out
        parts = ", ".join(
            plural(n, r, _PLURAL[r]) for r in ROLES if (n := self.by_role[r]["missing"])
        )
        text = (
            f"Power is not recorded for {self.missing:,} of {self.stakeholders:,} "
            f"stakeholders ({parts}); shares and the Gini leave them out"
        )
        return [*out, Finding(text, self.name, 2)]

    def _share_findings(self) -> list[Finding]:
        present = [r for r in ROLES if self.by_role[r]["stakeholders"]]
        if self.total_power <= 0:
            if self.recorded == 0:
                text = "No stakeholder has power recorded: add power (0–5) to see who holds it"
                return [Finding(text, self.name, 3)]
            return [Finding("Every recorded power is 0", self.name, 2)]
        ranked = sorted(present, key=lambda r: -(self.by_role[r]["share"] or 0))
        top, rest = ranked[0], ranked[1:]
        text = f"{_PLURAL[top].capitalize()} hold {pct(self.by_role[top]['share'])} of the power in this map"
        if rest:
            text += "; " + ", ".join(f"{_PLURAL[r]} {pct(self.by_role[r]['share'])}" for r in rest)
        out = [Finding(text, self.name, 3)]
        # a group of many may hold most in sum while each of a few holds more
        means = [(r, m) for r in present if (m := self.by_role[r]["mean"]) is not None]
        means.sort(key=lambda rm: -rm[1])
        if len(means) > 1 and means[0][0] != top:
            (r0, m0), others = means[0], means[1:]
            text = f"On average a {r0} holds {round(m0, 1):g} of 5; " + ", ".join(
                f"a {r} {round(m, 1):g}" for r, m in others
            )
            out.append(Finding(text, self.name, 2))
        return out

    def _decision_findings(self) -> list[Finding]:
        dp = self.decision_power
        if dp["total"] > 0:
            text = f"Beneficiaries carry {pct(dp['beneficiary_share'])} of decision power"
            return [Finding(text, self.name, 3)]
        text = (
            "No relationship carries decisions or authority, so nobody's share "
            "of decision power can be measured"
        )
        return [Finding(text, self.name, 1)]

    def _concentration_findings(self) -> list[Finding]:
        c = self.concentration
        g = c["gini"]
        if g is None or c["stakeholders"] <= 3:
            return []
        if g < 0.2:
            words = "Power is spread fairly evenly"
        elif g < 0.4:
            words = "Power is unevenly spread"
        else:
            words = "Power is concentrated"
        top3, top10 = c["top3"], c["top10"]
        if c["stakeholders"] <= 30:  # a handful: name them
            who = f"the top 3 — {_names(top3['stakeholders'], self.names)} —"
            share = top3["share"]
        else:
            who = f"the top 10% ({top10['count']:,} stakeholders)"
            share = top10["share"]
        text = f"{words} (Gini {g:.2f}): {who} hold {pct(share)} of it"
        return [Finding(text, self.name, 2, list(top3["stakeholders"]))]

    def _flow_findings(self) -> list[Finding]:
        if self.flow_total <= 0:
            text = (
                "No relationship records the power it carries: add power "
                "{amount, carries} to see how power flows"
            )
            return [Finding(text, self.name, 1)]
        pairs = sorted(
            ((a, b, v) for a, row in self.flows["all"].items() for b, v in row.items() if v),
            key=lambda t: -t[2],
        )
        shown = ", ".join(
            f"{pct(v / self.flow_total)}{' flows' if i == 0 else ''} {a} → {b}"
            for i, (a, b, v) in enumerate(pairs[:2])
        )
        from_b = sum(self.flows["all"]["beneficiary"].values())
        text = (
            f"Of the power carried by relationships, {shown}; "
            f"{pct(from_b / self.flow_total)} starts with beneficiaries"
        )
        return [Finding(text, self.name, 2)]

    def _funder_findings(self) -> list[Finding]:
        """Who depends on a single funder, and who funds most."""
        out: list[Finding] = []
        if len(self.single_funder) <= _FINDINGS_EACH:
            for d in self.single_funder:
                text = f"{d['name']} depends on a single funder: {d['funder_name']}"
                out.append(Finding(text, self.name, 2, [d["stakeholder"], d["funder"]]))
        else:
            common = Counter(d["funder"] for d in self.single_funder).most_common(3)
            text = (
                f"{len(self.single_funder):,} stakeholders depend on a single funder: "
                + ", ".join(f"{n:,} on {self._name(f)}" for f, n in common)
                + (", …" if len({d["funder"] for d in self.single_funder}) > 3 else "")
            )
            out.append(Finding(text, self.name, 2, [f for f, _ in common]))
        if self.funding:
            f, n = Counter(d["funder"] for d in self.funding).most_common(1)[0]
            if n > 1:
                text = f"{self._name(f)} funds {n:,} stakeholders, more than any other funder"
                out.append(Finding(text, self.name, 1, [f]))
        return out

    def _gatekeeper_findings(self) -> list[Finding]:
        """Beneficiaries with a single way in, and those nobody serves."""
        out: list[Finding] = []
        by_keeper: dict[str, list[str]] = defaultdict(list)
        for d in self.single_gatekeeper:
            by_keeper[d["gatekeeper"]].append(d["beneficiary"])
        keepers = sorted(by_keeper.items(), key=lambda kv: -len(kv[1]))
        for keeper, bens in keepers[:_FINDINGS_EACH]:
            if len(bens) == 1:
                text = (
                    f"Only {self._name(keeper)} serves or refers "
                    f"{self._name(bens[0])}: a single gatekeeper"
                )
            else:
                text = (
                    f"{self._name(keeper)} is the only way in for {len(bens):,} "
                    f"beneficiaries: {_names(bens, self.names)}"
                )
            out.append(Finding(text, self.name, 2, [keeper, *bens[:_FINDINGS_EACH]]))
        if len(keepers) > _FINDINGS_EACH:
            more = sum(len(b) for _, b in keepers[_FINDINGS_EACH:])
            text = f"{more:,} more beneficiaries are reached by a single provider"
            out.append(Finding(text, self.name, 2))
        if self.unserved:
            k = len(self.unserved)
            text = (
                f"Nobody serves or refers {k:,} {'beneficiary' if k == 1 else 'beneficiaries'}: "
                f"{_names(self.unserved, self.names)}"
            )
            out.append(Finding(text, self.name, 2, self.unserved[:_FINDINGS_EACH]))
        return out

    # --------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        data: dict[str, Any] = {"analysis": self.name}
        data["findings"] = [f.to_dict() for f in self.findings()]
        return data | {key: getattr(self, key) for key in self.FIELDS}

    def _role_rows(self) -> list[list[Any]]:
        return [
            [r, d["stakeholders"], d["power"], pct(d["share"]),
             d["mean"] if d["mean"] is None else round(d["mean"], 2), d["missing"]]
            for r, d in self.by_role.items()
        ]  # fmt: skip

    def _flow_table(self, carried: str) -> Table:
        mat = self.flows[carried]
        rows = [[f"from {a}", *(mat[a][b] for b in ROLES)] for a in ROLES]
        return Table(["", *(f"to {b}" for b in ROLES)], rows)

    def _concentration_lines(self) -> list[str]:
        c = self.concentration
        if c["gini"] is None:
            return ["Concentration: not measurable (no recorded power above 0)."]
        t10, t3 = c["top10"], c["top3"]
        return [
            f"Gini over {c['stakeholders']:,} stakeholders with power recorded "
            f"({c['missing_excluded']:,} missing, left out): {c['gini']:.2f}",
            f"Top 10% ({t10['count']:,}) hold {pct(t10['share'])}; "
            f"top {t3['count']} ({_names(t3['stakeholders'], self.names)}) hold "
            f"{pct(t3['share'])}",
        ]

    def _dependence_tables(self) -> list[tuple[str, list[str], list[list[Any]]]]:
        funding = [
            [self._name(d["funder"]), self._name(d["funded"]), ", ".join(d["kinds"]), d["amount"]]
            for d in self.funding
        ]
        return [
            ("Single funder", ["stakeholder", "only funder"],
             [[d["name"], d["funder_name"]] for d in self.single_funder]),
            ("Single gatekeeper", ["beneficiary", "only provider"],
             [[d["name"], d["gatekeeper_name"]] for d in self.single_gatekeeper]),
            ("Who funds whom", ["funder", "funded", "kinds", "power"], funding),
        ]  # fmt: skip

    def blocks(self) -> list[Block]:
        """Findings, then the tables: held, carried, decision power, dependence."""
        dp = self.decision_power
        out: list[Block] = [
            Heading("Power", 2),
            Heading("Findings"),
            Bullets([f.text for f in self.findings()]),
            Heading("Power held by role group"),
            Table(["role", "stakeholders", "power", "share", "mean", "missing"], self._role_rows()),
            Lines(self._concentration_lines()),
            Heading(f"Power carried by relationships (total {fmt_number(self.flow_total)})"),
            self._flow_table("all"),
        ]
        for carried in POWER_CARRIERS:
            out += [Heading(f"Carrying {carried}", 4), self._flow_table(carried)]
        out.append(
            Para(
                f"(decisions or authority): {fmt_number(dp['total'])}; from beneficiaries "
                f"{fmt_number(dp['by_role']['beneficiary'])} ({pct(dp['beneficiary_share'])})",
                label="Decision power",
            )
        )
        for title, headers, rows in self._dependence_tables():
            if rows:
                shown = Table(headers, rows[:_ROWS_SHOWN], total=len(rows), more="all in the JSON")
                out += [Heading(title), shown]
        if self.unserved:
            names = _names(self.unserved, self.names, 25)
            out.append(Para(names, label="Served or referred by nobody:"))
        return out


# ------------------------------------------------------------------ analysis


def _concentration(held: list[tuple[Stakeholder, int]], missing: int) -> dict[str, Any]:
    values = [p for _, p in held]
    total = sum(values)
    ranked = sorted(held, key=lambda sp: -sp[1])  # stable: map order among equals
    n = len(held)
    n10 = math.ceil(n / 10) if n else 0
    n3 = min(3, n)

    def top(k: int) -> dict[str, Any]:
        chosen = ranked[:k]
        return {
            "count": k,
            "share": _share(sum(p for _, p in chosen), total),
            "stakeholders": [s.id for s, _ in chosen],
        }

    return {
        "gini": gini(values),
        "stakeholders": n,
        "missing_excluded": missing,
        "top10": top(n10),
        "top3": top(n3),
    }


def _held(m: SystemMap) -> dict[str, Any]:
    """Power held: per role group, in all, and how concentrated (the result's fields)."""
    held = [(s, s.power) for s in m.stakeholders if s.power is not None]
    total = sum(p for _, p in held)
    by_role: dict[str, dict[str, Any]] = {}
    for role in ROLES:
        members = [s for s in m.stakeholders if s.role == role]
        values = [s.power for s in members if s.power is not None]
        amount = sum(values)
        by_role[role] = {
            "stakeholders": len(members),
            "recorded": len(values),
            "missing": len(members) - len(values),
            "power": amount,
            "share": _share(amount, total),
            "mean": amount / len(values) if values else None,
        }
    missing = len(m.stakeholders) - len(held)
    return {
        "stakeholders": len(m.stakeholders),
        "recorded": len(held),
        "total_power": total,
        "by_role": by_role,
        "concentration": _concentration([(s, p) for s, p in held if p is not None], missing),
    }


class _Carried:
    """Power carried by relationships, and who gets money from whom and who
    reaches each beneficiary: one pass over the working relationships."""

    def __init__(self, m: SystemMap) -> None:
        self.flows: dict[str, dict[str, dict[str, float]]] = {"all": _matrix()}
        for carried in POWER_CARRIERS:
            self.flows[carried] = _matrix()
        self.decision: dict[str, float] = dict.fromkeys(ROLES, 0)
        # funded -> funder -> kinds, amount and relationships
        self.money_from: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self.reached_by: dict[str, set[str]] = defaultdict(set)
        people = {s.id: s for s in m.stakeholders}
        for r in working_relationships(m):
            ends = [(r.source, r.target)]
            if r.direction == "mutual":
                ends.append((r.target, r.source))
            for u, v in ends:
                su, sv = people.get(u), people.get(v)
                if su is not None and sv is not None and u != v:
                    self._add(r, su, sv)

    def _add(self, r: Relationship, su: Stakeholder, sv: Stakeholder) -> None:
        pw = r.power
        if pw is not None:
            self.flows["all"][su.role][sv.role] += pw.amount
            for carried in dict.fromkeys(pw.carries):
                self.flows[carried][su.role][sv.role] += pw.amount
            if _DECISION.intersection(pw.carries):
                self.decision[su.role] += pw.amount
        if r.kind in MONEY_KINDS or (pw is not None and "money" in pw.carries):
            blank = {"kinds": [], "amount": 0, "relationships": 0}
            link = self.money_from[sv.id].setdefault(su.id, blank)
            if r.kind not in link["kinds"]:
                link["kinds"].append(r.kind)
            link["amount"] += pw.amount if pw is not None else 0
            link["relationships"] += 1
        if r.kind in GATEKEEPER_KINDS and sv.role == "beneficiary" and su.role != "beneficiary":
            self.reached_by[sv.id].add(su.id)

    def decision_power(self) -> dict[str, Any]:
        total = sum(self.decision.values())
        return {
            "total": total,
            "by_role": self.decision,
            "beneficiary_share": _share(self.decision["beneficiary"], total),
        }


def _funding(m: SystemMap, carried: _Carried, names: dict[str, str]) -> dict[str, Any]:
    """Every funder → funded pair, and those with one funder only, in map order."""
    order = {s.id: i for i, s in enumerate(m.stakeholders)}
    single_funder = []
    funding = []
    for funded in sorted(carried.money_from, key=order.__getitem__):
        sources = carried.money_from[funded]
        for funder in sorted(sources, key=order.__getitem__):
            d = sources[funder]
            funding.append(
                {"funder": funder, "funded": funded, "kinds": sorted(d["kinds"]),
                 "amount": d["amount"], "relationships": d["relationships"]}
            )  # fmt: skip
        if len(sources) == 1:
            (funder,) = sources
            single_funder.append(
                {"stakeholder": funded, "name": names[funded],
                 "funder": funder, "funder_name": names[funder]}
            )  # fmt: skip
    return {"single_funder": single_funder, "funding": funding}


def _gatekeepers(m: SystemMap, carried: _Carried, names: dict[str, str]) -> dict[str, Any]:
    """Beneficiaries served or referred by one stakeholder only, or by nobody."""
    single_gatekeeper = []
    unserved = []
    for s in m.stakeholders:
        if s.role != "beneficiary":
            continue
        keepers = carried.reached_by.get(s.id, set())
        if not keepers:
            unserved.append(s.id)
        elif len(keepers) == 1:
            (keeper,) = keepers
            single_gatekeeper.append(
                {"beneficiary": s.id, "name": s.name,
                 "gatekeeper": keeper, "gatekeeper_name": names[keeper]}
            )  # fmt: skip
    return {"single_gatekeeper": single_gatekeeper, "unserved": unserved}


def power(m: SystemMap) -> PowerResult:
    """Who holds power, how concentrated it is, where it flows, who depends on whom.

    Parameters
    ----------
    m : SystemMap
        The map (current or redesign).

    Returns
    -------
    PowerResult
        Findings first (:meth:`PowerResult.findings`), then the figures; see
        the module notes for how each is defined.

    Example
    -------
    >>> from sysmap.model import Relationship, RelationshipPower, Stakeholder, SystemMap
    >>> m = SystemMap(id="m", title="M", guiding_question="Q?",
    ...     stakeholders=[
    ...         Stakeholder(id="pwle", name="People with lived experience",
    ...                     role="beneficiary", power=1),
    ...         Stakeholder(id="outreach", name="Street outreach", role="provider", power=2),
    ...         Stakeholder(id="city", name="City of Riverton", role="leader", power=5)],
    ...     relationships=[
    ...         Relationship(source="city", target="outreach", kind="funds",
    ...                      power=RelationshipPower(amount=4, carries=["money"])),
    ...         Relationship(source="outreach", target="pwle", kind="serves")])
    >>> result = power(m)
    >>> for f in result.findings():
    ...     print(f.importance, f.text)
    3 Leaders hold 63% of the power in this map; providers 25%, beneficiaries 13%
    2 Of the power carried by relationships, 100% flows leader → provider; 0% starts with ...
    2 Street outreach depends on a single funder: City of Riverton
    2 Only Street outreach serves or refers People with lived experience: a single gatekeeper
    1 No relationship carries decisions or authority, so nobody's share of decision power ...
    >>> round(result.concentration["gini"], 3), result.flows["money"]["leader"]["provider"]
    (0.333, 4)
    """
    names = {s.id: s.name for s in m.stakeholders}
    carried = _Carried(m)
    return PowerResult(
        **_held(m),
        flows=carried.flows,
        flow_total=sum(sum(row.values()) for row in carried.flows["all"].values()),
        decision_power=carried.decision_power(),
        **_funding(m, carried, names),
        **_gatekeepers(m, carried, names),
        names=names,
    )
