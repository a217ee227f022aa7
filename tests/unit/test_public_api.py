"""The public API stays curated and the layers keep pointing downwards."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

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
}


def test_all_is_sorted_and_complete() -> None:
    assert list(newscms.__all__) == sorted(newscms.__all__)
    for name in newscms.__all__:
        assert getattr(newscms, name) is not None


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


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layer_imports_point_downwards(layer: str) -> None:
    allowed, forbidden_libraries = LAYERS[layer]
    problems = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in _imports(path):
            root, _, rest = name.partition(".")
            if root == "newscms":
                target = rest.split(".", 1)[0]
                if target and target != layer and target not in allowed:
                    problems.append(f"{path.relative_to(SRC)} imports {name}")
            elif root in forbidden_libraries:
                problems.append(f"{path.relative_to(SRC)} imports {name}")
    assert problems == []
