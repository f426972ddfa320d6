"""A real browser for the tests: Debian's Chromium driven by Playwright, pages served on localhost.

Playwright cannot download its own browser here (no network beyond the package registries),
so it drives the system Chromium. `.ci/run` installs it; a machine without it fails these
tests with the command that fixes that, rather than skipping them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "browser"
# The flags the machine's own Chromium check uses: without the background-networking ones,
# Chromium keeps calling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def chromium_path() -> str:
    path = os.environ.get("BOOK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("No Chromium found: install Debian's package (`apt-get install chromium`, which .ci/run does) "
                    "or set BOOK_CHROMIUM to a Chromium binary.")
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on a free localhost port; yields the base URL."""
    with serve_handler(functools.partial(_QuietHandler, directory=str(directory))) as base_url:
        yield base_url


@contextlib.contextmanager
def serve_handler(handler: Any) -> Iterator[str]:
    """Serve with ``handler`` (a BaseHTTPRequestHandler class) on a free localhost port; yields the base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class PageLog:
    """What a page did besides drawing: console errors, failed loads, and blocked outside requests."""

    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def watch(page, base_url: str) -> PageLog:
    """Block and record every request that leaves ``base_url``; record console errors and HTTP failures."""
    log = PageLog()

    def route(r):
        url = r.request.url
        if url.startswith((base_url, "data:", "blob:")):
            r.continue_()
        else:
            log.blocked.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: log.console_errors.append(f"console.{m.type}: {m.text}")
            if m.type in ("error", "assert") else None)
    page.on("pageerror", lambda e: log.console_errors.append(f"uncaught: {e}"))
    page.on("response", lambda r: log.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return log


def screenshot(target, name: str, **kwargs) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    target.screenshot(path=str(path), **kwargs)
    return path


def open_browser():
    """Debian's Chromium through Playwright, as every browser test launches it (a context manager)."""
    from contextlib import contextmanager

    from playwright.sync_api import sync_playwright

    @contextmanager
    def launched():
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                yield chromium
            finally:
                chromium.close()
    return launched()
