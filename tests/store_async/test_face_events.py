"""tests/store/test_events.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_events", globals())
