"""Fixtures of the replica tests: a real streaming replica of the test PostgreSQL server.

``replica`` copies the test server with ``pg_basebackup`` into a temporary data
directory and starts it as a hot standby on its own port, for the whole session
(``benchmarks.replicas.StreamingReplica``: run as the ``postgres`` OS user when the
tests run as root, since PostgreSQL refuses root); it is stopped and removed at the
end. ``pg_basebackup`` needs a replication line in the server's ``pg_hba.conf``; when
missing, ``host replication all 127.0.0.1/32 trust`` is appended and the configuration
reloaded (idempotent, nothing restarted). A machine that cannot run a replica skips
these tests with the reason; under ``CI=true`` that is a failure. Every module here is
in one xdist group, so one worker builds one replica.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from benchmarks.replicas import ReplicaUnavailable, StreamingReplica
from sqlalchemy import Engine

from newscms.store import Store, create_engine
from newscms.store.replicas import ReplicaPolicy

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# Short enough for tests to watch a replica go and come back. The lag bound is loose:
# under CI's load (the other worker runs the store suite against the same server, and
# the replica replays all of it on the same two cores) a replica may be a minute
# behind, and only the lag test means to see one skipped for it. For the same reason
# catching up may take minutes (``StreamingReplica.catch_up`` waits up to 180 s).
TEST_POLICY = ReplicaPolicy(max_lag=300.0, wait=0.3, retry_after=1.0, check_every=0.2)


@pytest.fixture(scope="session")
def replica(server_for) -> Iterator[StreamingReplica]:  # type: ignore[no-untyped-def]
    """A hot standby of the test PostgreSQL server on its own port, for the session."""
    server = server_for("postgresql")
    try:
        standby = StreamingReplica.create(server.admin_url)
    except ReplicaUnavailable as error:
        reason = f"cannot run a streaming replica: {error}"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true requires it)", pytrace=False)
        pytest.skip(reason)
    yield standby
    standby.remove()


@dataclass
class Cluster:
    """A migrated database on the primary and the same database on the replica."""

    primary: Engine
    standby: Engine
    replica: StreamingReplica
    policy: ReplicaPolicy = TEST_POLICY

    def store(self, policy: ReplicaPolicy = TEST_POLICY, **options: object) -> Store:
        """A store writing to the primary and reading from the replica."""
        return Store(self.primary, replicas=[self.standby], replica_policy=policy, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def cluster_database(server_for, replica: StreamingReplica) -> Iterator[Cluster]:  # type: ignore[no-untyped-def]
    """One migrated database, seen on the primary and on the replica."""
    url = server_for("postgresql").create_database()
    primary = create_engine(url)
    Store(primary, check_schema=False).migrate()
    replica.catch_up()
    standby = create_engine(replica.url(url))
    yield Cluster(primary, standby, replica)
    primary.dispose()
    standby.dispose()


@pytest.fixture
def cluster(cluster_database: Cluster) -> Iterator[Cluster]:
    """The cluster, with a replica that replays and has caught up.

    Tables are not emptied between tests: each test writes articles of its own
    (unique headlines), so what others left cannot change its outcome.
    """
    cluster_database.replica.resume()
    cluster_database.replica.catch_up()
    yield cluster_database
    cluster_database.replica.resume()  # a test that paused replay leaves it running
