"""newscms benchmarks: newscms's public API against hand-written SQLAlchemy Core.

Run ``python -m benchmarks --help`` (or ``make bench``); docs/performance.md has the
figures, the schema decisions behind them and how to reproduce them.
"""
