"""Test support: close newscms's pool before Django drops the test database.

PostgreSQL refuses ``DROP DATABASE`` while another session is connected, and
newscms's own pool keeps connections to the test database open. Use
``TEST_RUNNER = "newscms.integrations.django.testing.NewsCMSTestRunner"``, or call
``close_stores()`` before your runner's database teardown.
"""

from __future__ import annotations

from typing import Any

from django.test.runner import DiscoverRunner  # type: ignore[import-untyped]

from newscms.integrations.django._store import close_stores

__all__ = ["NewsCMSTestRunner", "close_stores"]


class NewsCMSTestRunner(DiscoverRunner):  # type: ignore[misc]
    """Django's ``DiscoverRunner`` that disposes of newscms's pools around the test databases."""

    def setup_databases(self, **kwargs: Any) -> Any:
        """Forget stores on the real databases, then let Django create the test ones."""
        close_stores()
        return super().setup_databases(**kwargs)

    def teardown_databases(self, old_config: Any, **kwargs: Any) -> None:
        """Close newscms's connections first, so the test databases can be dropped."""
        close_stores()
        super().teardown_databases(old_config, **kwargs)
