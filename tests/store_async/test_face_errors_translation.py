"""tests/store/test_errors_translation.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_errors_translation", globals())
