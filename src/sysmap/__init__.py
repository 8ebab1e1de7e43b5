"""sysmap — systems mapping and stakeholder-relationship modeling.

Map who a community system serves (beneficiaries), who serves it (providers)
and who can change it (leaders); their relationships, power and feedback
loops; and compare a redesign with today.

>>> import sysmap
>>> m = sysmap.loads_map('''
... id: demo
... title: Demo
... guiding_question: Whose voice reaches the board?
... stakeholders:
...   - {id: pwle, name: People with lived experience, role: beneficiary, lived_experience: true}
...   - {id: board, name: CoC board, role: leader}
... relationships:
...   - {from: pwle, to: board, kind: feedback}
... ''')
>>> sysmap.to_graph(m).number_of_edges()
1
"""

from sysmap.assess import AssessmentReport, assess, format_assessments, load_assessment_template
from sysmap.compare import Comparison, compare_maps
from sysmap.edit import add_factor, add_relationship, add_stakeholder, remove, set_field
from sysmap.errors import (
    EditError,
    LockTimeout,
    MapFileError,
    MapInvalid,
    MissingDependency,
    SysmapError,
    UnknownFormat,
    UnknownOption,
)
from sysmap.formats import export_map, import_map
from sysmap.graph import from_graph, to_graph
from sysmap.html import export_html, generate_html
from sysmap.init import init_map, new_map_text
from sysmap.model import (
    CORE_KINDS,
    FORMAT_VERSION,
    ROLES,
    Factor,
    FeedbackLoop,
    Relationship,
    Stakeholder,
    SystemMap,
)
from sysmap.plan import ChangePlan, change_plan
from sysmap.problems import Problem, ValidationReport
from sysmap.process import ProcessStatus, check_process, format_process
from sysmap.report import export_report, generate_report
from sysmap.roles import (
    RoleMatrix,
    TeamCoverage,
    format_roles,
    load_role_archetype,
    role_matrix,
    team_coverage,
)
from sysmap.schema import generate_schema, map_schema
from sysmap.storage import dumps_map, save_map
from sysmap.summary import MapSummary, summarize
from sysmap.validate import load_map, loads_map, validate_file, validate_text

__version__ = "0.1.0"

__all__ = [
    "Analysis",
    "analyze",
    "AssessmentReport",
    "ProcessStatus",
    "RoleMatrix",
    "TeamCoverage",
    "assess",
    "check_process",
    "format_assessments",
    "format_process",
    "format_roles",
    "load_assessment_template",
    "load_role_archetype",
    "role_matrix",
    "team_coverage",
    "ChangePlan",
    "Comparison",
    "CORE_KINDS",
    "FORMAT_VERSION",
    "ROLES",
    "EditError",
    "Factor",
    "FeedbackLoop",
    "LockTimeout",
    "MapFileError",
    "MapInvalid",
    "MapSummary",
    "MissingDependency",
    "Problem",
    "Relationship",
    "Stakeholder",
    "SysmapError",
    "SystemMap",
    "UnknownFormat",
    "UnknownOption",
    "ValidationReport",
    "add_factor",
    "add_relationship",
    "add_stakeholder",
    "change_plan",
    "compare_maps",
    "dumps_map",
    "export_map",
    "export_html",
    "export_report",
    "generate_html",
    "generate_report",
    "from_graph",
    "generate_schema",
    "import_map",
    "init_map",
    "load_map",
    "loads_map",
    "map_schema",
    "new_map_text",
    "remove",
    "save_map",
    "set_field",
    "summarize",
    "to_graph",
    "validate_file",
    "validate_text",
]


def __getattr__(name: str) -> object:
    # The analyses pull in numpy, scipy and igraph: load them on first use so
    # that commands such as `sysmap validate` start quickly.
    if name in ("analyze", "Analysis"):
        from sysmap.analysis import suite

        return getattr(suite, name)
    raise AttributeError(f"module 'sysmap' has no attribute '{name}'")
