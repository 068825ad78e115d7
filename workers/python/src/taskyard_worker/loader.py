"""Finds the module-level Handlers of modules named by dotted name or .py path."""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from types import ModuleType

from .handler import Handler


class LoadError(Exception):
    """A --handlers module could not be loaded or has no handlers."""


def import_module(spec: str) -> ModuleType:
    """Imports `spec`: a dotted module name (`pkg.tasks`) or a path to a .py file."""
    if spec.endswith(".py") or os.sep in spec or "/" in spec:
        path = os.path.abspath(spec)
        if not os.path.isfile(path):
            raise LoadError(f"no such file: {spec}")
        name = os.path.splitext(os.path.basename(path))[0]
        # The file's own folder goes first on sys.path, as with `python file.py`.
        folder = os.path.dirname(path)
        if folder not in sys.path:
            sys.path.insert(0, folder)
        module_spec = importlib.util.spec_from_file_location(name, path)
        if module_spec is None or module_spec.loader is None:
            raise LoadError(f"cannot load {spec} as a Python module")
        module = importlib.util.module_from_spec(module_spec)
        sys.modules[name] = module
        module_spec.loader.exec_module(module)
        return module
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(spec)
    except ModuleNotFoundError as err:
        if err.name and spec.startswith(err.name):
            raise LoadError(f"no module named {spec!r} (looked in the current directory and sys.path)") from err
        raise


def handlers_of(module: ModuleType) -> list[Handler]:
    """The module-level Handler objects of `module`, in definition order."""
    seen: dict[int, Handler] = {}
    for value in vars(module).values():
        if isinstance(value, Handler):
            seen.setdefault(id(value), value)
    return list(seen.values())


def load_handlers(specs: list[str]) -> list[Handler]:
    """Every module-level Handler of the modules in `specs`. Raises LoadError when a module
    has none, or two handlers claim one type."""
    out: dict[str, Handler] = {}
    for spec in specs:
        found = handlers_of(import_module(spec))
        if not found:
            raise LoadError(
                f"module {spec!r} defines no handlers: decorate a module-level async function with "
                "@handler(\"type.name\")"
            )
        for h in found:
            if h.type in out and out[h.type] is not h:
                raise LoadError(f"two handlers for task type {h.type!r}")
            out[h.type] = h
    return list(out.values())
