"""Validating maps: field rules, references between parts, and warnings.

Every problem in a file is collected and reported together. Errors make a map
invalid; warnings (a map with no beneficiaries, say) do not.

This module is the public face of validation; the work is done in
:mod:`sysmap.mapfile` (reading and checking files and text),
:mod:`sysmap.rules` (the field rules, put into words),
:mod:`sysmap.references` (how the parts refer to each other) and
:mod:`sysmap.problems` (problems as data, capped per kind).

Example
-------
>>> from sysmap.validate import validate_text
>>> report = validate_text("id: demo\\ntitle: Demo\\nguiding_question: Who is heard?\\n")
>>> report.ok, [p.code for p in report.warnings][:2]
(True, ['no-beneficiaries', 'no-providers'])
"""

from __future__ import annotations

from sysmap.mapfile import load_map, loads_map, validate_data, validate_file, validate_text
from sysmap.problems import MAX_PER_KIND, cap_problems
from sysmap.references import check_references
from sysmap.rules import check_data

__all__ = [
    "validate_file",
    "validate_text",
    "validate_data",
    "check_data",
    "check_references",
    "load_map",
    "loads_map",
    "cap_problems",
    "MAX_PER_KIND",
]
