"""List modules over 500 lines and functions over 80 lines (the house limits).

    .venv/bin/python tools/size_check.py [PATH...]     (default: formcheck/)
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 80


def offences(path: Path) -> list[str]:
    text = path.read_text()
    out = []
    n = len(text.splitlines())
    if n > MAX_MODULE_LINES:
        out.append(f"{path}: {n} lines")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                out.append(f"{path}:{node.lineno}: {node.name}() {length} lines")
    return out


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("formcheck")]
    files = sorted(p for r in roots for p in ([r] if r.is_file() else r.rglob("*.py")))
    found = [o for f in files for o in offences(f)]
    print("\n".join(found) if found else "no module over 500 lines, no function over 80")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
