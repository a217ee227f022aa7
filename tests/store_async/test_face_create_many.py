"""tests/store/test_create_many.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_create_many", globals())
