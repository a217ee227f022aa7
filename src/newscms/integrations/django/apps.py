"""The Django app: add ``"newscms.integrations.django"`` to ``INSTALLED_APPS``."""

from __future__ import annotations

from django.apps import AppConfig  # type: ignore[import-untyped]
from django.db.models.signals import post_migrate  # type: ignore[import-untyped]

__all__ = ["NewsCMSConfig"]


class NewsCMSConfig(AppConfig):  # type: ignore[misc]
    """Connects newscms's migrations to ``post_migrate``; owns no Django model."""

    name = "newscms.integrations.django"
    label = "newscms"
    verbose_name = "newscms"

    def ready(self) -> None:
        """Run newscms migrations whenever Django migrates the database newscms uses."""
        from newscms.integrations.django.signals import migrate_newscms

        post_migrate.connect(migrate_newscms, sender=self, dispatch_uid="newscms.migrate")
