"""Results: the JSON written under ``benchmarks/results/`` and the tables printed from it.

The JSON holds everything needed to judge a figure later: options, machine (CPU, cores,
RAM, load averages, Python, SQLAlchemy and server versions, git commit), and per figure
both paths' statistics, the ratio, how many results were cross-checked, the target.
``render_text`` and ``render_markdown`` work from that JSON alone, so an old results
file can be printed again (``python -m benchmarks --show FILE``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from benchmarks.targets import target_for

if TYPE_CHECKING:
    from pathlib import Path

    from benchmarks.harness import Figure, Options

__all__ = ["figure_record", "render_markdown", "render_text", "result_record", "write"]

SCHEMA_VERSION = 1
HEADERS = ("workload", "unit", "newscms", "p95", "Core", "p95", "ratio", "target", "")


def figure_record(figure: Figure, backend: str) -> dict[str, Any]:
    """A figure as JSON, with its target and whether it is met on this backend."""
    target = target_for(figure.id)
    target_record = None
    if target is not None:
        applies = backend in target.backends
        target_record = {
            "text": target.text,
            "source": target.source,
            "backends": list(target.backends),
            "met": target.met(figure) if applies else None,
        }
    return {
        "id": figure.id,
        "title": figure.title,
        "measure": figure.measure,
        "unit": figure.unit,
        "newscms": figure.newscms.as_dict(),
        "core": figure.core.as_dict(),
        "ratio": figure.ratio,
        "checked": figure.checked,
        "details": figure.details,
        "target": target_record,
    }


def result_record(
    options: Options,
    figures: list[Figure],
    *,
    machine: dict[str, Any],
    started: datetime,
    finished: datetime,
    failure: str | None = None,
) -> dict[str, Any]:
    """The whole run as JSON (``failure`` says which family stopped an incomplete run)."""
    return {
        "schema": SCHEMA_VERSION,
        "failure": failure,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "duration_s": round((finished - started).total_seconds(), 1),
        "options": {
            "scale": options.scale,
            "backend": options.backend,
            "workloads": list(options.workloads),
            "repeat": options.repeat,
            "quick": options.quick,
            "seed": options.seed,
            "batch_size": options.batch_size,
            "isolated_ingest": options.isolate,
            "profiled": options.profile is not None,
        },
        "machine": machine,
        "figures": [figure_record(figure, options.backend) for figure in figures],
    }


def write(record: dict[str, Any], directory: Path) -> Path:
    """Write ``record`` as ``<UTC time>-<backend>-<scale>.json`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.fromisoformat(record["started_at"]).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    options = record["options"]
    path = directory / f"{stamp}-{options['backend']}-{options['scale']}.json"
    path.write_text(json.dumps(record, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _rows(record: dict[str, Any]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for figure in record["figures"]:
        ours, theirs, target = figure["newscms"], figure["core"], figure["target"]
        single = figure["measure"] == "memory"
        mark = ""
        if target is not None:
            mark = {True: "PASS", False: "MISS", None: "(sqlite)"}[target["met"]]
        rows.append(
            (
                figure["title"],
                figure["unit"],
                _number(ours["median"]),
                "" if single else _number(ours["p95"]),
                _number(theirs["median"]),
                "" if single else _number(theirs["p95"]),
                f"{figure['ratio']:.2f}x",
                target["text"] if target else "",
                mark,
            )
        )
    return rows


def _heading(record: dict[str, Any]) -> str:
    options, machine = record["options"], record["machine"]
    memory = machine.get("memory_bytes")
    ram = f", {memory / 2**30:.1f} GiB RAM" if memory else ""
    load = machine.get("load_average_start"), machine.get("load_average_end")
    loads = ""
    if all(load):
        loads = f"; load average {load[0][0]:.2f} at start, {load[1][0]:.2f} at end"
    quick = " (quick)" if options["quick"] else ""
    caveat = ""
    if record.get("failure"):
        caveat += f"\nINCOMPLETE RUN, stopped by {record['failure']}"
    if options.get("profiled"):
        caveat += "\nPROFILED RUN: timings and memory include the profiler's overhead; do not quote"
    return (
        f"newscms {machine['packages'].get('newscms', '?')} on {options['backend']} "
        f"({machine.get('server_version', '?')}), {options['scale']:,} articles, "
        f"seed {options['seed']}, repeat {options['repeat']}{quick}\n"
        f"{machine['cpu']}, {machine['cores']} cores{ram}; {machine['python']}, "
        f"SQLAlchemy {machine['packages'].get('SQLAlchemy', '?')}; "
        f"commit {(machine.get('git_commit') or 'unknown')[:12]}{loads}{caveat}"
    )


NOTES: dict[str, str] = {
    "sqlite3_floor_us": "the same 3 statements through bare sqlite3: {} µs",
    "newscms_overall_per_s": "newscms overall {} {unit}",
    "core_overall_per_s": "Core overall {} {unit}",
    "parse_only_per_s": "parsing alone {} {unit}",
    "newscms_statements_per_page": "newscms {} statements a page",
    "core_statements_per_page": "Core {}",
    "naive_group_by_median_ms": "the plain GROUP BY query: {} ms",
    "newscms_start_mb": "newscms child at start {} MB",
    "core_start_mb": "Core child at start {} MB",
    "page": "page {}",
    "vs_page1_newscms": "newscms {}x its page 1",
    "vs_page1_core": "Core {}x its page 1",
}
"""Details worth a line under the table, and how to say them."""


def _notes(record: dict[str, Any]) -> list[str]:
    notes = []
    for figure in record["figures"]:
        said = [
            template.format(figure["details"][key], unit=figure["unit"])
            for key, template in NOTES.items()
            if key in figure["details"] and not (key == "page" and figure["details"][key] == 1)
        ]
        if said:
            notes.append(f"  {figure['id']}: " + "; ".join(said))
    return notes


def render_text(record: dict[str, Any]) -> str:
    """The results as an aligned plain-text table with a heading, notes and a legend."""
    rows = [HEADERS, *_rows(record)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    left = {0, 1, 7, 8}
    lines = [_heading(record), ""]
    for number, row in enumerate(rows):
        cells = [
            cell.ljust(widths[i]) if i in left else cell.rjust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines += ["", "notes:", *_notes(record), "", LEGEND]
    return "\n".join(lines)


def render_markdown(record: dict[str, Any]) -> str:
    """The results as a Markdown table (for docs/performance.md)."""
    heading = _heading(record).replace("\n", "  \n")
    lines = [heading, "", "| " + " | ".join(HEADERS) + " |"]
    lines.append("|" + "|".join(["---", "---", *["---:"] * 5, "---", "---"]) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in _rows(record)]
    return "\n".join(lines)


LEGEND = (
    "newscms and Core columns are medians; p95 is the value 95% of samples do at least as\n"
    "well as (rates: the rate at the 95th-percentile duration). ratio = newscms / Core\n"
    "(latencies and memory: lower is better; rates: higher is better). Targets are for\n"
    "SQLite (#7, #5, #3 at 100,000 articles; #4 at 1,000,000); they are judged at any\n"
    "scale, so a small run only hints. (sqlite) marks a target not judged on this backend."
)
