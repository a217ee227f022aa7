"""``python -m benchmarks`` (``make bench``): newscms against hand-written SQLAlchemy Core."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.harness import BACKENDS, RESULTS_DIR, BenchmarkError, Options, families
from benchmarks.report import render_markdown, render_text

QUICK_SCALE = 2_000
QUICK_OPERATIONS = (40, 5, 10)
"""Timed operations, warm-up operations and checked results per figure with --quick."""


def parser() -> argparse.ArgumentParser:
    """The command line."""
    names = ", ".join(family.name for family in families())
    result = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=(
            "Measure newscms's public API against hand-written SQLAlchemy Core on the same "
            "throwaway database, and write the results as JSON."
        ),
        epilog=(
            "PostgreSQL and MariaDB servers come from NEWSCMS_BENCH_POSTGRES_URL and "
            "NEWSCMS_BENCH_MARIADB_URL; the user must be allowed to create databases."
        ),
    )
    result.add_argument(
        "--scale", type=int, help="articles to generate (default 100000; 2000 with --quick)"
    )
    result.add_argument("--backend", choices=BACKENDS, default="sqlite")
    result.add_argument(
        "--workloads", default="", help=f"comma-separated families: {names} (default: all)"
    )
    result.add_argument("--repeat", type=int, help="rounds per figure (default 3; 1 with --quick)")
    result.add_argument(
        "--quick", action="store_true", help="fewer samples and a small default scale"
    )
    result.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    result.add_argument("--batch-size", type=int, default=1000, help="articles per ingest batch")
    result.add_argument(
        "--output", type=Path, default=RESULTS_DIR, help="directory for the JSON results"
    )
    result.add_argument(
        "--in-process",
        action="store_true",
        help="ingest in this process (faster start; peak RSS is then the whole harness's)",
    )
    result.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    result.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="write pyinstrument profiles of the newscms paths to DIR",
    )
    result.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    result.add_argument(
        "--show", type=Path, metavar="FILE", help="print an earlier results file and exit"
    )
    return result


def options_from(args: argparse.Namespace) -> Options:
    """Options from parsed arguments, with --quick's defaults applied."""
    scale = args.scale if args.scale is not None else (QUICK_SCALE if args.quick else 100_000)
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 3)
    if scale < 1 or repeat < 1 or args.batch_size < 1:
        raise BenchmarkError("--scale, --repeat and --batch-size must be positive")
    workloads = tuple(name.strip() for name in args.workloads.split(",") if name.strip())
    quick = dict(zip(("operations", "warmup", "checks"), QUICK_OPERATIONS, strict=True))
    return Options(
        scale=scale,
        backend=args.backend,
        workloads=workloads,
        repeat=repeat,
        quick=args.quick,
        seed=args.seed,
        batch_size=args.batch_size,
        output=args.output,
        keep=args.keep,
        profile=args.profile,
        isolate=not args.in_process,
        **(quick if args.quick else {}),
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks (or show a results file); returns the exit status."""
    args = parser().parse_args(argv)
    try:
        if args.show is not None:
            record = json.loads(args.show.read_text(encoding="utf-8"))
        else:
            from benchmarks.runner import run

            record, path = run(options_from(args), echo=lambda line: print(line, file=sys.stderr))
            print(f"results: {path}", file=sys.stderr)
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 2
    print(render_text(record))
    if args.markdown:
        print()
        print(render_markdown(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
