"""sysmap — systems mapping and stakeholder-relationship modeling.

Map who a community system serves (beneficiaries), who serves it (providers)
and who can change it (leaders); their relationships, power and feedback
loops; and compare a redesign with today.

>>> import sysmap
>>> from sysmap.examples import examples_folder
>>> m = sysmap.load_map(examples_folder() / "small.yaml")
>>> len(m.stakeholders), sysmap.to_graph(m).number_of_edges()
(9, 15)
"""

from typing import TYPE_CHECKING

from sysmap.lazy import attach

#: Where each public name lives. Nothing is imported until a name is first
#: used (PEP 562), so that ``import sysmap`` and the command line start in a
#: few milliseconds and a command loads only what it needs.
_WHERE: dict[str, str] = {
    "Analysis": "sysmap.analysis.suite",
    "analyze": "sysmap.analysis.suite",
    "AssessmentReport": "sysmap.assess",
    "assess": "sysmap.assess",
    "format_assessments": "sysmap.assess",
    "load_assessment_template": "sysmap.assess",
    "Comparison": "sysmap.compare",
    "compare_maps": "sysmap.compare",
    "add_factor": "sysmap.edit",
    "add_item": "sysmap.edit",
    "add_relationship": "sysmap.edit",
    "add_stakeholder": "sysmap.edit",
    "add_to": "sysmap.edit",
    "remove": "sysmap.edit",
    "rename": "sysmap.edit",
    "set_field": "sysmap.edit",
    "BadArgument": "sysmap.errors",
    "EditError": "sysmap.errors",
    "LockTimeout": "sysmap.errors",
    "MapFileError": "sysmap.errors",
    "MapInvalid": "sysmap.errors",
    "MissingDependency": "sysmap.errors",
    "OutputError": "sysmap.errors",
    "SysmapError": "sysmap.errors",
    "UnknownFormat": "sysmap.errors",
    "UnknownOption": "sysmap.errors",
    "WorkshopError": "sysmap.errors",
    "Finding": "sysmap.findings",
    "copy_examples": "sysmap.examples",
    "export_map": "sysmap.formats",
    "import_map": "sysmap.formats",
    "from_graph": "sysmap.graph",
    "to_graph": "sysmap.graph",
    "MapDiff": "sysmap.htmlmap",
    "export_html": "sysmap.htmlmap",
    "generate_html": "sysmap.htmlmap",
    "init_map": "sysmap.init",
    "new_map_text": "sysmap.init",
    "map_iframe": "sysmap.notebook",
    "to_pyvis": "sysmap.notebook",
    "CORE_KINDS": "sysmap.model",
    "FORMAT_VERSION": "sysmap.model",
    "Factor": "sysmap.model",
    "FeedbackLoop": "sysmap.model",
    "ROLES": "sysmap.model",
    "Relationship": "sysmap.model",
    "Stakeholder": "sysmap.model",
    "SystemMap": "sysmap.model",
    "ChangePlan": "sysmap.plan",
    "change_plan": "sysmap.plan",
    "Problem": "sysmap.problems",
    "ValidationReport": "sysmap.problems",
    "ProcessStatus": "sysmap.process",
    "check_process": "sysmap.process",
    "format_process": "sysmap.process",
    "export_report": "sysmap.report",
    "generate_report": "sysmap.report",
    "RoleMatrix": "sysmap.roles",
    "RolesReport": "sysmap.roles",
    "TeamCoverage": "sysmap.roles",
    "format_roles": "sysmap.roles",
    "load_role_archetype": "sysmap.roles",
    "role_matrix": "sysmap.roles",
    "roles_report": "sysmap.roles",
    "team_coverage": "sysmap.roles",
    "development_plan": "sysmap.roles",
    "generate_schema": "sysmap.schema",
    "map_schema": "sysmap.schema",
    "dumps_map": "sysmap.storage",
    "save_map": "sysmap.storage",
    "MapSummary": "sysmap.summary",
    "summarize": "sysmap.summary",
    "load_map": "sysmap.validate",
    "loads_map": "sysmap.validate",
    "validate_file": "sysmap.validate",
    "validate_text": "sysmap.validate",
}

if TYPE_CHECKING:  # for type checkers and editors: the names, as if imported here
    from sysmap.analysis.suite import Analysis, analyze
    from sysmap.assess import AssessmentReport, assess, format_assessments, load_assessment_template
    from sysmap.compare import Comparison, compare_maps
    from sysmap.edit import (
        add_factor,
        add_item,
        add_relationship,
        add_stakeholder,
        add_to,
        remove,
        rename,
        set_field,
    )
    from sysmap.errors import (
        BadArgument,
        EditError,
        LockTimeout,
        MapFileError,
        MapInvalid,
        MissingDependency,
        OutputError,
        SysmapError,
        UnknownFormat,
        UnknownOption,
        WorkshopError,
    )
    from sysmap.examples import copy_examples
    from sysmap.findings import Finding
    from sysmap.formats import export_map, import_map
    from sysmap.graph import from_graph, to_graph
    from sysmap.htmlmap import MapDiff, export_html, generate_html
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
    from sysmap.notebook import map_iframe, to_pyvis
    from sysmap.plan import ChangePlan, change_plan
    from sysmap.problems import Problem, ValidationReport
    from sysmap.process import ProcessStatus, check_process, format_process
    from sysmap.report import export_report, generate_report
    from sysmap.roles import (
        RoleMatrix,
        RolesReport,
        TeamCoverage,
        development_plan,
        format_roles,
        load_role_archetype,
        role_matrix,
        roles_report,
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
    "RolesReport",
    "TeamCoverage",
    "assess",
    "check_process",
    "format_assessments",
    "format_process",
    "format_roles",
    "load_assessment_template",
    "load_role_archetype",
    "role_matrix",
    "roles_report",
    "team_coverage",
    "development_plan",
    "ChangePlan",
    "Comparison",
    "CORE_KINDS",
    "FORMAT_VERSION",
    "ROLES",
    "BadArgument",
    "EditError",
    "Factor",
    "Finding",
    "FeedbackLoop",
    "LockTimeout",
    "MapFileError",
    "MapDiff",
    "MapInvalid",
    "MapSummary",
    "MissingDependency",
    "OutputError",
    "Problem",
    "Relationship",
    "Stakeholder",
    "SysmapError",
    "SystemMap",
    "UnknownFormat",
    "UnknownOption",
    "ValidationReport",
    "WorkshopError",
    "add_factor",
    "add_relationship",
    "add_stakeholder",
    "add_item",
    "add_to",
    "rename",
    "copy_examples",
    "map_iframe",
    "to_pyvis",
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

__getattr__, __dir__ = attach(__name__, _WHERE)
