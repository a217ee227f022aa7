"""The load generator: wrk on 127.0.0.1, cycling through a list of paths.

wrk (Debian's package) is a C load generator: it costs the machine little beside the
server under test, where a Python client would be the bottleneck on two cores. Each
connection walks the path list from its own offset, so every request is a different
article or tag page and no response is served from one warm row.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import BenchmarkError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["LoadResult", "require_wrk", "run_wrk"]

_SCRIPT = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
local threads = {}

setup = function(thread)
  thread:set("offset", #threads * 7919)
  threads[#threads + 1] = thread
end

request = function()
  counter = counter + 1
  local path = paths[((offset + counter) %% #paths) + 1]
  return wrk.format("GET", path)
end

done = function(summary, latency, requests)
  io.write(string.format("NEWSCMS requests=%%d errors=%%d status=%%d\\n",
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout,
    summary.errors.status))
  for _, p in pairs({50, 90, 99}) do
    io.write(string.format("NEWSCMS p%%d=%%d\\n", p, latency:percentile(p)))
  end
end
"""

_FIELDS = re.compile(r"NEWSCMS (\w+)=(\d+)(?: errors=(\d+) status=(\d+))?")
_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")


@dataclass(frozen=True)
class LoadResult:
    """One wrk run: throughput, latency percentiles (ms) and failures."""

    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    requests: int
    failures: int


def require_wrk() -> str:
    """The wrk executable, or a clear error saying how to install it."""
    found = shutil.which("wrk")
    if found is None:
        raise BenchmarkError("wrk is not installed; install it with: apt-get install wrk")
    return found


def run_wrk(
    base_url: str,
    paths: Sequence[str],
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
) -> LoadResult:
    """Load ``base_url`` for ``seconds`` with ``connections`` keep-alive connections."""
    wrk = require_wrk()
    with tempfile.TemporaryDirectory(prefix="newscms-wrk-") as scratch:
        listing = Path(scratch) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        script = Path(scratch) / "paths.lua"
        script.write_text(_SCRIPT % {"paths": listing}, encoding="utf-8")
        command = [
            wrk,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            base_url,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchmarkError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    values: dict[str, int] = {}
    failures = 0
    for match in _FIELDS.finditer(done.stdout):
        name, value, errors, status = match.groups()
        values[name] = int(value)
        if errors is not None:
            failures = int(errors) + int(status)
    rate = _RATE.search(done.stdout)
    if rate is None or "requests" not in values:
        raise BenchmarkError(f"could not read wrk's report:\n{done.stdout}")
    return LoadResult(
        requests_per_s=float(rate.group(1)),
        p50_ms=values["p50"] / 1000,
        p90_ms=values["p90"] / 1000,
        p99_ms=values["p99"] / 1000,
        requests=values["requests"],
        failures=failures,
    )
