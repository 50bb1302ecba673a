"""One atomic write: unique temporary names, whole files, nothing left behind on failure."""

import threading

import pytest

from formcheck.core.atomic import atomic_open, atomic_path, atomic_write_text


def test_two_writers_of_one_file_never_corrupt_each_other(tmp_path):
    target = tmp_path / "clip.json"
    texts = [f"{k}:" + str(k) * 200_000 + "\n" for k in range(8)]
    barrier = threading.Barrier(len(texts))

    def write(text: str) -> None:
        barrier.wait()
        for _ in range(5):
            atomic_write_text(target, text)

    threads = [threading.Thread(target=write, args=(t,)) for t in texts]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert target.read_text() in texts  # the last rename wins, whole
    assert [p.name for p in tmp_path.iterdir()] == ["clip.json"]  # no temporary file left


def test_temporary_names_are_unique_hidden_and_keep_the_suffix_on_request(tmp_path):
    target = tmp_path / "plot.png"
    with atomic_path(target) as a:
        with atomic_path(target) as b, atomic_path(target, keep_suffix=True) as c:
            assert len({a, b, c}) == 3 and all(p.name.startswith(".plot") for p in (a, b, c))
            assert c.suffix == ".png" and a.parent == tmp_path
            b.write_bytes(b"b")
            c.write_bytes(b"c")
        assert target.read_bytes() == b"b"  # b's rename came last of the two
        a.write_bytes(b"a")
    assert target.read_bytes() == b"a"  # the last rename wins, whole


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_open(target, "w") as fh:
            fh.write("half")
            raise RuntimeError("disk full")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
