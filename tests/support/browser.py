"""Debian's Chromium driven by Playwright, as the page tests use it (no browser download).

``chromium_context()`` opens a persistent context on a fresh profile with the flags that keep
it off the network; ``Watched`` is a page that records every console message, page error and
request, so a test can assert there were none it did not expect.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@contextmanager
def chromium_context() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), headless=True,
                                                   args=CHROMIUM_ARGS)
        try:
            yield ctx
        finally:
            ctx.close()


class Watched:
    """A page with every console message, page error and request recorded."""

    def __init__(self, ctx, width: int, height: int = 900) -> None:
        self.page = ctx.new_page()
        self.page.set_viewport_size({"width": width, "height": height})
        self.console: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: Path) -> "Watched":
        self.page.goto(path.resolve().as_uri())
        self.page.wait_for_load_state("load")
        return self

    def wait_until(self, expr: str, timeout_s: float = 10.0) -> None:
        """Poll from here: the page's policy forbids the string evaluation Playwright's own wait uses."""
        for _ in range(int(timeout_s / 0.05)):
            if self.page.evaluate(f"() => Boolean({expr})"):
                return
            self.page.wait_for_timeout(50)
        raise AssertionError(f"timed out waiting for {expr}")

    def errors(self) -> list[str]:
        return [m for m in self.console if m.startswith(("error", "pageerror", "warning"))]
