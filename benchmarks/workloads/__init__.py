"""Workload families: one module each, found by the harness through its ``FAMILY``."""
