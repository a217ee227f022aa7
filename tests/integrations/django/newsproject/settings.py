"""Settings of the example project; the database comes from the environment.

``NEWSPROJECT_DB`` picks the backend (``sqlite`` with Django's in-memory test
database, ``sqlite-file`` with a file test database, ``postgresql``, ``mariadb``);
``NEWSPROJECT_DB_NAME`` names the database (a file for SQLite), ``NEWSPROJECT_DB_URL``
the server. ``NEWSPROJECT_RUNNER=plain`` uses Django's own runner.
"""

import os
from urllib.parse import urlsplit

from newscms.formats import Site

_BACKEND = os.environ.get("NEWSPROJECT_DB", "sqlite")
_NAME = os.environ.get("NEWSPROJECT_DB_NAME", "newsproject.sqlite3")
_SERVER = urlsplit(os.environ.get("NEWSPROJECT_DB_URL", ""))


def _server(engine):
    return {
        "ENGINE": engine,
        "NAME": _NAME,
        "USER": _SERVER.username or "",
        "PASSWORD": _SERVER.password or "",
        "HOST": _SERVER.hostname or "",
        "PORT": str(_SERVER.port or ""),
    }


if _BACKEND in ("sqlite", "sqlite-file"):
    _DATABASE = {"ENGINE": "django.db.backends.sqlite3", "NAME": _NAME}
    if _BACKEND == "sqlite-file":
        _DATABASE["TEST"] = {
            "NAME": os.path.join(os.path.dirname(_NAME), f"test_{os.path.basename(_NAME)}")
        }
elif _BACKEND == "postgresql":
    _DATABASE = _server("django.db.backends.postgresql")
else:  # Django's MySQL backend needs MySQLdb; PyMySQL stands in for mysqlclient here
    import pymysql

    pymysql.install_as_MySQLdb()
    _DATABASE = {**_server("django.db.backends.mysql"), "OPTIONS": {"charset": "utf8mb4"}}

SECRET_KEY = "not-secret: tests only"
DEBUG = False
ALLOWED_HOSTS = ["testserver", "news.example"]
USE_TZ = True
ROOT_URLCONF = "newsproject.urls"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {"default": _DATABASE}
if os.environ.get("NEWSPROJECT_RUNNER") != "plain":
    TEST_RUNNER = "newscms.integrations.django.testing.NewsCMSTestRunner"

# -- the newscms part, as docs/django.md shows it -------------------------------------
INSTALLED_APPS = ["django.contrib.contenttypes", "newscms.integrations.django"]
MIDDLEWARE = ["newscms.integrations.django.middleware.ProblemMiddleware"]
NEWSCMS_SITE = Site(
    name="Example News",
    base_url="https://news.example/",
    article_url="https://news.example/news/articles/{locale}/{slug}",
)
