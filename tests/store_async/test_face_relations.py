"""tests/store/test_relations.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_relations", globals())
