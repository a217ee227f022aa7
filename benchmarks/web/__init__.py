"""``python -m benchmarks.web``: newscms's read router under a real server and load.

See ``__main__`` for the run and docs/performance.md for what the figures mean.
"""
