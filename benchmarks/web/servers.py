"""Servers under test: one uvicorn process per app, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from typing import TYPE_CHECKING

from benchmarks.harness import BenchmarkError

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["free_port", "serving"]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(app: str, *, database_url: str, ready_path: str) -> Iterator[str]:
    """Run ``uvicorn --factory app`` (one worker) and yield its base URL until the block ends.

    The app factories read the database URL from ``NEWSCMS_BENCH_WEB_DB``. Access logs
    are off: they would cost more than some of the requests they log.
    """
    port = free_port()
    env = {**os.environ, "NEWSCMS_BENCH_WEB_DB": database_url}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(process, base + ready_path)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchmarkError(f"the server exited with {process.returncode} before it served")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise BenchmarkError(f"the server did not answer {url} within 30 s")
