"""The analysis JSON is documented and stable: its keys only change with a new
``sysmap_analysis`` version (see docs/analyses.md)."""

from __future__ import annotations

import importlib
import json

import pytest

import sysmap
from helpers import EXAMPLES

KEYS = {
    "voice": ["analysis", "findings", "stage", "max_length", "voice_kinds", "return_kinds",
              "detailed", "detail_limit", "by", "counts", "beneficiaries", "leaders", "paths",
              "groups", "unknown_strength_links", "notes"],
    "power": ["analysis", "findings", "stakeholders", "recorded", "missing", "total_power",
              "by_role", "concentration", "flow_total", "flows", "decision_power",
              "single_funder", "single_gatekeeper", "unserved", "funding"],
    "loops": ["analysis", "max_length", "cap", "declared", "cycles", "counts", "on_most_loops",
              "stopped_at_cap", "stop_reason", "complete", "findings"],
    "structure": ["analysis", "findings", "include_proposed", "counts", "density",
                  "reciprocity", "components", "isolates", "centralization", "clustering",
                  "estimates", "communities", "brokerage", "stakeholders"],
    "influence": ["analysis", "findings", "depth", "include_proposed", "counts", "quadrants",
                  "elements"],
    "perspectives": ["analysis", "threshold", "views", "unattributed", "total_relationships",
                     "comparisons", "findings"],
    "equity": ["analysis", "by", "roles", "stakeholders", "groups", "rules", "metrics",
               "indicators", "findings"],
}  # fmt: skip


@pytest.fixture(scope="module")
def data() -> dict:
    result = sysmap.analyze(sysmap.load_map(EXAMPLES / "homelessness-current.yaml"), by="race")
    return json.loads(json.dumps(result.to_dict()))


def test_top_level(data):
    assert data["sysmap_analysis"] == 1
    assert list(data) == ["sysmap_analysis", "map", "headlines", "analyses"]
    assert list(data["map"]) == ["id", "title", "guiding_question", "stage"]
    assert all(list(h) == ["text", "analysis", "importance", "subjects"] for h in data["headlines"])


@pytest.mark.parametrize("name", list(KEYS))
def test_each_analysis_keeps_its_keys(data, name):
    assert sorted(data["analyses"][name]) == sorted(KEYS[name])
    for finding in data["analyses"][name]["findings"]:
        assert finding["importance"] in (1, 2, 3)
        assert finding["analysis"] == name


def test_every_analysis_documents_its_keys():
    # each key is named in its result class's docstring, which docs/analyses.md points to
    for name in KEYS:
        module = importlib.import_module(f"sysmap.analysis._{name}")
        cls = getattr(module, getattr(module, name).__annotations__["return"])
        doc = cls.__doc__ or ""
        missing = [
            k for k in KEYS[name] if k not in ("analysis", "findings") and f"``{k}``" not in doc
        ]
        assert not missing, f"{cls.__name__} docstring does not document {missing}"
