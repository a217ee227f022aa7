"""newscms.integrations."""
