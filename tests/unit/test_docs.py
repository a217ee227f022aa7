"""Every code example in the docs runs, and every shown output is what it prints.

In each Markdown file, ```python blocks are executed in order in one namespace, from a
temporary working directory (so ``sqlite:///news.db`` lands there); ```pycon blocks are
doctests run in the same namespace. A block whose first line is ``# not run: <why>`` is
skipped (configuration fragments for other tools).
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
README = DOCS.parent / "README.md"
FENCE = re.compile(r"^```(python|pycon)\s*\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)


def documents() -> list[Path]:
    return [*sorted(DOCS.rglob("*.md")), README]


@pytest.mark.parametrize("path", documents(), ids=lambda p: str(p.relative_to(DOCS.parent)))
def test_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for match in FENCE.finditer(path.read_text(encoding="utf-8")):
        kind, code = match.groups()
        line = path.read_text(encoding="utf-8")[: match.start()].count("\n") + 1
        if code.startswith("# not run:"):
            continue
        if kind == "python":
            exec(compile(code, f"{path.name}:{line}", "exec"), namespace)
        else:
            test = parser.get_doctest(code, namespace, path.name, str(path), line)
            result = runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # DocTest works on a copy; later blocks need its names
            assert result.failed == 0, f"{path.name}:{line}: doctest failed (see output above)"
