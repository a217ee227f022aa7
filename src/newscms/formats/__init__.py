"""newscms.formats."""
