"""tests/store/test_articles.py, run through the async face (AsyncStore)."""

from _faces import rerun

rerun("test_articles", globals())
