"""The house: a curated public API, layers that point downwards, no import cycles.

Imports are read from the source with ``ast``, wherever they are: at the top of a
module, under ``if TYPE_CHECKING:`` (a cycle there is one the type checker walks, and
one step from a real one) and inside functions.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import itertools
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from test_docs import FENCE, documents

import newscms

SRC = Path(newscms.__file__).parent

# What each layer may import from newscms (besides itself) and which libraries it must not.
LAYERS: dict[str, tuple[set[str], set[str]]] = {
    "utils": ({"errors"}, {"sqlalchemy", "alembic", "pydantic"}),
    "domain": ({"utils", "errors"}, {"sqlalchemy", "alembic"}),
    "formats": ({"domain", "utils", "errors", "_version"}, {"sqlalchemy", "alembic"}),
    "importers": ({"domain", "utils", "errors"}, {"sqlalchemy", "alembic"}),
    "store": ({"domain", "utils", "errors"}, set()),
    "services": ({"store", "importers", "formats", "domain", "utils", "errors"}, set()),
    "newsletter": ({"store", "formats", "domain", "utils", "errors"}, set()),
    "http": (
        {"store", "formats", "domain", "utils", "errors", "_version"},
        {"fastapi", "starlette", "flask", "django"},
    ),
}

# The packages whose ``__all__`` is their public API.
PACKAGES = [
    "newscms",
    "newscms.domain",
    "newscms.utils",
    "newscms.formats",
    "newscms.importers",
    "newscms.store",
    "newscms.services",
    "newscms.newsletter",
    "newscms.http",
]


# -- reading the imports -------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES: dict[str, Path] = {_module_name(path): path for path in sorted(SRC.rglob("*.py"))}


def _imports(module: str) -> dict[str, int]:
    """The modules ``module`` imports, each with the line of its first import.

    ``from package import name`` imports the submodule when ``name`` is one, and the
    package's ``__init__`` otherwise. Parent packages Python initializes on the way are
    not counted: every module of a package would then depend on its ``__init__``.
    """
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: level 1 is this package, 2 its parent, ...
                anchor = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.setdefault(submodule if submodule in MODULES else base, node.lineno)
    return found


def _graph(package: str) -> dict[str, dict[str, int]]:
    """Each module of ``package`` -> the modules of ``package`` it imports (and where)."""

    def inside(module: str) -> bool:
        return module == package or module.startswith(f"{package}.")

    return {
        module: {target: line for target, line in _imports(module).items() if inside(target)}
        for module in MODULES
        if inside(module)
    }


def _cycles(graph: dict[str, dict[str, int]]) -> list[tuple[list[str], set[str]]]:
    """Each knot of ``graph`` (a strongly connected component, Tarjan) and a shortest cycle in it.

    A knot holds every module that reaches every other: one cycle shows how, the
    members show how far the knot reaches.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while (member := stack.pop()) != node:
                component.add(member)
            components.append({node, *component})

    for node in sorted(graph):
        if node not in index:
            visit(node)
    cycles = []
    for component in components:
        start = min(component)
        if len(component) > 1 or start in graph[start]:
            cycles.append((_shortest_cycle(graph, start, component), component))
    return sorted(cycles, key=lambda found: found[0])


def _shortest_cycle(graph: dict[str, dict[str, int]], start: str, within: set[str]) -> list[str]:
    """The shortest path from ``start`` back to itself inside one component (breadth first)."""
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node]):
                if target == start:
                    return [*paths[node], start]
                if target in within and target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{start} is in a component but on no cycle")


def _describe(graph: dict[str, dict[str, int]], cycle: list[str], knot: set[str]) -> str:
    steps = [
        f"{MODULES[a].relative_to(SRC.parent)}:{graph[a][b]} imports {b}"
        for a, b in itertools.pairwise(cycle)
    ]
    others = sorted(knot - set(cycle))
    knot_line = [f"and the knot also holds {', '.join(others)}"] if others else []
    return "\n    ".join([" -> ".join(cycle), *steps, *knot_line])


# -- the public API ------------------------------------------------------------------------


def _isort_key(name: str) -> tuple[int, list[int | str]]:
    """The order ruff's RUF022 keeps ``__all__`` in: CONSTANTS, Classes, then the rest."""
    kind = 0 if len(name) > 1 and name.upper() == name != name.lower() else 1
    kind = kind if kind == 0 or name[:1].isupper() else 2
    return kind, [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


@pytest.mark.parametrize("package", PACKAGES)
def test_all_is_sorted_and_complete(package: str) -> None:
    module = importlib.import_module(package)
    assert list(module.__all__) == sorted(module.__all__, key=_isort_key)
    assert [name for name in module.__all__ if not hasattr(module, name)] == []


def _doc_imports(path: Path) -> list[tuple[int, ast.Import | ast.ImportFrom]]:
    """Every import statement in the document's code blocks, with its line in the file."""
    text = path.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        kind, code = match.groups()
        first = text[: match.start(2)].count("\n") + 1
        if kind == "python":
            sources = [(0, code)]
        else:
            examples = doctest.DocTestParser().get_examples(code)
            sources = [(example.lineno, example.source) for example in examples]
        for offset, source in sources:
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    found.append((first + offset + node.lineno - 1, node))
    return found


def _not_public(module: ModuleType, name: str) -> str | None:
    """Why docs may not import ``name`` from ``module``, or None when they may."""
    if f"{module.__name__}.{name}" in MODULES:
        return None  # a submodule: importing it is enough
    if name not in getattr(module, "__all__", ()):
        return f"{name} is not in {module.__name__}.__all__"
    if not hasattr(module, name):
        return f"{module.__name__} has no {name}"
    return None


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.name)
def test_docs_import_only_public_names(path: Path) -> None:
    problems = []
    for line, node in _doc_imports(path):
        where = f"{path.name}:{line}"
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names if alias.name.startswith("newscms")]
            problems += [f"{where}: no module {name}" for name in modules if name not in MODULES]
        elif node.module and node.module.split(".")[0] == "newscms":
            if node.module not in MODULES:
                problems.append(f"{where}: no module {node.module}")
                continue
            module = importlib.import_module(node.module)
            problems += [
                f"{where}: {problem}"
                for alias in node.names
                if (problem := _not_public(module, alias.name)) is not None
            ]
    assert problems == []


# -- the layers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "newscms",
        "newscms.domain",
        "newscms.utils",
        "newscms.errors",
        "newscms.formats",
        "newscms.importers",
    ],
)
def test_pure_packages_do_not_load_the_database_layer(module: str) -> None:
    code = f"import sys, {module}; print('sqlalchemy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_imports_point_downwards(layer: str) -> None:
    allowed, forbidden_libraries = LAYERS[layer]
    problems = []
    for module in MODULES:
        if module.split(".")[1:2] != [layer]:
            continue
        for name in _imports(module):
            root, _, rest = name.partition(".")
            if root == "newscms":
                target = rest.split(".", 1)[0]
                if target and target != layer and target not in allowed:
                    problems.append(f"{module} imports {name}")
            elif root in forbidden_libraries:
                problems.append(f"{module} imports {name}")
    assert problems == []


@pytest.mark.parametrize(
    "package",
    ["newscms.store", "newscms.formats"],
)
def test_no_import_cycles(package: str) -> None:
    graph = _graph(package)
    cycles = [_describe(graph, cycle, knot) for cycle, knot in _cycles(graph)]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)
