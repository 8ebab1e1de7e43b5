"""The analyses, one module per concept; each takes the map first.

- :func:`structure` — counts, density, reciprocity, fragmentation, centralities, brokers;
- :func:`influence` — direct and indirect influence and dependence (MICMAC quadrants);
- :func:`power` — power by role group, its concentration, power carried between roles;
- :func:`voice` — beneficiaries' voice paths to leaders and whether anything comes back;
- :func:`loops` — declared loops checked, cycles found and classified;
- :func:`paths` — upstream, downstream and the paths between two elements;
- :func:`perspectives` — the system as each group sees it, and where views disagree;
- :func:`equity` — any per-stakeholder figure broken down by an attribute;
- :func:`analyze` — all of them, headline findings first.

``import sysmap`` loads this package only when an analysis is first used, and the
package loads each analysis's module (``_voice``, ``_power`` …, with numpy or
igraph) only when one of its names is first used (PEP 562), so a command that
needs one analysis, or only the working graph, loads no other. The modules are
private: ``sysmap.analysis.voice`` is always the function, and the result types
are named here (``VoiceResult``, ``PowerResult`` …).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sysmap.lazy import attach

if TYPE_CHECKING:  # for type checkers and editors: the names, as if imported here
    from sysmap.analysis._base import AnalysisResult
    from sysmap.analysis._equity import EquityResult, default_metrics, equity
    from sysmap.analysis._influence import QUADRANTS, InfluenceResult, influence
    from sysmap.analysis._loops import LoopsResult, loops
    from sysmap.analysis._paths import PathsResult, paths
    from sysmap.analysis._perspectives import STANDARD_VIEWS, PerspectivesResult, perspectives
    from sysmap.analysis._power import PowerResult, gini, power
    from sysmap.analysis._structure import StructureResult, centralities, structure
    from sysmap.analysis._voice import VoiceResult, carries_return, return_kinds, voice, voice_kinds
    from sysmap.analysis.suite import ANALYSES, Analysis, analyze
    from sysmap.findings import Finding

#: Where each public name lives, loaded on first use.
_WHERE: dict[str, str] = {
    "AnalysisResult": "sysmap.analysis._base",
    "Finding": "sysmap.findings",
    "ANALYSES": "sysmap.analysis.suite",
    "Analysis": "sysmap.analysis.suite",
    "analyze": "sysmap.analysis.suite",
    **dict.fromkeys(["equity", "EquityResult", "default_metrics"], "sysmap.analysis._equity"),
    **dict.fromkeys(["influence", "InfluenceResult", "QUADRANTS"], "sysmap.analysis._influence"),
    **dict.fromkeys(["loops", "LoopsResult"], "sysmap.analysis._loops"),
    **dict.fromkeys(["paths", "PathsResult"], "sysmap.analysis._paths"),
    **dict.fromkeys(
        ["perspectives", "PerspectivesResult", "STANDARD_VIEWS"], "sysmap.analysis._perspectives"
    ),
    **dict.fromkeys(["power", "PowerResult", "gini"], "sysmap.analysis._power"),
    **dict.fromkeys(["structure", "StructureResult", "centralities"], "sysmap.analysis._structure"),
    **dict.fromkeys(
        ["voice", "VoiceResult", "voice_kinds", "return_kinds", "carries_return"],
        "sysmap.analysis._voice",
    ),
}

__all__ = [
    "ANALYSES",
    "Analysis",
    "AnalysisResult",
    "EquityResult",
    "Finding",
    "InfluenceResult",
    "LoopsResult",
    "PathsResult",
    "PerspectivesResult",
    "PowerResult",
    "QUADRANTS",
    "STANDARD_VIEWS",
    "StructureResult",
    "VoiceResult",
    "analyze",
    "carries_return",
    "centralities",
    "default_metrics",
    "equity",
    "gini",
    "influence",
    "loops",
    "paths",
    "perspectives",
    "power",
    "return_kinds",
    "structure",
    "voice",
    "voice_kinds",
]

__getattr__, __dir__ = attach(__name__, _WHERE)
