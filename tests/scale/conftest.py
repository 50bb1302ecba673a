"""The scale-out parts for real: PostgreSQL, Redis and an S3 endpoint (moto) on 127.0.0.1, a
``formcheck serve --workers 0`` and separate ``formcheck worker`` processes, all subprocesses.

Each server is started once per session and stopped at its end; a test that restarts one
leaves it running. Tests skip cleanly when a server's binary or package is missing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("httpx")
from tests.support.cluster import S3_ENV, Cluster, make_tiny_clip  # noqa: E402 - after the skip
from tests.support.servers import PostgresServer, RedisServer, S3Server  # noqa: E402


def _session_server(cls, what: str):
    if not cls.available():
        pytest.skip(f"{what} not installed")
    server = cls().start()
    return server


@pytest.fixture(scope="session")
def redis_server():
    server = _session_server(RedisServer, "redis-server")
    yield server
    server.close()


@pytest.fixture(scope="session")
def pg_server():
    server = _session_server(PostgresServer, "postgresql")
    yield server
    server.close()


@pytest.fixture(scope="session")
def s3_server():
    os.environ.update(S3_ENV)  # moto accepts any key; boto3 in this process needs one
    server = _session_server(S3Server, "moto[server]")
    yield server
    server.close()


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory) -> Path:
    """1.2 s of a bundled sample at 240 px: one analysis takes seconds, and finds the person."""
    return make_tiny_clip(tmp_path_factory.mktemp("clips") / "tiny.mp4")


@pytest.fixture
def cluster(tmp_path, pg_server, redis_server, s3_server):
    c = Cluster(tmp_path, pg_server, redis_server, s3_server)
    yield c
    c.stop()
