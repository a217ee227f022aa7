"""What the figures were measured on: CPU, cores, memory, load, software versions, commit.

The commit is read from ``.git`` files directly (the benchmark runs no git command);
the load average at start and end says how shared the machine was during the run.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["git_commit", "load_average", "machine_info"]

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("newscms", "SQLAlchemy", "pydantic", "pydantic-core", "nh3", "psycopg", "PyMySQL")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def git_commit(root: Path = ROOT) -> str | None:
    """The checked-out commit, read from ``.git`` (``None`` outside a git checkout)."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head
        ref = head.removeprefix("ref: ")
        loose = git / ref
        if loose.is_file():
            return loose.read_text(encoding="utf-8").strip()
        for line in (git / "packed-refs").read_text(encoding="utf-8").splitlines():
            if line.endswith(f" {ref}"):
                return line.split(" ", 1)[0]
    except OSError:
        pass
    return None


def load_average() -> tuple[float, float, float] | None:
    """The 1, 5 and 15-minute load averages (``None`` where the OS has none)."""
    try:
        return os.getloadavg()
    except OSError:
        return None


def _versions() -> dict[str, str]:
    found = {}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    found["sqlite3 library"] = sqlite3.sqlite_version
    return found


def machine_info() -> dict[str, Any]:
    """The machine and software the run happens on."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_executable": sys.executable,
        "packages": _versions(),
        "git_commit": git_commit(),
    }
