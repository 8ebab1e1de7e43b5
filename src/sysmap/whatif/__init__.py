"""What if: scenarios on the key-factor model and on the stakeholder network.

- :func:`whatif` — hold factors of the key-factor model at chosen values and
  see which others rise and fall (fuzzy-cognitive-map inference);
- :func:`whatif_all` — every scenario the map declares, side by side;
- :func:`whatif_maps` — the same scenario on several maps (current and redesign);
- :func:`network_whatif` — what changes if a stakeholder leaves or a
  relationship stops (or a proposed one forms): voice, loops, funding, reach;
- :func:`fragile` — the stakeholders and relationships whose loss alone
  silences a beneficiary group or breaks a feedback loop, ranked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sysmap.lazy import attach
from sysmap.whatif.fcm import (
    RULES,
    SQUASHING,
    KeyFactorModel,
    Run,
    ScenarioTable,
    Settings,
    WhatIfResult,
    infer,
    key_factor_model,
    link_weight,
    scenario_panel_data,
    whatif,
    whatif_all,
    whatif_maps,
)

if TYPE_CHECKING:  # the network what-if loads on first use (it needs networkx and the analyses)
    from sysmap.whatif.network import (
        FragilityResult,
        NetworkWhatIfResult,
        WeakPoint,
        fragile,
        network_whatif,
    )

_NETWORK = ("FragilityResult", "NetworkWhatIfResult", "WeakPoint", "fragile", "network_whatif")

__all__ = [
    "FragilityResult",
    "NetworkWhatIfResult",
    "WeakPoint",
    "fragile",
    "network_whatif",
    "RULES",
    "SQUASHING",
    "KeyFactorModel",
    "Run",
    "ScenarioTable",
    "Settings",
    "WhatIfResult",
    "infer",
    "key_factor_model",
    "link_weight",
    "scenario_panel_data",
    "whatif",
    "whatif_all",
    "whatif_maps",
]

__getattr__, __dir__ = attach(__name__, dict.fromkeys(_NETWORK, "sysmap.whatif.network"))
