"""newscms in a Django project: the Store from ``DATABASES``, migrations, views, the CLI.

Add ``"newscms.integrations.django"`` to ``INSTALLED_APPS``; ``get_store()`` is the
project's ``Store`` on the database ``NEWSCMS_DATABASE`` names (default ``"default"``),
following Django's test database. ``manage.py migrate`` migrates newscms's tables too,
``manage.py newscms ...`` runs the newscms CLI, ``include("newscms.integrations.django.urls")``
mounts the read API. newscms has its own connection pool: its writes are not part of
Django's ``transaction.atomic()`` (see docs/django.md).
"""

from newscms.integrations.django._store import close_stores as close_stores
from newscms.integrations.django._store import database_alias as database_alias
from newscms.integrations.django._store import database_url as database_url
from newscms.integrations.django._store import get_store as get_store

__all__ = ["close_stores", "database_alias", "database_url", "get_store"]
