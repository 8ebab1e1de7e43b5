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

The modules load on first use, so ``import sysmap`` stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

from sysmap.analysis._base import AnalysisResult, Finding
from sysmap.analysis.suite import ANALYSES, Analysis, analyze

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

_LAZY = {
    "structure": "structure",
    "influence": "influence",
    "power": "power",
    "voice": "voice",
    "loops": "loops",
    "paths": "paths",
    "perspectives": "perspectives",
    "equity": "equity",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"sysmap.analysis.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module 'sysmap.analysis' has no attribute '{name}'")
