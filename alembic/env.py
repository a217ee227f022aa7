"""Alembic environment for newscms: all the work is in ``newscms.store.migrations``."""

from alembic import context

from newscms.store.migrations import run_environment

run_environment(context)
