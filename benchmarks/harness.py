"""What every workload shares: options, samples and their statistics, figures, the duel.

A workload *family* is one module in ``benchmarks/workloads/`` with a ``FAMILY``
attribute; the harness finds it by itself, so adding a workload is adding that module
(and its baseline in ``benchmarks/core.py``, its target in ``benchmarks/targets.py``).

Every figure compares two paths on the same database in the same run: newscms's public
API and the hand-written Core baseline. ``duel`` times them key by key, alternating
which goes first so that neither always runs on a warmer cache or a quieter machine,
and checks a sample of their results against each other outside the timed region.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
import random
import resource
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from datetime import datetime

    from sqlalchemy import Engine

    from newscms.store import Store, Tables

__all__ = [
    "BACKENDS",
    "Bench",
    "BenchmarkError",
    "Family",
    "Figure",
    "Options",
    "Samples",
    "Stats",
    "duel",
    "families",
    "peak_rss_mb",
]

K = TypeVar("K")
A = TypeVar("A")
B = TypeVar("B")

BACKENDS = ("sqlite", "postgresql", "mariadb")
RESULTS_DIR = Path(__file__).resolve().parent / "results"

Measure = Literal["latency", "rate", "memory"]


class BenchmarkError(Exception):
    """The benchmark cannot run, or the two paths disagree (a baseline must never cheat)."""


@dataclass(frozen=True, slots=True)
class Options:
    """What to run and how hard (see ``python -m benchmarks --help``)."""

    scale: int = 100_000
    backend: str = "sqlite"
    workloads: tuple[str, ...] = ()
    repeat: int = 3
    quick: bool = False
    seed: int = 7
    batch_size: int = 1000
    output: Path = RESULTS_DIR
    keep: bool = False
    profile: Path | None = None
    isolate: bool = True
    """Ingest each path in a child process (its own peak RSS); off only for quick checks."""
    operations: int = 300
    """Timed operations per figure and round (per path)."""
    warmup: int = 30
    """Untimed operations per path before each round's timing starts."""
    checks: int = 50
    """Results per figure and round compared between newscms and the baseline."""


RSS_METHOD = (
    "VmHWM of /proc/self/status, read by the process itself at its end "
    "(resource.getrusage(RUSAGE_SELF).ru_maxrss where there is no /proc)"
)
"""How ``peak_rss_mb`` measures, for the figures' details."""


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (2**20 bytes).

    ``VmHWM`` (Linux) belongs to the process's own address space. ``ru_maxrss`` is the
    fallback elsewhere; on Linux it is avoided because it can carry memory inherited
    from the parent at fork/exec, so a child started by a big harness would report
    the harness's size rather than its own.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 2**10  # KiB
    except (OSError, ValueError):
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes vs KiB


class Samples(list[float]):
    """Durations in seconds, one per unit of work (an operation, or an article of a batch)."""


@dataclass(frozen=True, slots=True)
class Stats:
    """Summary of samples in the figure's display unit."""

    median: float
    p95: float
    mean: float
    best: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """The statistics for the JSON results."""
        return {
            "median": self.median,
            "p95": self.p95,
            "mean": self.mean,
            "best": self.best,
            "n": self.n,
        }


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (no interpolation between samples)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


UNITS: dict[str, float] = {"s": 1.0, "ms": 1e3, "µs": 1e6}


def summarize(samples: Sequence[float], measure: Measure, unit: str) -> Stats:
    """Turn samples into display figures.

    Latencies are shown in ``unit``. Rates are units of work per second: the median
    rate is 1 / median duration and "p95" is the rate at the 95th-percentile duration,
    the slow tail, so for both kinds p95 is the figure 95% of samples do at least as
    well as. Memory is a single measured value.
    """
    if not samples:
        raise BenchmarkError("a figure without samples")
    med, p95 = statistics.median(samples), percentile(samples, 0.95)
    mean, best = statistics.fmean(samples), min(samples)
    if measure == "latency":
        scale = UNITS[unit]
        return Stats(med * scale, p95 * scale, mean * scale, best * scale, len(samples))
    if measure == "rate":
        return Stats(1 / med, 1 / p95, 1 / mean, 1 / best, len(samples))
    return Stats(med, p95, mean, best, len(samples))


@dataclass(slots=True)
class Figure:
    """One line of the results: a workload measured on both paths."""

    id: str
    title: str
    measure: Measure
    unit: str
    newscms: Stats
    core: Stats
    checked: int
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        """newscms / Core on the medians (for rates, above 1 means newscms is faster)."""
        return self.newscms.median / self.core.median if self.core.median else math.inf

    @classmethod
    def from_samples(
        cls,
        id: str,
        title: str,
        measure: Measure,
        unit: str,
        *,
        newscms: Sequence[float],
        core: Sequence[float],
        checked: int,
        **details: Any,
    ) -> Figure:
        """A figure from both paths' raw samples."""
        return cls(
            id=id,
            title=title,
            measure=measure,
            unit=unit,
            newscms=summarize(newscms, measure, unit),
            core=summarize(core, measure, unit),
            checked=checked,
            details=details,
        )


@dataclass
class Bench:
    """Everything a workload needs: the options, the loaded database, both table sets."""

    options: Options
    url: str
    store: Store
    core_tables: Tables
    now: datetime
    server_version: str = ""

    @property
    def engine(self) -> Engine:
        """The engine both paths use (same pool, same connection settings)."""
        return self.store.engine

    @property
    def tables(self) -> Tables:
        """The tables newscms wrote; read workloads run both paths on these."""
        return self.store.tables

    def rng(self, name: str) -> random.Random:
        """A random source of its own for each workload, so adding one changes no other."""
        return random.Random(f"{self.options.seed}:{name}")

    @contextmanager
    def profiling(self, name: str) -> Iterator[None]:
        """Profile the block with pyinstrument into ``--profile DIR/name.txt`` (if asked)."""
        if self.options.profile is None:
            yield
            return
        with profiler(self.options.profile / f"{name}.txt"):
            yield


@contextmanager
def profiler(path: Path) -> Iterator[None]:
    """Run the block under pyinstrument and write its call tree to ``path``."""
    try:
        from pyinstrument import Profiler
    except ModuleNotFoundError:
        raise BenchmarkError(
            "--profile needs pyinstrument: .venv/bin/pip install pyinstrument"
        ) from None
    path.parent.mkdir(parents=True, exist_ok=True)
    session = Profiler(interval=0.0002)
    session.start()
    try:
        yield
    finally:
        session.stop()
        path.write_text(session.output_text(unicode=True, show_all=False), encoding="utf-8")


def duel(
    keys: Sequence[K],
    newscms: Callable[[K], A],
    core: Callable[[K], B],
    same: Callable[[K, A, B], None],
    *,
    newscms_samples: Samples,
    core_samples: Samples,
    checks: int,
    warmup: Sequence[K] = (),
) -> int:
    """Time both paths on every key, alternating which runs first; returns results checked.

    ``same`` raises ``BenchmarkError`` when the two results differ; it runs on the first
    ``checks`` keys, outside the timed region.
    """
    clock = time.perf_counter
    for key in warmup:
        newscms(key)
        core(key)
    checked = 0
    for index, key in enumerate(keys):
        if index % 2:
            start = clock()
            b = core(key)
            middle = clock()
            a = newscms(key)
            end = clock()
            core_samples.append(middle - start)
            newscms_samples.append(end - middle)
        else:
            start = clock()
            a = newscms(key)
            middle = clock()
            b = core(key)
            end = clock()
            newscms_samples.append(middle - start)
            core_samples.append(end - middle)
        if checked < checks:
            same(key, a, b)
            checked += 1
    return checked


def expect_equal(what: str, newscms: object, core: object) -> None:
    """Raise ``BenchmarkError`` naming ``what`` when the two paths' values differ."""
    if newscms != core:
        raise BenchmarkError(
            f"newscms and the Core baseline disagree on {what}:\n"
            f"  newscms: {newscms!r}\n  core:    {core!r}"
        )


class Family(Protocol):
    """A family of workloads: a name, a place in the run order, and what it measures."""

    name: str
    order: int
    description: str

    def run(self, bench: Bench) -> list[Figure]:
        """Measure the family's workloads on both paths."""
        ...


@dataclass(frozen=True, slots=True)
class WorkloadFamily:
    """The usual way to declare a family: its fields and a ``run`` function."""

    name: str
    order: int
    description: str
    runner: Callable[[Bench], list[Figure]]

    def run(self, bench: Bench) -> list[Figure]:
        """Measure the family's workloads on both paths."""
        return self.runner(bench)


def families() -> list[Family]:
    """Every family in ``benchmarks.workloads``, in run order (loading first, writes last)."""
    from benchmarks import workloads

    found: list[Family] = []
    for module in pkgutil.iter_modules(workloads.__path__):
        loaded = importlib.import_module(f"{workloads.__name__}.{module.name}")
        family = getattr(loaded, "FAMILY", None)
        if family is not None:
            found.append(family)
    return sorted(found, key=lambda family: (family.order, family.name))
