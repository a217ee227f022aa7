"""tests/store/test_workflow.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_workflow", globals())
