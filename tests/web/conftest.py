"""Fixtures for the coach app tests (helpers in webapp.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

pytest.importorskip("httpx")

from webapp import SAMPLES, Server  # noqa: E402


@pytest.fixture
def make_server(tmp_path):
    servers: list[Server] = []

    def make(**kw) -> Server:
        s = Server(tmp_path / f"data{len(servers)}", **kw)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


@pytest.fixture(scope="session")
def short_clip(tmp_path_factory) -> Path:
    """1.2 s of a rendered sample at 320 px: a whole analysis in a few seconds."""
    import imageio_ffmpeg

    out = tmp_path_factory.mktemp("clips") / "short.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-i", str(SAMPLES / "slht_fast_descent.mp4"),
                    "-t", "1.2", "-vf", "scale=320:-2", "-an", "-c:v", "libx264", "-preset", "veryfast",
                    str(out)], check=True)
    return out


@pytest.fixture(scope="session")
def empty_scene_clip(tmp_path_factory) -> Path:
    """A real, playable video with nobody in it."""
    import imageio_ffmpeg

    out = tmp_path_factory.mktemp("clips") / "nobody.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "color=c=gray:s=320x240:d=1.5:r=15", "-c:v", "libx264", "-preset", "veryfast",
                    "-pix_fmt", "yuv420p", str(out)], check=True)
    return out


@pytest.fixture
def team(make_server):
    """One server; coach C1 with athletes A and B, coach C2 with athlete D."""
    server = make_server().start()
    server.add_user("c1@example.com", "coach")
    server.add_user("c2@example.com", "coach")
    server.add_user("a@example.com", "athlete", coach="c1@example.com")
    server.add_user("b@example.com", "athlete", coach="c1@example.com")
    server.add_user("d@example.com", "athlete", coach="c2@example.com")
    return server
