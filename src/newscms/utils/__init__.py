"""newscms.utils."""
