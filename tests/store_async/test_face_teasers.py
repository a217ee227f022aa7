"""tests/store/test_teasers.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_teasers", globals())
