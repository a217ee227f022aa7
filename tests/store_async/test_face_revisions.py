"""tests/store/test_revisions.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_revisions", globals())
