"""The real servers the scale-out tests use start on loopback, answer, restart and stop."""

from __future__ import annotations

import socket

import pytest

from tests.support.servers import LOOPBACK, PostgresServer, RedisServer, S3Server


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((LOOPBACK, port)) == 0


@pytest.mark.skipif(not RedisServer.available(), reason="redis-server not installed")
def test_redis_answers_and_keeps_data_across_a_restart():
    redis = pytest.importorskip("redis")
    server = RedisServer().start()
    try:
        client = redis.Redis.from_url(server.url)
        client.set("k", "v")
        server.restart()
        assert redis.Redis.from_url(server.url).get("k") == b"v"  # append-only file kept it
    finally:
        server.close()
    assert not _listening(server.port)


@pytest.mark.skipif(not PostgresServer.available(), reason="postgresql not installed")
def test_postgres_answers_on_loopback_and_stops():
    sqlalchemy = pytest.importorskip("sqlalchemy")
    server = PostgresServer().start()
    try:
        engine = sqlalchemy.create_engine(server.url)
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("select 40 + 2")).scalar() == 42
        engine.dispose()
        server.restart()
        engine = sqlalchemy.create_engine(server.url)
        with engine.connect() as conn:
            assert conn.execute(sqlalchemy.text("select current_database()")).scalar() == "formcheck"
        engine.dispose()
    finally:
        server.close()
    assert not _listening(server.port)


@pytest.mark.skipif(not S3Server.available(), reason="moto[server] not installed")
def test_s3_endpoint_stores_and_serves_an_object():
    boto3 = pytest.importorskip("boto3")
    server = S3Server().start()
    try:
        s3 = boto3.client("s3", endpoint_url=server.endpoint_url, region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")
        s3.create_bucket(Bucket="clips")
        s3.put_object(Bucket="clips", Key="a/b.bin", Body=b"\x00\x01formcheck")
        got = s3.get_object(Bucket="clips", Key="a/b.bin", Range="bytes=2-")
        assert got["Body"].read() == b"formcheck"
    finally:
        server.close()
    assert not _listening(server.port)
