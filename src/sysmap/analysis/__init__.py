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

``import sysmap`` loads this package only when an analysis is first used.
"""

from __future__ import annotations

from sysmap.analysis._base import AnalysisResult, Finding
from sysmap.analysis.equity import equity
from sysmap.analysis.influence import influence
from sysmap.analysis.loops import loops
from sysmap.analysis.paths import paths
from sysmap.analysis.perspectives import perspectives
from sysmap.analysis.power import power
from sysmap.analysis.structure import structure
from sysmap.analysis.suite import ANALYSES, Analysis, analyze
from sysmap.analysis.voice import voice

# The functions are imported here (not lazily) so that each name means the
# function, never the module of the same name.

__all__ = [
    "ANALYSES",
    "Analysis",
    "AnalysisResult",
    "Finding",
    "analyze",
    "equity",
    "influence",
    "loops",
    "paths",
    "perspectives",
    "power",
    "structure",
    "voice",
]
