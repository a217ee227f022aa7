"""tests/store/test_tags.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_tags", globals())
