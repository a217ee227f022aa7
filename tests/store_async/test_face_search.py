"""tests/store/test_search.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_search", globals())
