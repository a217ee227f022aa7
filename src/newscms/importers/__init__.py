"""newscms.importers."""
