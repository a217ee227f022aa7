"""One benchmark run: a throwaway database, the data loaded, every chosen family measured."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from benchmarks.databases import analyze, server_version, throwaway_database
from benchmarks.generator import NOW
from benchmarks.harness import Bench, BenchmarkError, families
from benchmarks.machine import load_average, machine_info
from benchmarks.report import result_record, write
from benchmarks.workloads.ingest import CORE_PREFIX
from newscms.store import Store, build_tables

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from benchmarks.harness import Family, Figure, Options

__all__ = ["choose", "run"]

ALWAYS = "ingest"
"""The family that loads the data; every run includes it."""


def choose(names: tuple[str, ...]) -> list[Family]:
    """The families named (all of them when none is), plus the loading one, in run order."""
    known = families()
    by_name = {family.name: family for family in known}
    unknown = sorted(set(names) - by_name.keys())
    if unknown:
        raise BenchmarkError(
            f"unknown workload {', '.join(unknown)}; choose from {', '.join(by_name)}"
        )
    wanted = set(names) | {ALWAYS} if names else set(by_name)
    return [family for family in known if family.name in wanted]


def run(options: Options, *, echo: Callable[[str], None] = print) -> tuple[dict[str, Any], Path]:
    """Run the benchmark ``options`` describe; returns the results and the JSON file written.

    The JSON is rewritten after every family, so an hour of ingest survives a later
    failure; a failed run's file says which family failed and why.
    """
    chosen = choose(options.workloads)
    started = datetime.now(UTC)
    machine = machine_info()
    machine["load_average_start"] = load_average()
    figures: list[Figure] = []
    failure: str | None = None

    def save() -> tuple[dict[str, Any], Path]:
        machine["load_average_end"] = load_average()
        record = result_record(
            options,
            figures,
            machine=machine,
            started=started,
            finished=datetime.now(UTC),
            failure=failure,
        )
        return record, write(record, options.output)

    with throwaway_database(options.backend, keep=options.keep) as url:
        store = Store(url, clock=lambda: NOW)
        try:
            store.migrate()
            Store(store.engine, prefix=CORE_PREFIX, clock=lambda: NOW).migrate()
            # Check the schema once, now: a migration added to the working tree during a
            # long run must not stop the run half-way.
            with store.session(readonly=True):
                pass
            machine["server_version"] = server_version(store.engine)
            core_tables = build_tables(CORE_PREFIX)
            bench = Bench(options, url, store, core_tables, NOW)
            for family in chosen:
                echo(f"{family.name}: {family.description} ...")
                begin = datetime.now(UTC)
                try:
                    figures += family.run(bench)
                    if family.name == ALWAYS:
                        tables = [*store.tables.metadata.tables, *core_tables.metadata.tables]
                        analyze(store.engine, tables)
                except Exception as error:
                    failure = f"{family.name}: {type(error).__name__}: {error}"
                    save()
                    raise
                save()
                echo(f"{family.name}: done in {(datetime.now(UTC) - begin).total_seconds():.1f} s")
        finally:
            store.dispose()
        if options.keep:
            echo(f"kept the database: {url}")
    return save()
