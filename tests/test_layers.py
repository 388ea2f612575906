"""The direction of dependencies inside tutorcal, checked on the source (issue #13).

google/ reports what a sync found and bookings decides what it means (google/changes.py,
bookings/mirror_changes.py), so google/ never imports bookings. An import inside a function
hides a cycle instead of removing it; the few left are listed here with their reason, and
each says why at the import. Routers speak HTTP: no queries, and no models (a service answers
in schemas, or in its own types).
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import NamedTuple

import tutorcal

PACKAGE = Path(tutorcal.__file__).parent

# module -> (what it may import inside a function, why). None of them dodges a cycle.
FUNCTION_LEVEL_IMPORTS_ALLOWED: dict[str, tuple[tuple[str, ...], str]] = {
    "tutorcal.cli": (
        ("tutorcal.",),
        "each command loads only what it runs: `tutorcal check-config` and `--help` stay "
        "fast and report a bad setting before the app (and its settings) is imported",
    ),
    "tutorcal.config": (
        ("tutorcal.demo.", "tutorcal.emulator."),
        "demo mode only: the emulator is never imported by production paths",
    ),
    "tutorcal.main": (
        ("tutorcal.demo.",),
        "demo mode only: the emulator is never imported by production paths",
    ),
}


class Source(NamedTuple):
    tree: ast.Module
    lines: list[str]


def _sources() -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        text = path.read_text(encoding="utf-8")
        sources[name] = Source(ast.parse(text, filename=str(path)), text.splitlines())
    return sources


def _modules() -> dict[str, ast.Module]:
    return {name: source.tree for name, source in _sources().items()}


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return [alias.name for alias in node.names]


def _all_imports(tree: ast.Module) -> list[str]:
    return [
        name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in _imported(node)
    ]


def _function_level_import_nodes(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    return [
        node
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
        and any(name == "tutorcal" or name.startswith("tutorcal.") for name in _imported(node))
    ]


def _function_level_imports(tree: ast.Module) -> list[str]:
    return [
        name
        for node in _function_level_import_nodes(tree)
        for name in _imported(node)
        if name == "tutorcal" or name.startswith("tutorcal.")
    ]


def _says_why(node: ast.stmt, source: Source, imports: set[int]) -> bool:
    """A comment on the import's line, or just above the block of imports (blank lines
    between its groups included) it is part of."""
    if "#" in source.lines[node.lineno - 1]:
        return True
    line = node.lineno - 1  # 1-based number of the line above
    while line in imports or not source.lines[line - 1].strip():
        line -= 1
    return source.lines[line - 1].lstrip().startswith("#")


# Packages google/ must not import: they build on it (bookings acts on what a sync found,
# operations runs google's periodic work).
_ABOVE_GOOGLE = ("tutorcal.bookings", "tutorcal.operations")


def test_google_never_imports_bookings_or_operations() -> None:
    offending = {
        (module, name)
        for module, tree in _modules().items()
        if module.startswith("tutorcal.google")
        for name in _all_imports(tree)
        if name in _ABOVE_GOOGLE or name.startswith(tuple(f"{p}." for p in _ABOVE_GOOGLE))
    }
    assert offending == set()


def _allowed(module: str, name: str) -> bool:
    prefixes, _ = FUNCTION_LEVEL_IMPORTS_ALLOWED.get(module, ((), ""))
    return name.startswith(prefixes)


def test_no_function_level_imports_of_tutorcal_beyond_the_listed_ones() -> None:
    hidden = sorted(
        (module, name)
        for module, tree in _modules().items()
        for name in _function_level_imports(tree)
        if not _allowed(module, name)
    )
    assert hidden == []


def _lines_of_imports(tree: ast.Module) -> set[int]:
    return {
        line
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for line in range(node.lineno, (node.end_lineno or node.lineno) + 1)
    }


def test_every_function_level_import_of_tutorcal_says_why_it_waits() -> None:
    unexplained = sorted(
        (module, node.lineno)
        for module, source in _sources().items()
        for node in _function_level_import_nodes(source.tree)
        if not _says_why(node, source, _lines_of_imports(source.tree))
    )
    assert unexplained == []


def test_no_router_imports_a_models_module() -> None:
    """A router takes its types from schemas and services, never from the ORM's models."""
    offending = sorted(
        (module, name)
        for module, tree in _modules().items()
        if module.endswith(".router")
        for name in _all_imports(tree)
        if name.endswith(".models")
    )
    assert offending == []


def test_services_and_core_helpers_do_not_import_fastapi() -> None:
    """Services speak the domain; the query parameters routers share live in
    core/query_params.py, apart from the pagination and windows that services call."""
    offending = sorted(
        (module, name)
        for module, tree in _modules().items()
        if module.endswith((".service", ".repository", "core.pagination", "core.windows"))
        for name in _all_imports(tree)
        if name == "fastapi" or name.startswith(("fastapi.", "starlette"))
    )
    assert offending == []


# Tortoise's query entry points on a model class (and a model instance's writes).
_QUERY_METHODS = frozenset(
    {
        "all",
        "bulk_create",
        "create",
        "exclude",
        "filter",
        "first",
        "get",
        "get_or_create",
        "get_or_none",
        "raw",
        "select_for_update",
        "update_or_create",
    }
)


def _model_names(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(".models")
        for alias in node.names
    }


def test_routers_neither_query_models_nor_use_tortoise() -> None:
    """Routers speak HTTP; queries live in services and repositories (models may still be
    named in a router's types)."""
    offending: list[tuple[str, str]] = []
    for module, tree in _modules().items():
        if not module.endswith(".router"):
            continue
        models = _model_names(tree)
        offending += [
            (module, name)
            for name in _all_imports(tree)
            if name == "tortoise" or name.startswith("tortoise.")
        ]
        offending += [
            (module, f"{node.func.value.id}.{node.func.attr}")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in models
            and node.func.attr in _QUERY_METHODS
        ]
    assert offending == []
