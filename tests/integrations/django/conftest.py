"""Fixtures of the Django adapter tests: the example project run by Django's own runner.

``run_project`` runs ``python -m django ...`` for the project in ``newsproject/`` in a
subprocess (Django's settings are per process), with warnings as errors like the rest
of the suite. The in-process tests of ``test_django_settings.py`` configure Django
once with several aliases.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

HERE = Path(__file__).resolve().parent

# Aliases the in-process tests map to newscms URLs (nothing connects to the servers).
SETTINGS_DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/site/db.sqlite3"},
    "memory": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
    "memtest": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": "file:memorydb_memtest?mode=memory&cache=shared",
    },
    "pg": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "news",
        "USER": "editor",
        "PASSWORD": "p@ss:/word",
        "HOST": "db.internal",
        "PORT": "6432",
        "OPTIONS": {"sslmode": "require", "isolation_level": 2, "connect_timeout": 5},
    },
    "pgsocket": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "news",
        "HOST": "/var/run/postgresql",
    },
    "mysql": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "news",
        "USER": "root",
        "HOST": "127.0.0.1",
        "PORT": 3306,
        "OPTIONS": {"charset": "utf8mb4", "ssl": {"ca": "/etc/ca.pem"}, "read_timeout": 10},
    },
    "mysqlbad": {
        "ENGINE": "django.db.backends.mysql",
        "NAME": "news",
        "OPTIONS": {"conv": {1: int}},
    },
    "dummy": {"ENGINE": "django.db.backends.dummy"},
}

if not settings.configured:
    # Django's MySQL backend loads MySQLdb (mysqlclient, not installed here): PyMySQL stands in.
    import pymysql

    pymysql.install_as_MySQLdb()
    settings.configure(DATABASES=SETTINGS_DATABASES, INSTALLED_APPS=[], USE_TZ=True)


def run_project(
    *args: str, cwd: Path, env: dict[str, str], timeout: float = 90, python: str = sys.executable
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m django *args`` for the example project; output is kept for asserts."""
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "newsproject.settings",
        **env,
    }
    return subprocess.run(
        [python, "-W", "error", "-m", "django", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def project():
    """``run_project`` for the tests."""
    return run_project
