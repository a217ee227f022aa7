"""Management commands of the newscms Django app."""
