"""The one table of exit codes: the README's copy matches the code, codes are distinct, and the
faces' last-resort paths (a bug, an uncaught interrupt) still end in one line and a table code."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

from formcheck.core import errors
from formcheck.core.errors import ERROR_CLASSES, EXIT_CODES, FormcheckError
from formcheck.core.npz_limits import MAX_FRAMES, MAX_MEMBERS

from hostile_probe import ROOT, Run, assert_failed, cli_env

SECTION = "## Exit codes and hostile input"


def readme_section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start:end]


def test_readme_table_is_the_code_table():
    rows = re.findall(r"^\| `(\d+)` \| (.+?) \|$", readme_section(), flags=re.M)
    assert {int(c): m for c, m in rows} == EXIT_CODES, "regenerate the README table from EXIT_CODES:\n" + "\n".join(
        f"| `{c}` | {m} |" for c, m in sorted(EXIT_CODES.items()))
    assert [int(c) for c, _ in rows] == sorted(EXIT_CODES)


def test_every_error_class_is_in_the_table_with_its_own_code():
    found = {cls for cls in vars(errors).values() if isinstance(cls, type) and issubclass(cls, FormcheckError)}
    assert found == set(ERROR_CLASSES)
    codes = [cls.exit_code for cls in ERROR_CLASSES]
    assert len(codes) == len(set(codes)) and all(1 <= c < 126 for c in codes)


def test_readme_states_the_landmark_limits_of_the_code():
    section = readme_section()
    assert f"at most {MAX_FRAMES:,} frames" in section and f"at most {MAX_MEMBERS} members" in section


def _run_python(code: str, cwd: Path) -> Run:
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=cli_env(), capture_output=True, text=True,
                          timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - t0, 0.0)


def test_a_bug_is_one_line_and_exit_1_not_a_traceback(tmp_path, good_npz):
    """An unexpected exception inside a command (a bug injected into the real entry point)."""
    run = _run_python(
        "import sys, formcheck.pipeline as p\n"
        "def broken(*a, **k): raise RuntimeError('injected bug')\n"
        "p.analyze_path = broken\n"
        "from formcheck.cli.app import main\n"
        f"sys.exit(main(['analyze', {str(good_npz)!r}, '--out', 'o']))\n", tmp_path)
    assert_failed(run, 1, says="internal error: RuntimeError: injected bug")


def test_out_of_memory_is_one_line(tmp_path, good_npz):
    run = _run_python(
        "import sys, formcheck.pipeline as p\n"
        "def hungry(*a, **k): raise MemoryError()\n"
        "p.analyze_path = hungry\n"
        "from formcheck.cli.app import main\n"
        f"sys.exit(main(['analyze', {str(good_npz)!r}, '--out', 'o']))\n", tmp_path)
    assert_failed(run, 1, says="out of memory")
