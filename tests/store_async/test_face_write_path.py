"""tests/store/test_write_path.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_write_path", globals())
