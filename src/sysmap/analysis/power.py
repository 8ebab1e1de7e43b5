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

from sysmap.analysis._base import Finding, fmt_number, md_table, text_table
from sysmap.analysis._graph import working_relationships
from sysmap.escape import markdown_text
from sysmap.model import POWER_CARRIERS, ROLES, Stakeholder, SystemMap

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


def _pct(share: float | None) -> str:
    """A share as a whole percentage for people; tiny shares are not shown as 0%."""
    if share is None:
        return "—"
    p = share * 100
    if 0 < p < 0.5:
        return "<1%"
    if 99.5 <= p < 100:
        return ">99%"
    return f"{math.floor(p + 0.5)}%"


def _names(ids: list[str], names: dict[str, str], limit: int = 5) -> str:
    shown = [names.get(i, i) for i in ids[:limit]]
    more = len(ids) - len(shown)
    if more > 0:
        return ", ".join(shown) + f" and {more:,} more"
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _matrix() -> dict[str, dict[str, float]]:
    return {a: {b: 0 for b in ROLES} for a in ROLES}


@dataclass
class PowerResult:
    """Power held by role groups, its concentration, its flows and dependence.

    See the module notes for how each figure is defined. :meth:`to_dict` gives
    the JSON: ``analysis``, ``findings``, ``stakeholders``, ``recorded``,
    ``missing``, ``total_power``, ``by_role``, ``concentration``,
    ``flow_total``, ``flows``, ``decision_power``, ``single_funder``,
    ``single_gatekeeper``, ``unserved``, ``funding``.
    """

    name: ClassVar[str] = "power"

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

    # ------------------------------------------------------------- findings

    def findings(self) -> list[Finding]:
        """What a guiding team should know, headlines first."""
        out: list[Finding] = []
        add = out.append
        names = self.names

        present = [r for r in ROLES if self.by_role[r]["stakeholders"]]
        top = ""
        if self.stakeholders == 0:
            add(Finding("The map has no stakeholders yet", self.name, 3))
            return out
        if self.total_power > 0:
            ranked = sorted(present, key=lambda r: -(self.by_role[r]["share"] or 0))
            top, rest = ranked[0], ranked[1:]
            text = (
                f"{_PLURAL[top].capitalize()} hold {_pct(self.by_role[top]['share'])} "
                "of the power in this map"
            )
            if rest:
                text += "; " + ", ".join(
                    f"{_PLURAL[r]} {_pct(self.by_role[r]['share'])}" for r in rest
                )
            add(Finding(text, self.name, 3))
        elif self.recorded == 0:
            add(
                Finding(
                    "No stakeholder has power recorded: add power (0–5) to see who holds it",
                    self.name,
                    3,
                )
            )
        else:
            add(Finding("Every recorded power is 0", self.name, 2))

        # a group of many may hold most in sum while each of a few holds more
        means = [(r, m) for r in present if (m := self.by_role[r]["mean"]) is not None]
        means.sort(key=lambda rm: -rm[1])
        if self.total_power > 0 and len(means) > 1 and means[0][0] != top:
            (r0, m0), others = means[0], means[1:]
            add(
                Finding(
                    f"On average a {r0} holds {round(m0, 1):g} of 5; "
                    + ", ".join(f"a {r} {round(m, 1):g}" for r, m in others),
                    self.name,
                    2,
                )
            )

        dp = self.decision_power
        if dp["total"] > 0:
            add(
                Finding(
                    f"Beneficiaries carry {_pct(dp['beneficiary_share'])} of decision power",
                    self.name,
                    3,
                )
            )
        else:
            add(
                Finding(
                    "No relationship carries decisions or authority, so nobody's share "
                    "of decision power can be measured",
                    self.name,
                    1,
                )
            )

        if self.missing and self.recorded:
            parts = ", ".join(
                f"{n:,} {_PLURAL[r] if n != 1 else r}"
                for r in ROLES
                if (n := self.by_role[r]["missing"])
            )
            add(
                Finding(
                    f"Power is not recorded for {self.missing:,} of {self.stakeholders:,} "
                    f"stakeholders ({parts}); shares and the Gini leave them out",
                    self.name,
                    2,
                )
            )

        c = self.concentration
        if c["gini"] is not None and c["stakeholders"] > 3:
            g = c["gini"]
            if g < 0.2:
                words = "Power is spread fairly evenly"
            elif g < 0.4:
                words = "Power is unevenly spread"
            else:
                words = "Power is concentrated"
            top3, top10 = c["top3"], c["top10"]
            if c["stakeholders"] <= 30:  # a handful: name them
                text = (
                    f"{words} (Gini {g:.2f}): the top 3 — {_names(top3['stakeholders'], names)} "
                    f"— hold {_pct(top3['share'])} of it"
                )
            else:
                text = (
                    f"{words} (Gini {g:.2f}): the top 10% ({top10['count']:,} stakeholders) "
                    f"hold {_pct(top10['share'])} of it"
                )
            add(Finding(text, self.name, 2, list(top3["stakeholders"])))

        if self.flow_total > 0:
            pairs = sorted(
                ((a, b, v) for a, row in self.flows["all"].items() for b, v in row.items() if v),
                key=lambda t: -t[2],
            )
            shown = ", ".join(
                f"{_pct(v / self.flow_total)}{' flows' if i == 0 else ''} {a} → {b}"
                for i, (a, b, v) in enumerate(pairs[:2])
            )
            from_b = sum(self.flows["all"]["beneficiary"].values())
            add(
                Finding(
                    f"Of the power carried by relationships, {shown}; "
                    f"{_pct(from_b / self.flow_total)} starts with beneficiaries",
                    self.name,
                    2,
                )
            )
        else:
            add(
                Finding(
                    "No relationship records the power it carries: add power "
                    "{amount, carries} to see how power flows",
                    self.name,
                    1,
                )
            )

        if len(self.single_funder) <= _FINDINGS_EACH:
            for d in self.single_funder:
                add(
                    Finding(
                        f"{d['name']} depends on a single funder: {d['funder_name']}",
                        self.name,
                        2,
                        [d["stakeholder"], d["funder"]],
                    )
                )
        else:
            common = Counter(d["funder"] for d in self.single_funder).most_common(3)
            add(
                Finding(
                    f"{len(self.single_funder):,} stakeholders depend on a single funder: "
                    + ", ".join(f"{n:,} on {names.get(f, f)}" for f, n in common)
                    + (", …" if len(set(d["funder"] for d in self.single_funder)) > 3 else ""),
                    self.name,
                    2,
                    [f for f, _ in common],
                )
            )

        by_keeper: dict[str, list[str]] = defaultdict(list)
        for d in self.single_gatekeeper:
            by_keeper[d["gatekeeper"]].append(d["beneficiary"])
        keepers = sorted(by_keeper.items(), key=lambda kv: -len(kv[1]))
        for keeper, bens in keepers[:_FINDINGS_EACH]:
            if len(bens) == 1:
                text = (
                    f"Only {names.get(keeper, keeper)} serves or refers "
                    f"{names.get(bens[0], bens[0])}: a single gatekeeper"
                )
            else:
                text = (
                    f"{names.get(keeper, keeper)} is the only way in for {len(bens):,} "
                    f"beneficiaries: {_names(bens, names)}"
                )
            add(Finding(text, self.name, 2, [keeper, *bens[:_FINDINGS_EACH]]))
        if len(keepers) > _FINDINGS_EACH:
            more = sum(len(b) for _, b in keepers[_FINDINGS_EACH:])
            add(
                Finding(
                    f"{more:,} more beneficiaries are reached by a single provider",
                    self.name,
                    2,
                )
            )

        if self.unserved:
            add(
                Finding(
                    f"Nobody serves or refers {len(self.unserved):,} "
                    f"{'beneficiary' if len(self.unserved) == 1 else 'beneficiaries'}: "
                    f"{_names(self.unserved, names)}",
                    self.name,
                    2,
                    self.unserved[:_FINDINGS_EACH],
                )
            )

        if self.funding:
            funded = Counter(d["funder"] for d in self.funding)
            f, n = funded.most_common(1)[0]
            if n > 1:
                add(
                    Finding(
                        f"{names.get(f, f)} funds {n:,} stakeholders, more than any other funder",
                        self.name,
                        1,
                        [f],
                    )
                )
        out.sort(key=lambda x: -x.importance)
        return out

    # --------------------------------------------------------------- output

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (see the class notes for the keys)."""
        return {
            "analysis": self.name,
            "findings": [f.to_dict() for f in self.findings()],
            "stakeholders": self.stakeholders,
            "recorded": self.recorded,
            "missing": self.missing,
            "total_power": self.total_power,
            "by_role": self.by_role,
            "concentration": self.concentration,
            "flow_total": self.flow_total,
            "flows": self.flows,
            "decision_power": self.decision_power,
            "single_funder": self.single_funder,
            "single_gatekeeper": self.single_gatekeeper,
            "unserved": self.unserved,
            "funding": self.funding,
        }

    def _role_rows(self) -> list[list[Any]]:
        return [
            [
                r,
                d["stakeholders"],
                d["power"],
                _pct(d["share"]),
                d["mean"] if d["mean"] is None else round(d["mean"], 2),
                d["missing"],
            ]
            for r, d in self.by_role.items()
        ]

    def _flow_rows(self, carried: str) -> list[list[Any]]:
        mat = self.flows[carried]
        return [[f"from {a}", *(mat[a][b] for b in ROLES)] for a in ROLES]

    def _concentration_lines(self) -> list[str]:
        c = self.concentration
        if c["gini"] is None:
            return ["Concentration: not measurable (no recorded power above 0)."]
        t10, t3 = c["top10"], c["top3"]
        return [
            f"Gini over {c['stakeholders']:,} stakeholders with power recorded "
            f"({c['missing_excluded']:,} missing, left out): {c['gini']:.2f}",
            f"Top 10% ({t10['count']:,}) hold {_pct(t10['share'])}; "
            f"top {t3['count']} ({_names(t3['stakeholders'], self.names)}) hold "
            f"{_pct(t3['share'])}",
        ]

    def _dependence_rows(self) -> tuple[list[list[Any]], list[list[Any]], list[list[Any]]]:
        n = self.names
        funders = [[d["name"], d["funder_name"]] for d in self.single_funder]
        keepers = [[d["name"], d["gatekeeper_name"]] for d in self.single_gatekeeper]
        funding = [
            [n.get(d["funder"], d["funder"]), n.get(d["funded"], d["funded"]),
             ", ".join(d["kinds"]), d["amount"]]
            for d in self.funding
        ]  # fmt: skip
        return funders, keepers, funding

    @staticmethod
    def _cap(rows: list[list[Any]]) -> tuple[list[list[Any]], str | None]:
        if len(rows) <= _ROWS_SHOWN:
            return rows, None
        return rows[:_ROWS_SHOWN], f"… and {len(rows) - _ROWS_SHOWN:,} more (all in the JSON)"

    def format_text(self) -> str:
        """A plain-text report: findings, then the tables."""
        lines = ["Power", "", "Findings:"]
        lines += [f"- {f.text}" for f in self.findings()]
        lines += ["", "Power held by role group:"]
        lines.append(
            text_table(["role", "stakeholders", "power", "share", "mean", "missing"],
                       self._role_rows())
        )  # fmt: skip
        lines += ["", *self._concentration_lines()]
        lines += ["", f"Power carried by relationships (total {fmt_number(self.flow_total)}):"]
        lines.append(text_table(["", *(f"to {b}" for b in ROLES)], self._flow_rows("all")))
        for carried in POWER_CARRIERS:
            lines += ["", f"  carrying {carried}:"]
            lines.append(text_table(["", *(f"to {b}" for b in ROLES)], self._flow_rows(carried)))
        dp = self.decision_power
        lines += [
            "",
            f"Decision power (decisions or authority): {fmt_number(dp['total'])}; "
            f"from beneficiaries {fmt_number(dp['by_role']['beneficiary'])} "
            f"({_pct(dp['beneficiary_share'])})",
        ]
        funders, keepers, funding = self._dependence_rows()
        for title, headers, rows in (
            ("Single funder", ["stakeholder", "only funder"], funders),
            ("Single gatekeeper", ["beneficiary", "only provider"], keepers),
            ("Who funds whom", ["funder", "funded", "kinds", "power"], funding),
        ):
            if rows:
                shown, more = self._cap(rows)
                lines += ["", f"{title}:", text_table(headers, shown)]
                if more:
                    lines.append(more)
        if self.unserved:
            lines += ["", "Served or referred by nobody: " + _names(self.unserved, self.names, 25)]
        return "\n".join(lines)

    def format_markdown(self) -> str:
        """A Markdown report: findings, then the tables."""
        out = ["## Power", "", "### Findings", ""]
        out += [f"- {markdown_text(f.text)}" for f in self.findings()]
        out += ["", "### Power held by role group", ""]
        out.append(
            md_table(["role", "stakeholders", "power", "share", "mean", "missing"],
                     self._role_rows())
        )  # fmt: skip
        out += [""] + [f"{line}  " for line in self._concentration_lines()]
        out += ["", f"### Power carried by relationships (total {fmt_number(self.flow_total)})", ""]
        out.append(md_table(["", *(f"to {b}" for b in ROLES)], self._flow_rows("all")))
        for carried in POWER_CARRIERS:
            out += ["", f"Carrying **{carried}**:", ""]
            out.append(md_table(["", *(f"to {b}" for b in ROLES)], self._flow_rows(carried)))
        dp = self.decision_power
        out += [
            "",
            f"**Decision power** (decisions or authority): {fmt_number(dp['total'])}; from "
            f"beneficiaries {fmt_number(dp['by_role']['beneficiary'])} "
            f"({_pct(dp['beneficiary_share'])})",
        ]
        funders, keepers, funding = self._dependence_rows()
        for title, headers, rows in (
            ("Single funder", ["stakeholder", "only funder"], funders),
            ("Single gatekeeper", ["beneficiary", "only provider"], keepers),
            ("Who funds whom", ["funder", "funded", "kinds", "power"], funding),
        ):
            if rows:
                shown, more = self._cap(rows)
                out += ["", f"### {title}", "", md_table(headers, shown)]
                if more:
                    out += ["", more]
        if self.unserved:
            out += [
                "",
                "**Served or referred by nobody:** "
                + markdown_text(_names(self.unserved, self.names, 25)),
            ]
        return "\n".join(out)


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
    people = {s.id: s for s in m.stakeholders}
    names = {s.id: s.name for s in m.stakeholders}

    # -- held
    by_role: dict[str, dict[str, Any]] = {}
    held = [(s, s.power) for s in m.stakeholders if s.power is not None]
    total = sum(p for _, p in held)
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
    concentration = _concentration([(s, p) for s, p in held if p is not None], missing)

    # -- carried, dependence
    flows: dict[str, dict[str, dict[str, float]]] = {"all": _matrix()}
    for carried in POWER_CARRIERS:
        flows[carried] = _matrix()
    decision: dict[str, float] = dict.fromkeys(ROLES, 0)
    money_from: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)  # funded -> funder -> …
    reached_by: dict[str, set[str]] = defaultdict(set)
    for r in working_relationships(m):
        ends = [(r.source, r.target)]
        if r.direction == "mutual":
            ends.append((r.target, r.source))
        for u, v in ends:
            su, sv = people.get(u), people.get(v)
            if su is None or sv is None or u == v:
                continue
            pw = r.power
            if pw is not None:
                flows["all"][su.role][sv.role] += pw.amount
                for carried in dict.fromkeys(pw.carries):
                    flows[carried][su.role][sv.role] += pw.amount
                if _DECISION.intersection(pw.carries):
                    decision[su.role] += pw.amount
            if r.kind in MONEY_KINDS or (pw is not None and "money" in pw.carries):
                link = money_from[v].setdefault(u, {"kinds": [], "amount": 0, "relationships": 0})
                if r.kind not in link["kinds"]:
                    link["kinds"].append(r.kind)
                link["amount"] += pw.amount if pw is not None else 0
                link["relationships"] += 1
            if r.kind in GATEKEEPER_KINDS and sv.role == "beneficiary" and su.role != "beneficiary":
                reached_by[v].add(u)

    flow_total = sum(sum(row.values()) for row in flows["all"].values())
    decision_total = sum(decision.values())

    order = {s.id: i for i, s in enumerate(m.stakeholders)}
    single_funder = []
    funding = []
    for funded in sorted(money_from, key=order.__getitem__):
        sources = money_from[funded]
        for funder in sorted(sources, key=order.__getitem__):
            d = sources[funder]
            funding.append(
                {
                    "funder": funder,
                    "funded": funded,
                    "kinds": sorted(d["kinds"]),
                    "amount": d["amount"],
                    "relationships": d["relationships"],
                }
            )
        if len(sources) == 1:
            (funder,) = sources
            single_funder.append(
                {
                    "stakeholder": funded,
                    "name": names[funded],
                    "funder": funder,
                    "funder_name": names[funder],
                }
            )
    single_gatekeeper = []
    unserved = []
    for s in m.stakeholders:
        if s.role != "beneficiary":
            continue
        keepers = reached_by.get(s.id, set())
        if not keepers:
            unserved.append(s.id)
        elif len(keepers) == 1:
            (keeper,) = keepers
            single_gatekeeper.append(
                {
                    "beneficiary": s.id,
                    "name": s.name,
                    "gatekeeper": keeper,
                    "gatekeeper_name": names[keeper],
                }
            )

    return PowerResult(
        stakeholders=len(m.stakeholders),
        recorded=len(held),
        total_power=total,
        by_role=by_role,
        concentration=concentration,
        flows=flows,
        flow_total=flow_total,
        decision_power={
            "total": decision_total,
            "by_role": decision,
            "beneficiary_share": _share(decision["beneficiary"], decision_total),
        },
        single_funder=single_funder,
        single_gatekeeper=single_gatekeeper,
        unserved=unserved,
        funding=funding,
        names=names,
    )
