"""Fixtures of the browser tests: a demo-like database, ``newscms serve`` on it, headless Chromium.

The database is what ``newscms demo`` imports (the example documents), plus an Italian
translation of the sample page so the language switcher has somewhere to go. The
server is the real command in a subprocess on a free port of 127.0.0.1; the browser is
Debian's ``chromium`` driven through ``chromium-driver`` (Selenium). Without them the
tests are skipped with the reason shown; under ``CI=true`` that is a failure.

Screenshots go to a temporary directory, or to ``$NEWSCMS_SCREENSHOTS`` when set
(``NEWSCMS_SCREENSHOTS=docs/screenshots`` refreshes the ones in the docs).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from newscms import ArticleDraft, RelationDraft, Store
from newscms.services.demo import SAMPLE_PAGE
from newscms.services.importing import import_paths

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ITALIAN = "Pechino «non vuole aiutare Pyongyang nella corsa agli armamenti»"


def _missing(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (CI=true requires the browser tests)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding the example documents, as ``newscms demo`` builds it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'demo.db'}"
    store = Store(url)
    store.migrate()
    report = import_paths(store, [EXAMPLES], source_root=EXAMPLES)
    assert report.ok, report.failures
    with store.session() as uow:
        sample = uow.articles.find_by_source(SAMPLE_PAGE)
        assert sample is not None
        uow.articles.create(
            ArticleDraft(
                locale="it",
                headline=ITALIAN,
                summary="Una fonte del ministero dell'Interno sudcoreano parla ad AsiaNews.",
                body="<p>Il governo cinese «sta perdendo la pazienza con la Corea del Nord».</p>",
                byline=["Joseph Yun Li-sun"],
                dateline={"place": "Seul", "source": "AsiaNews"},
                status="published",
                published_at=datetime(2012, 6, 14, 10, 0, tzinfo=UTC),
                tags=[{"name": "COREA", "kind": "region"}],
                relations=[RelationDraft(kind="translation", target_id=sample.id)],
            )
        )
    store.dispose()
    return url


@pytest.fixture(scope="session")
def italian_headline() -> str:
    """The headline of the sample page's Italian translation in ``demo_url``."""
    return ITALIAN


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="session")
def server(demo_url: str) -> Iterator[str]:
    """``newscms serve`` on the demo database; yields its base URL."""
    port = _free_port()
    script = Path(sys.executable).with_name("newscms")
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from newscms.cli import main; main()"]
    )
    command += ["serve", "--db", demo_url, "--port", str(port)]
    command += ["--site-name", "AsiaNews", "--page-size", "2"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    try:
        while True:
            if process.poll() is not None:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"newscms serve exited with {process.returncode}: {output}")
            try:
                if httpx.get(f"{base}en/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("newscms serve did not answer within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium through chromedriver; skipped (failed in CI) when absent."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        _missing(
            "Chromium is not installed (/usr/bin/chromium, /usr/bin/chromedriver): "
            "apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1200,900",
        "--lang=en-US",
        "--hide-scrollbars",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="session")
def screenshot(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Any, str], Path]:
    """Save the browser's page as ``<name>.png`` in the screenshot directory."""
    wanted = os.environ.get("NEWSCMS_SCREENSHOTS")
    directory = Path(wanted) if wanted else tmp_path_factory.mktemp("screenshots")
    directory.mkdir(parents=True, exist_ok=True)

    def take(driver: Any, name: str) -> Path:
        path = directory / f"{name}.png"
        # The whole page, not only the window: grow the window to the page's height.
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1200, max(600, min(int(height), 4000)))
        try:
            assert driver.save_screenshot(str(path)), path
        finally:
            driver.set_window_size(1200, 900)
        return path

    return take
