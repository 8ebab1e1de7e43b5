"""Names a package offers before it imports them (PEP 562).

``sysmap``, ``sysmap.analysis`` and ``sysmap.whatif`` name many functions whose
modules load numpy, scipy, igraph or networkx. Each keeps a table of where every
name lives and hands it to :func:`attach`; a name's module is imported the first
time the name is used, so a command loads only what it runs.

Example
-------
>>> getattr_, dir_ = attach("json", {"dumps": "json"})
>>> getattr_("dumps") is __import__("json").dumps, "dumps" in dir_()
(True, True)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["attach"]


def attach(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` for ``package``.

    ``where`` maps each public name to the module that defines it. A name found
    once is kept in the package, so its next use is a plain lookup.
    """

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module '{package}' has no attribute '{name}'")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(where))

    return __getattr__, __dir__
