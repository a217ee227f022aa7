"""Signal receivers: ``manage.py migrate`` (and the test database's creation) migrate newscms."""

from __future__ import annotations

from typing import Any

from django.conf import settings  # type: ignore[import-untyped]

from newscms.integrations.django._store import database_alias, get_store

__all__ = ["migrate_newscms"]


def migrate_newscms(*, using: str, verbosity: int = 1, **_: Any) -> None:
    """Upgrade newscms's tables after Django migrated the database newscms uses.

    Connected to ``post_migrate`` for this app only, so it runs once per ``migrate``;
    ``NEWSCMS_MIGRATE = False`` turns it off (deploys that run ``newscms migrate``).
    """
    if not getattr(settings, "NEWSCMS_MIGRATE", True) or using != database_alias():
        return
    store = get_store(using)
    if verbosity >= 2:
        print(f"  Migrating newscms tables on {store!r}")
    store.migrate()
