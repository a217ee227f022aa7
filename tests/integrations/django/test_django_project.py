"""The example project under Django's own test runner, on SQLite, PostgreSQL and MariaDB.

Each run creates Django's test database, which must give newscms its tables
(``post_migrate``), serve the read views from it, and be dropped at the end with no
"being accessed by other users" (``NewsCMSTestRunner`` closes newscms's pool first).
"""

from __future__ import annotations

import json
import uuid

import pytest

from newscms.store import Store

# Everything but the atomic-block test, which waits out SQLite's 30 s busy timeout on a file.
FILE_LABELS = (
    "newsproject.tests.StoreTests",
    "newsproject.tests.ReadViewTests",
    "newsproject.tests.ManagementCommandTests",
)


def _passed(result):
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "\nOK" in result.stderr, output
    return output


def test_sqlite_in_memory_test_database_leaves_no_file(tmp_path, project):
    result = project("test", "newsproject.tests", cwd=tmp_path, env={"NEWSPROJECT_DB": "sqlite"})
    assert "Ran 12 tests" in _passed(result)
    # No "file:memorydb_default?mode=memory&cache=shared" file, no main database either.
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_sqlite_file_test_database(tmp_path, project):
    name = tmp_path / "site.sqlite3"
    env = {"NEWSPROJECT_DB": "sqlite-file", "NEWSPROJECT_DB_NAME": str(name)}
    result = project("test", *FILE_LABELS, cwd=tmp_path, env=env)
    _passed(result)
    assert not name.exists()  # the tests ran on test_site.sqlite3, then Django removed it
    assert not (tmp_path / "test_site.sqlite3").exists()


@pytest.mark.parametrize("backend", ["postgresql", "mariadb"])
def test_server_test_database_is_created_and_dropped(backend, server_for, tmp_path, project):
    server = server_for(backend)
    name = f"newscms_dj_{uuid.uuid4().hex[:10]}"
    server.created.append(f"test_{name}")  # dropped at the end if a run left it behind
    env = {"NEWSPROJECT_DB": backend, "NEWSPROJECT_DB_NAME": name}
    env["NEWSPROJECT_DB_URL"] = server.admin_url.replace("+psycopg", "").replace("+pymysql", "")
    output = _passed(project("test", "newsproject.tests", "--noinput", cwd=tmp_path, env=env))
    assert "Ran 12 tests" in output
    assert "being accessed by other users" not in output


def test_without_newscms_runner_postgresql_cannot_drop_the_test_database(
    server_for, tmp_path, project
):
    server = server_for("postgresql")
    name = f"newscms_dj_{uuid.uuid4().hex[:10]}"
    server.created.append(f"test_{name}")
    env = {
        "NEWSPROJECT_DB": "postgresql",
        "NEWSPROJECT_DB_NAME": name,
        "NEWSPROJECT_DB_URL": server.admin_url.replace("+psycopg", ""),
        "NEWSPROJECT_RUNNER": "plain",
    }
    result = project("test", "newsproject.tests.StoreTests", "--noinput", cwd=tmp_path, env=env)
    assert "being accessed by other users" in result.stderr, result.stderr


def test_migrate_and_management_command(tmp_path, project):
    database = tmp_path / "site.sqlite3"
    env = {"NEWSPROJECT_DB": "sqlite-file", "NEWSPROJECT_DB_NAME": str(database)}
    migrated = project("migrate", "-v", "2", cwd=tmp_path, env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert "Migrating newscms tables" in migrated.stdout
    store = Store(f"sqlite:///{database}")
    status = store.schema_status()
    store.dispose()
    assert status.current == status.head

    listed = project("newscms", "article", "list", "--json", cwd=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["items"] == []
