"""Scale-out throughput: clips per minute with one worker and with two, and upload-to-done time.

Real parts on 127.0.0.1 (tests/support): PostgreSQL, Redis, moto's S3 server, ``formcheck serve
--workers 0`` and ``formcheck worker`` processes. Each phase starts its workers, lets each run
one warm-up clip (model load, first-run costs), then uploads N clips at once and times them
from the first upload to the last row 'done'. Then, with the queue idle, one clip is timed from
upload to done. A benchmark, not a test: it prints figures and a ratio measured in one run.

    .venv/bin/python benchmarks/bench_scaleout.py [--clips 8]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.cluster import S3_ENV, Cluster, make_tiny_clip  # noqa: E402
from tests.support.servers import PostgresServer, RedisServer, S3Server  # noqa: E402


def _batch(cluster: Cluster, client, clip: Path, n: int, tag: str) -> float:
    """Upload n clips at once; seconds from the first upload to the last 'done'."""
    t0 = time.perf_counter()
    ids = [cluster.upload(client, clip, f"{tag}-{i}.mp4") for i in range(n)]
    rows = cluster.wait_finished(ids, timeout_s=1800)
    elapsed_s = time.perf_counter() - t0
    bad = [r for r in rows.values() if r["status"] != "done" or r["runs_done"] != 1]
    if bad:
        raise SystemExit(f"{tag}: not every clip done exactly once: {bad}")
    return elapsed_s


def _phase(tmp: Path, servers: tuple, clip: Path, workers: int, n: int) -> tuple[float, float]:
    """(clips per minute for n clips, one clip's upload-to-done seconds) with this many workers."""
    cluster = Cluster(tmp / f"w{workers}", *servers)
    cluster.tmp.mkdir(parents=True)
    try:
        cluster.start_server()
        for i in range(workers):
            cluster.start_worker(f"worker-{i}")
        client = cluster.athlete_client()
        _batch(cluster, client, clip, workers, "warm-up")  # one per worker, most likely
        batch_s = _batch(cluster, client, clip, n, "batch")
        single_s = _batch(cluster, client, clip, 1, "single")
        return n / batch_s * 60, single_s
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=8, help="clips per phase")
    args = parser.parse_args()
    if not (PostgresServer.available() and RedisServer.available() and S3Server.available()):
        raise SystemExit("needs postgresql, redis-server and moto[server]")
    os.environ.update(S3_ENV)
    with tempfile.TemporaryDirectory(prefix="fc-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        clip = make_tiny_clip(tmp / "tiny.mp4")
        pg, redis, s3 = PostgresServer().start(), RedisServer().start(), S3Server().start()
        try:
            one_cpm, one_single_s = _phase(tmp, (pg, redis, s3), clip, 1, args.clips)
            two_cpm, two_single_s = _phase(tmp, (pg, redis, s3), clip, 2, args.clips)
        finally:
            for server in (pg, redis, s3):
                server.close()
    print(f"clip: 1.2 s, 240 px (36 frames); {args.clips} clips per phase; {os.cpu_count()} cores")
    print(f"1 worker : {one_cpm:6.1f} clips/min   one clip upload-to-done {one_single_s:5.1f} s")
    print(f"2 workers: {two_cpm:6.1f} clips/min   one clip upload-to-done {two_single_s:5.1f} s")
    print(f"ratio 2/1: {two_cpm / one_cpm:.2f}")


if __name__ == "__main__":
    main()
