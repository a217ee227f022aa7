"""The built wheel carries its migrations: a fresh install can create its tables alone."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from the source tree (offline: the dev venv has hatchling)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("newscms-*.whl")
    return built


def test_wheel_ships_the_migrations(wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(wheel).namelist()
    assert "newscms/alembic/env.py" in names
    assert "newscms/alembic/versions/0001_initial.py" in names
    assert "newscms/py.typed" in names


def test_fresh_install_migrates_a_new_database(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # Dependencies come from this test run's environment (offline), but newscms itself
    # only from the wheel: a plain path entry does not run the dev install's .pth hooks.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "newscms_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    script = (
        "import newscms, pathlib\n"
        "from newscms.store import Store\n"
        "from newscms.store.migrations import script_location\n"
        "assert 'site-packages' in newscms.__file__, newscms.__file__\n"
        "assert script_location().is_relative_to(pathlib.Path(newscms.__file__).parent)\n"
        "store = Store('sqlite:///fresh.db')\n"
        "store.migrate()\n"
        "print(store.schema_status().up_to_date)\n"
    )
    result = subprocess.run(
        [str(python), "-c", script], cwd=work, check=True, capture_output=True, text=True
    )
    assert result.stdout.strip() == "True"
    cli = subprocess.run(
        [str(env_dir / "bin" / "newscms"), "--db", "sqlite:///fresh.db", "migrate", "--check"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    )
    assert cli.returncode == 0, cli.stderr
